package io.synthgen.jobs.tabular;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.jobs.evaluate.EvaluationReport;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.eval.BundleNumbers;
import io.synthgen.tabular.profile.EmpiricalMarginal;
import java.io.Serializable;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What the model holds: the training values of the continuous numeric columns (see {@link
 * ValueCopying}) found among the numbers the bundle writes outside its weights ({@link
 * BundleNumbers}: metadata, transformer, training record, config). The numbers are broadcast and
 * the {@code --real} cells counted in one {@code treeAggregate}, whole and for the rows of the
 * positive class. A column's range ends are expected among them when the metadata declares no
 * {@code bounds} for it (the models then keep the data's extremes); anything beyond is a training
 * value a reader of the bundle learns without running the model.
 *
 * <p>The metric counts a column's value found in the column's own summaries ({@link
 * BundleNumbers#ofColumn}), or found outside every column's summaries when it is not a whole
 * number (config, training record: whole numbers there are counts, rounds and sizes). A value
 * equal to a number of another column's summary (a grid point of a count column that happens to
 * equal a time of day) is listed but not counted.
 */
final class BundleScan {
  /** Found values listed per column in the report, at most. */
  static final int LISTED = 10;

  private BundleScan() {}

  /**
   * The scan's JSON over the {@code continuous} numeric columns; records {@code
   * bundle_training_values} and {@code bundle_training_value_share}.
   */
  static ObjectNode evaluate(TableEvaluation t, ModelBundle bundle, Dataset<Row> real,
      TableProfile rp, int[] continuous) {
    BundleNumbers numbers = BundleNumbers.of(bundle);
    java.util.Set<String> allColumns = new java.util.HashSet<>(t.numeric());
    allColumns.addAll(t.categorical());
    BundleNumbers[] own = new BundleNumbers[continuous.length];
    for (int k = 0; k < continuous.length; k++) {
      own[k] = BundleNumbers.ofColumn(bundle, t.numeric().get(continuous[k]));
    }
    Scope scope = new Scope(numbers, own, BundleNumbers.outsideColumns(bundle, allColumns));
    String label = t.meta().label();
    String positive = t.meta().positiveClass();
    int labelIndex = label == null || positive == null ? -1
        : t.nNum() + t.categorical().indexOf(label);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(t.spark().sparkContext());
    Broadcast<Scope> b = sc.broadcast(scope);
    Found f;
    try {
      f = real.javaRDD().treeAggregate(new Found(continuous.length),
          new Offer(b, continuous, labelIndex, positive), new Merge());
    } finally {
      b.destroy();
    }
    ObjectNode o = ModelBundle.json().createObjectNode();
    o.put("bundle_numbers", numbers.size());
    long cells = 0;
    long hits = 0;
    long distinct = 0;
    long cellsPos = 0;
    long hitsPos = 0;
    long distinctPos = 0;
    long beyondEnds = 0;
    long nonIntegral = 0;
    long rare = 0;
    ObjectNode per = o.putObject("per_column");
    for (int k = 0; k < continuous.length; k++) {
      int c = continuous[k];
      String name = t.numeric().get(c);
      ObjectNode col = per.putObject(name);
      col.put("cells", f.cells[k]);
      col.put("cells_in_bundle", f.hits[k]);
      col.put("distinct_in_bundle", f.values[k].size());
      int ends = (f.values[k].containsKey(rp.min[c]) ? 1 : 0)
          + (rp.max[c] != rp.min[c] && f.values[k].containsKey(rp.max[c]) ? 1 : 0);
      boolean declared = t.meta().bounds(name) != null;
      long fractional = f.values[k].keySet().stream().filter(v -> v != Math.floor(v)).count();
      int column = c;
      long rareHere = f.counted[k].entrySet().stream()
          .filter(e -> e.getValue() < EmpiricalMarginal.MIN_SHARED_ROWS)
          .filter(e -> declared || (e.getKey() != rp.min[column] && e.getKey() != rp.max[column]))
          .count();
      col.put("distinct_held_by_few_rows", rareHere);
      col.put("distinct_in_own_summaries_or_unattributed", f.counted[k].size());
      col.put("distinct_non_integral", fractional);
      col.put("range_ends_in_bundle", ends);
      col.put("bounds_declared", declared);
      ArrayNode listed = col.putArray("values");
      f.values[k].keySet().stream().limit(LISTED).forEach(listed::add);
      cells += f.cells[k];
      hits += f.hits[k];
      distinct += f.values[k].size();
      beyondEnds += f.values[k].size() - (declared ? 0 : ends);
      rare += rareHere;
      nonIntegral += fractional;
      cellsPos += f.cellsPositive[k];
      hitsPos += f.hitsPositive[k];
      distinctPos += f.valuesPositive[k].size();
    }
    double share = cells == 0 ? Double.NaN : hits / (double) cells;
    o.put("distinct_training_values", distinct);
    o.put("distinct_beyond_expected_range_ends", beyondEnds);
    o.put("distinct_non_integral", nonIntegral);
    o.put("distinct_held_by_few_rows", rare);
    o.put("training_cells", cells);
    o.put("training_cells_in_bundle", hits);
    EvaluationReport.put(o, "share", share);
    if (labelIndex >= 0) {
      ObjectNode p = o.putObject("positive_class");
      p.put("class", positive);
      p.put("distinct_training_values", distinctPos);
      p.put("training_cells", cellsPos);
      p.put("training_cells_in_bundle", hitsPos);
      EvaluationReport.put(p, "share", cellsPos == 0 ? Double.NaN : hitsPos / (double) cellsPos);
    }
    t.report().metric("bundle_training_values", rare);
    t.report().metric("bundle_training_value_share", share);
    o.put("note", "training values of the continuous columns among the numbers of the bundle's "
        + "metadata, transformer, training record and config (not its weights), exactly or "
        + "rounded to float32; distinct values count per column. A column's range ends (min and "
        + "max) are expected there when the metadata gives no 'bounds' for it; whole numbers "
        + "also match as a point mass the model keeps (such as 0) or a count, round or size, so "
        + "the non-integral values found are the telling ones. The metric "
        + "bundle_training_values counts the found values held by fewer than "
        + EmpiricalMarginal.MIN_SHARED_ROWS + " training rows (values that could single out "
        + "a record), leaving out the range ends when the metadata declares no bounds, and "
        + "counting a value only where it stands in the column's own summaries, or outside "
        + "every column's summaries when it is not a whole number");
    return o;
  }

  /**
   * The bundle's numbers as the scan reads them: all of them, each continuous column's own
   * summaries', and those outside every column's summaries.
   */
  record Scope(BundleNumbers all, BundleNumbers[] own, BundleNumbers outside)
      implements Serializable {
    /** Whether value {@code v} of continuous column {@code k} counts (see the class note). */
    boolean counts(int k, double v) {
      return own[k].holds(v) || (v != Math.floor(v) && outside.holds(v));
    }
  }

  /** Per continuous column: cells, cells found in the bundle, the distinct values found. */
  static final class Found implements Serializable {
    private static final long serialVersionUID = 1L;
    final long[] cells;
    final long[] hits;
    final long[] cellsPositive;
    final long[] hitsPositive;
    /** Per column: each training value found in the bundle, with the cells that hold it. */
    final TreeMap<Double, Long>[] values;
    /** Per column: the found values the metric counts ({@link Scope#counts}), with their cells. */
    final TreeMap<Double, Long>[] counted;
    final TreeSet<Double>[] valuesPositive;

    @SuppressWarnings("unchecked")
    Found(int columns) {
      cells = new long[columns];
      hits = new long[columns];
      cellsPositive = new long[columns];
      hitsPositive = new long[columns];
      values = new TreeMap[columns];
      counted = new TreeMap[columns];
      valuesPositive = new TreeSet[columns];
      for (int k = 0; k < columns; k++) {
        values[k] = new TreeMap<>();
        counted[k] = new TreeMap<>();
        valuesPositive[k] = new TreeSet<>();
      }
    }

    Found merge(Found o) {
      for (int k = 0; k < cells.length; k++) {
        cells[k] += o.cells[k];
        hits[k] += o.hits[k];
        cellsPositive[k] += o.cellsPositive[k];
        hitsPositive[k] += o.hitsPositive[k];
        TreeMap<Double, Long> mine = values[k];
        o.values[k].forEach((v, n) -> mine.merge(v, n, Long::sum));
        TreeMap<Double, Long> mineCounted = counted[k];
        o.counted[k].forEach((v, n) -> mineCounted.merge(v, n, Long::sum));
        valuesPositive[k].addAll(o.valuesPositive[k]);
      }
      return this;
    }
  }

  /** Counts one real row's continuous cells against the broadcast bundle numbers. */
  static final class Offer implements Function2<Found, Row, Found> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<Scope> numbers;
    private final int[] continuous;
    private final int labelIndex;
    private final String positive;

    Offer(Broadcast<Scope> numbers, int[] continuous, int labelIndex, String positive) {
      this.numbers = numbers;
      this.continuous = continuous;
      this.labelIndex = labelIndex;
      this.positive = positive;
    }

    @Override
    public Found call(Found f, Row row) {
      boolean pos = labelIndex >= 0 && positive.equals(ConformedTable.category(row, labelIndex));
      for (int k = 0; k < continuous.length; k++) {
        if (row.isNullAt(continuous[k])) {
          continue;
        }
        double v = row.getDouble(continuous[k]);
        boolean hit = numbers.value().all().holds(v);
        f.cells[k]++;
        if (pos) {
          f.cellsPositive[k]++;
        }
        if (hit) {
          f.hits[k]++;
          f.values[k].merge(v == 0 ? 0.0 : v, 1L, Long::sum);
          if (numbers.value().counts(k, v)) {
            f.counted[k].merge(v == 0 ? 0.0 : v, 1L, Long::sum);
          }
          if (pos) {
            f.hitsPositive[k]++;
            f.valuesPositive[k].add(v == 0 ? 0.0 : v);
          }
        }
      }
      return f;
    }
  }

  /** Sums two partitions' counts. */
  static final class Merge implements Function2<Found, Found, Found> {
    private static final long serialVersionUID = 1L;

    @Override
    public Found call(Found a, Found b) {
      return a.merge(b);
    }
  }
}
