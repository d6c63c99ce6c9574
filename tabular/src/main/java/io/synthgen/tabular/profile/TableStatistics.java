package io.synthgen.tabular.profile;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Everything needed to choose column roles and fit the transformer, gathered in one mergeable pass
 * over raw cells (String, Number, Boolean or null): per column the null count, whether every
 * non-null cell parses as a number (and the first that does not), numeric min/max/integrality,
 * exact category counts (capped at a limit of distinct values), and a bottom-k uniform sample of
 * rows' numeric values (k = sample size; each row gets a random priority, the k smallest win).
 */
public final class TableStatistics implements Serializable {
  private static final long serialVersionUID = 1L;
  private final int columns;
  private final int categoryLimit;
  private final int sampleSize;
  private long rows;
  private final long[] nulls;
  private final long[] nonNumeric;
  private final String[] firstNonNumeric;
  private final double[] min;
  private final double[] max;
  private final long[] nonIntegral;
  private final HashMap<String, Long>[] categories;
  private final boolean[] categoryOverflow;
  private final PriorityQueue<SampledRow> sample;
  private transient SplittableRandom rng;

  /** A sampled row's numeric cells (NaN where null or non-numeric) and its priority. */
  private record SampledRow(double priority, double[] values)
      implements Serializable, Comparable<SampledRow> {
    @Override
    public int compareTo(SampledRow o) {
      return Double.compare(priority, o.priority);
    }
  }

  @SuppressWarnings("unchecked")
  public TableStatistics(int columns, int categoryLimit, int sampleSize, long seed) {
    this.columns = columns;
    this.categoryLimit = categoryLimit;
    this.sampleSize = sampleSize;
    this.nulls = new long[columns];
    this.nonNumeric = new long[columns];
    this.firstNonNumeric = new String[columns];
    this.min = new double[columns];
    this.max = new double[columns];
    this.nonIntegral = new long[columns];
    this.categories = new HashMap[columns];
    this.categoryOverflow = new boolean[columns];
    for (int i = 0; i < columns; i++) {
      min[i] = Double.POSITIVE_INFINITY;
      max[i] = Double.NEGATIVE_INFINITY;
      categories[i] = new HashMap<>();
    }
    this.sample = new PriorityQueue<>(Collections.reverseOrder()); // largest priority on top
    this.rng = new SplittableRandom(seed);
  }

  /** Adds one row of raw cells. */
  public void add(Object[] cells) {
    rows++;
    double[] numeric = new double[columns];
    for (int i = 0; i < columns; i++) {
      Object c = cells[i];
      numeric[i] = Double.NaN;
      if (c == null) {
        nulls[i]++;
        continue;
      }
      String text = c.toString();
      if (!categoryOverflow[i]) {
        categories[i].merge(text, 1L, Long::sum);
        if (categories[i].size() > categoryLimit) {
          categoryOverflow[i] = true;
          categories[i].clear();
        }
      }
      double v;
      if (c instanceof Number n) {
        v = n.doubleValue();
      } else {
        try {
          v = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
          v = Double.NaN;
        }
      }
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        if (nonNumeric[i]++ == 0) {
          firstNonNumeric[i] = text;
        }
        continue;
      }
      numeric[i] = v;
      min[i] = Math.min(min[i], v);
      max[i] = Math.max(max[i], v);
      if (v != Math.rint(v)) {
        nonIntegral[i]++;
      }
    }
    double priority = rng.nextDouble();
    if (sample.size() < sampleSize) {
      sample.add(new SampledRow(priority, numeric));
    } else if (priority < sample.peek().priority()) {
      sample.poll();
      sample.add(new SampledRow(priority, numeric));
    }
  }

  /** Merges {@code other} into this and returns this. */
  public TableStatistics merge(TableStatistics other) {
    rows += other.rows;
    for (int i = 0; i < columns; i++) {
      nulls[i] += other.nulls[i];
      if (nonNumeric[i] == 0 && other.nonNumeric[i] > 0) {
        firstNonNumeric[i] = other.firstNonNumeric[i];
      }
      nonNumeric[i] += other.nonNumeric[i];
      min[i] = Math.min(min[i], other.min[i]);
      max[i] = Math.max(max[i], other.max[i]);
      nonIntegral[i] += other.nonIntegral[i];
      categoryOverflow[i] |= other.categoryOverflow[i];
      if (categoryOverflow[i]) {
        categories[i].clear();
      } else {
        HashMap<String, Long> mine = categories[i];
        other.categories[i].forEach((k, v) -> mine.merge(k, v, Long::sum));
        if (categories[i].size() > categoryLimit) {
          categoryOverflow[i] = true;
          categories[i].clear();
        }
      }
    }
    for (SampledRow r : other.sample) {
      if (sample.size() < sampleSize) {
        sample.add(r);
      } else if (r.priority() < sample.peek().priority()) {
        sample.poll();
        sample.add(r);
      }
    }
    return this;
  }

  public long rows() {
    return rows;
  }

  public long nulls(int column) {
    return nulls[column];
  }

  /** Non-null cells that do not parse as a finite number. */
  public long nonNumeric(int column) {
    return nonNumeric[column];
  }

  public String firstNonNumeric(int column) {
    return firstNonNumeric[column];
  }

  public double min(int column) {
    return min[column];
  }

  public double max(int column) {
    return max[column];
  }

  public boolean integral(int column) {
    return nonIntegral[column] == 0;
  }

  /** Exact category counts, or null when the column has more than the limit of distinct values. */
  public Map<String, Long> categories(int column) {
    return categoryOverflow[column] ? null : categories[column];
  }

  /** The sampled non-null numeric values of a column, in a deterministic order. */
  public double[] sample(int column) {
    List<SampledRow> rowsSorted = new ArrayList<>(sample);
    Collections.sort(rowsSorted);
    return rowsSorted.stream().mapToDouble(r -> r.values()[column]).filter(v -> !Double.isNaN(v))
        .toArray();
  }
}
