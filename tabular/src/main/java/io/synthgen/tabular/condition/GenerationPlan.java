package io.synthgen.tabular.condition;

import io.synthgen.model.InvalidInputException;
import io.synthgen.model.Seeds;
import io.synthgen.tabular.Permutations;
import io.synthgen.tabular.transform.CategoricalColumns;
import io.synthgen.tabular.transform.OneHotCategoryEncoder;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Splits a generation request of N rows over P partitions and decides each row's condition, as a
 * pure function of (request, partition index, seed): the same request gives the same rows however
 * many executors run the partitions.
 *
 * <ul>
 *   <li>With an explicit condition {@code COLUMN=VALUE}, every row is conditioned on it and
 *       carries it.
 *   <li>Otherwise, when the table has a label, a share {@code labelShare} of the rows (evenly
 *       spread over the row indices) is conditioned on the label, its classes apportioned
 *       exactly to their training frequencies (largest remainder), so unconditional output
 *       reproduces the real class balance instead of inflating the rare class; the other rows
 *       are conditioned as without a label. Each class is spread over the partitions in
 *       proportion to their label rows ({@link #classesOfPartition}), so no partition gets all
 *       of a rare class (whose rows a label filter draws more often).
 *   <li>Otherwise conditions follow CTGAN's sampling from the original frequencies: a categorical
 *       column uniformly, a category by its frequency.
 * </ul>
 *
 * <p>Rows conditioned on the label (or on an explicit condition) carry their condition
 * ({@link Conditions#enforced(int)}); the others keep what the model generates. A plan
 * {@link #pairedWith paired} with the label also gives every row a partner condition drawn
 * from the training table's joint counts ({@link LabelPairs}), carried with the row's own.
 */
public final class GenerationPlan implements Serializable {
  private static final long serialVersionUID = 1L;
  private final long rows;
  private final int partitions;
  private final int conditionColumn;
  private final int conditionCategory;
  private final long[] classCounts;
  private final int labelColumn;
  private final double labelShare;
  private final LabelPairs labelPairs;

  private GenerationPlan(long rows, int partitions, int conditionColumn, int conditionCategory,
      long[] classCounts, int labelColumn, double labelShare) {
    this(rows, partitions, conditionColumn, conditionCategory, classCounts, labelColumn,
        labelShare, null);
  }

  private GenerationPlan(long rows, int partitions, int conditionColumn, int conditionCategory,
      long[] classCounts, int labelColumn, double labelShare, LabelPairs labelPairs) {
    this.labelPairs = labelPairs;
    this.labelShare = labelShare;
    this.rows = rows;
    this.partitions = partitions;
    this.conditionColumn = conditionColumn;
    this.conditionCategory = conditionCategory;
    this.classCounts = classCounts;
    this.labelColumn = labelColumn;
  }

  /**
   * Per-row conditions for one partition: discrete column index (-1 none) and category; rows
   * conditioned on {@code enforcedColumn} (-1: none) carry their condition. With paired
   * conditions ({@link #pairedWith}) each row also has a partner condition
   * ({@code pairedColumn} -1 where none; both arrays null without pairing), carried wherever
   * the row's own condition is.
   */
  public record Conditions(int[] column, int[] category, int enforcedColumn, int[] pairedColumn,
      int[] pairedCategory) {
    public Conditions(int[] column, int[] category, int enforcedColumn) {
      this(column, category, enforcedColumn, null, null);
    }

    public int size() {
      return column.length;
    }

    /** Whether row {@code row} must carry the category it is conditioned on. */
    public boolean enforced(int row) {
      return enforcedColumn >= 0 && column[row] == enforcedColumn;
    }

    /** Discrete column of row {@code row}'s partner condition, or -1. */
    public int partnerColumn(int row) {
      return pairedColumn == null ? -1 : pairedColumn[row];
    }
  }

  /**
   * This plan with every row's condition paired with a partner drawn from the training table's
   * joint counts (see {@link LabelPairs}); null keeps single conditions.
   */
  public GenerationPlan pairedWith(LabelPairs pairs) {
    return new GenerationPlan(rows, partitions, conditionColumn, conditionCategory, classCounts,
        labelColumn, labelShare, pairs);
  }

  /**
   * Builds a plan. {@code condition} is {@code COLUMN=VALUE} or null; {@code label} the label
   * column or null. Unknown columns or values are errors that list the valid ones.
   */
  public static GenerationPlan create(CategoricalColumns t, long rows, int partitions,
      String condition, String label) {
    return create(t, rows, partitions, condition, label, 1.0);
  }

  /**
   * Builds a plan whose unconditional rows are conditioned on the label only for a share
   * {@code labelShare} (0 to 1) of them (see the class description).
   */
  public static GenerationPlan create(CategoricalColumns t, long rows, int partitions,
      String condition, String label, double labelShare) {
    if (!(labelShare >= 0 && labelShare <= 1)) {
      throw new InvalidInputException("option 'output.label-condition-share' has value "
          + labelShare + ": give a share from 0 to 1");
    }
    if (rows < 0) {
      throw new InvalidInputException("option '--rows' is " + rows + ": give a count >= 0");
    }
    if (partitions < 1) {
      throw new InvalidInputException("option '--partitions' is " + partitions + ": give >= 1");
    }
    if (condition != null) {
      int eq = condition.indexOf('=');
      if (eq <= 0) {
        throw new InvalidInputException("option '--condition' value '" + condition
            + "' is not of the form COLUMN=VALUE");
      }
      String column = condition.substring(0, eq);
      String value = condition.substring(eq + 1);
      int col = t.columnIndex(column);
      int j = col < 0 ? -1 : t.categoricalIndex(col);
      if (j < 0) {
        List<String> valid = new ArrayList<>();
        for (int c : t.categoricalColumns()) {
          valid.add(t.columnNames().get(c));
        }
        throw new InvalidInputException("option '--condition' names column '" + column
            + "', which is " + (col < 0 ? "not in the model" : "not categorical")
            + "; categorical columns: " + String.join(", ", valid));
      }
      OneHotCategoryEncoder enc = t.categoriesOf(col);
      int k = enc.indexOf(value);
      if (k < 0) {
        throw new InvalidInputException("option '--condition' value '" + value
            + "' is not a category of column '" + column + "'; valid values: "
            + String.join(", ", enc.categories().stream().filter(java.util.Objects::nonNull)
                .toList()));
      }
      return new GenerationPlan(rows, partitions, j, k, null, -1, 1.0);
    }
    int j = t.categoricalIndexOf(label);
    if (j >= 0) {
      long[] counts = t.categoriesOf(t.categoricalColumns()[j]).counts();
      return new GenerationPlan(rows, partitions, -1, -1,
          apportion(labelRowsBefore(rows, labelShare), counts), j, labelShare);
    }
    return new GenerationPlan(rows, partitions, -1, -1, null, -1, 1.0);
  }

  /** Label-conditioned rows among global rows [0, r): floor(r * share), exact at share 1. */
  static long labelRowsBefore(long r, double share) {
    return share >= 1 ? r : (long) Math.floor(r * share);
  }

  /** Splits {@code total} in proportion to {@code weights} exactly (largest remainder). */
  static long[] apportion(long total, long[] weights) {
    long sum = 0;
    for (long w : weights) {
      sum += w;
    }
    long[] out = new long[weights.length];
    double[] rem = new double[weights.length];
    long given = 0;
    for (int i = 0; i < weights.length; i++) {
      double exact = (double) total * weights[i] / sum;
      out[i] = (long) Math.floor(exact);
      rem[i] = exact - out[i];
      given += out[i];
    }
    while (given < total) {
      int best = 0;
      for (int i = 1; i < rem.length; i++) {
        best = rem[i] > rem[best] ? i : best;
      }
      out[best]++;
      rem[best] = -1;
      given++;
    }
    return out;
  }

  public long rows() {
    return rows;
  }

  public int partitions() {
    return partitions;
  }

  /** First global row index of partition {@code p}; partition p covers [start(p), start(p+1)). */
  public long start(int p) {
    long base = rows / partitions;
    long extra = rows % partitions;
    return p * base + Math.min(p, extra);
  }

  /**
   * The label rows of each class in partition {@code p}: partitions in turn, each apportioning
   * its label rows over the classes in proportion to the rows of each class not yet given to an
   * earlier partition (largest remainder). Every partition's counts sum to its label rows, each
   * class's counts over the partitions sum to its total, and each class is spread evenly.
   */
  long[] classesOfPartition(int p) {
    long[] remaining = classCounts.clone();
    long[] mine = null;
    for (int q = 0; q <= p; q++) {
      long labelRows = labelRowsBefore(start(q + 1), labelShare)
          - labelRowsBefore(start(q), labelShare);
      mine = labelRows == 0 ? new long[remaining.length] : apportion(labelRows, remaining);
      for (int c = 0; c < remaining.length; c++) {
        remaining[c] -= mine[c];
      }
    }
    return mine;
  }

  /** Conditions for partition {@code p}, derived from {@code seed} and {@code p} only. */
  public Conditions conditions(CategoricalColumns t, int p, long seed) {
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, Seeds.GENERATE, p, 7));
    Conditions single = singleConditions(t, p, rng);
    return labelPairs == null ? single : paired(single, rng);
  }

  private Conditions singleConditions(CategoricalColumns t, int p, SplittableRandom rng) {
    long from = start(p);
    int n = (int) (start(p + 1) - from);
    int[] col = new int[n];
    int[] cat = new int[n];
    if (conditionColumn >= 0) {
      java.util.Arrays.fill(col, conditionColumn);
      java.util.Arrays.fill(cat, conditionCategory);
      return new Conditions(col, cat, conditionColumn);
    }
    if (classCounts == null) {
      for (int i = 0; i < n; i++) {
        drawAsInTraining(t, rng, col, cat, i);
      }
      return new Conditions(col, cat, -1);
    }
    long[] mine = classesOfPartition(p);
    int cls = 0;
    boolean allLabel = true;
    for (int i = 0; i < n; i++) {
      long r = from + i;
      if (labelRowsBefore(r + 1, labelShare) == labelRowsBefore(r, labelShare)) {
        col[i] = -2; // drawn below, after the label rows, so their classes use no randomness
        allLabel = false;
        continue;
      }
      while (mine[cls] == 0) {
        cls++;
      }
      mine[cls]--;
      col[i] = labelColumn;
      cat[i] = cls;
    }
    if (allLabel) {
      Permutations.shuffle(cat, rng);
      return new Conditions(col, cat, labelColumn);
    }
    for (int i = 0; i < n; i++) {
      if (col[i] == -2) {
        drawAsInTraining(t, rng, col, cat, i);
      }
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Permutations.shuffle(order, rng);
    int[] c2 = new int[n];
    int[] k2 = new int[n];
    for (int i = 0; i < n; i++) {
      c2[i] = col[order[i]];
      k2[i] = cat[order[i]];
    }
    return new Conditions(c2, k2, labelColumn);
  }

  /** {@code single} with a partner condition per row, drawn from {@code rng} after it. */
  private Conditions paired(Conditions single, SplittableRandom rng) {
    int n = single.size();
    int[] col = new int[n];
    int[] cat = new int[n];
    int[] partner = new int[2];
    for (int i = 0; i < n; i++) {
      col[i] = -1;
      if (single.column()[i] >= 0) {
        labelPairs.draw(single.column()[i], single.category()[i], rng, partner);
        col[i] = partner[0];
        cat[i] = partner[1];
      }
    }
    return new Conditions(single.column(), single.category(), single.enforcedColumn(), col, cat);
  }

  /**
   * Row {@code i}'s condition as CTGAN samples at generation: a categorical column uniformly, a
   * category by its training frequency (no column when the table has none).
   */
  private static void drawAsInTraining(CategoricalColumns t, SplittableRandom rng, int[] col,
      int[] cat, int i) {
    int[] discrete = t.categoricalColumns();
    if (discrete.length == 0) {
      col[i] = -1;
      return;
    }
    int j = rng.nextInt(discrete.length);
    long[] counts = t.categoriesOf(discrete[j]).counts();
    int k = LabelPairs.drawIndex(counts, rng);
    col[i] = j;
    cat[i] = k < 0 ? counts.length - 1 : k;
  }
}
