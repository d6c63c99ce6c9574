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
 *   <li>With conditions ({@link ConditionSet}), the rows are apportioned exactly over the set's
 *       cells (largest remainder, in proportion to the cells' weights), each cell spread evenly
 *       over the partitions; every row carries its cell's categories (the label's, or else the
 *       first conditioned column's, through the generator's conditional vector; with label pairs
 *       a second conditioned column's as the partner) and the set's other requirements, which
 *       the families meet ({@link Conditions#cell}).
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
  private final long[] classCounts;
  private final int labelColumn;
  private final double labelShare;
  private final LabelPairs labelPairs;
  private final ConditionSet conditionSet;
  private final long[] cellCounts;

  private GenerationPlan(long rows, int partitions,
      long[] classCounts, int labelColumn, double labelShare) {
    this(rows, partitions, classCounts, labelColumn,
        labelShare, null, null);
  }

  private GenerationPlan(long rows, int partitions,
      long[] classCounts, int labelColumn, double labelShare, LabelPairs labelPairs,
      ConditionSet conditionSet) {
    this.labelPairs = labelPairs;
    this.conditionSet = conditionSet;
    this.cellCounts = conditionSet == null ? null : apportion(rows, conditionSet.weights());
    this.labelShare = labelShare;
    this.rows = rows;
    this.partitions = partitions;
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
      int[] pairedCategory, ConditionSet conditionSet, int[] cellOf) {
    public Conditions(int[] column, int[] category, int enforcedColumn) {
      this(column, category, enforcedColumn, null, null, null, null);
    }

    public Conditions(int[] column, int[] category, int enforcedColumn, int[] pairedColumn,
        int[] pairedCategory) {
      this(column, category, enforcedColumn, pairedColumn, pairedCategory, null, null);
    }

    /** The {@link ConditionSet} cell row {@code row} must meet, or null (no conditions). */
    public ConditionSet.Cell cell(int row) {
      return cellOf == null ? null : conditionSet.cells().get(cellOf[row]);
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
    return new GenerationPlan(rows, partitions, classCounts,
        labelColumn, labelShare, pairs, conditionSet);
  }

  /**
   * Builds a plan of {@code rows} rows every one of which meets {@code set} (see the class
   * description); a null set is a plan without conditions ({@link #create} with no condition).
   */
  public static GenerationPlan forConditions(CategoricalColumns t, long rows, int partitions,
      ConditionSet set, String label, double labelShare) {
    if (set == null) {
      return create(t, rows, partitions, null, label, labelShare);
    }
    checkCounts(rows, partitions);
    return new GenerationPlan(rows, partitions, null, t.categoricalIndexOf(label), 1.0,
        null, set);
  }

  /** The plan's conditions, or null when it has none. */
  public ConditionSet conditionSet() {
    return conditionSet;
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
    checkCounts(rows, partitions);
    if (condition != null) {
      return forConditions(t, rows, partitions,
          ConditionSet.resolve(List.of(condition), t, null, null), label, labelShare);
    }
    int j = t.categoricalIndexOf(label);
    if (j >= 0) {
      long[] counts = t.categoriesOf(t.categoricalColumns()[j]).counts();
      return new GenerationPlan(rows, partitions,
          apportion(labelRowsBefore(rows, labelShare), counts), j, labelShare);
    }
    return new GenerationPlan(rows, partitions, null, -1, 1.0);
  }

  private static void checkCounts(long rows, int partitions) {
    if (rows < 0) {
      throw new InvalidInputException("option '--rows' is " + rows + ": give a count >= 0");
    }
    if (partitions < 1) {
      throw new InvalidInputException("option '--partitions' is " + partitions + ": give >= 1");
    }
  }

  /** Label-conditioned rows among global rows [0, r): floor(r * share), exact at share 1. */
  static long labelRowsBefore(long r, double share) {
    return share >= 1 ? r : (long) Math.floor(r * share);
  }

  /** Splits {@code total} in proportion to {@code weights} exactly (largest remainder). */
  static long[] apportion(long total, long[] weights) {
    double[] w = new double[weights.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = weights[i];
    }
    return apportion(total, w);
  }

  /**
   * Splits {@code total} in proportion to {@code weights} (>= 0, not all 0) exactly (largest
   * remainder, ties to the first).
   */
  static long[] apportion(long total, double[] weights) {
    double sum = 0;
    for (double w : weights) {
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
    return spread(classCounts, p, labelShare);
  }

  /** The rows of each condition cell in partition {@code p}, spread as the classes are. */
  long[] cellsOfPartition(int p) {
    return spread(cellCounts, p, 1.0);
  }

  private long[] spread(long[] counts, int p, double share) {
    long[] remaining = counts.clone();
    long[] mine = null;
    for (int q = 0; q <= p; q++) {
      long labelRows = labelRowsBefore(start(q + 1), share)
          - labelRowsBefore(start(q), share);
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
    if (conditionSet != null) {
      return cellConditions(t, p, rng);
    }
    Conditions single = singleConditions(t, p, rng);
    return labelPairs == null ? single : paired(single, rng);
  }

  /**
   * The conditions of partition {@code p} of a plan with a {@link ConditionSet}: each row's cell
   * (the partition's share of every cell, in random order), its conditional-vector condition
   * and, with label pairs, its partner.
   */
  private Conditions cellConditions(CategoricalColumns t, int p, SplittableRandom rng) {
    int n = (int) (start(p + 1) - start(p));
    int[] cellOf = new int[n];
    long[] mine = cellsOfPartition(p);
    for (int i = 0, c = 0; i < n; i++) {
      while (mine[c] == 0) {
        c++;
      }
      mine[c]--;
      cellOf[i] = c;
    }
    Permutations.shuffle(cellOf, rng);
    List<ConditionSet.CategoryRequirement> reqs = conditionSet.categorical();
    int primary = -1;
    for (int r = 0; r < reqs.size(); r++) {
      if (t.categoricalIndex(reqs.get(r).column()) == labelColumn) {
        primary = r;
      }
    }
    primary = primary < 0 && !reqs.isEmpty() ? 0 : primary;
    int[] col = new int[n];
    int[] cat = new int[n];
    int enforced = primary < 0 ? -1 : t.categoricalIndex(reqs.get(primary).column());
    for (int i = 0; i < n; i++) {
      if (primary < 0) {
        drawAsInTraining(t, rng, col, cat, i);
      } else {
        col[i] = enforced;
        cat[i] = conditionSet.cells().get(cellOf[i]).categories()[primary];
      }
    }
    Conditions single = new Conditions(col, cat, enforced);
    if (labelPairs == null) {
      return new Conditions(col, cat, enforced, null, null, conditionSet, cellOf);
    }
    Conditions paired = paired(single, rng);
    int partner = -1;
    if (enforced >= 0 && enforced == labelColumn) {
      for (int r = 0; r < reqs.size() && partner < 0; r++) {
        partner = r == primary ? -1 : r;
      }
    }
    if (partner >= 0) {
      int partnerColumn = t.categoricalIndex(reqs.get(partner).column());
      for (int i = 0; i < n; i++) {
        paired.pairedColumn()[i] = partnerColumn;
        paired.pairedCategory()[i] = conditionSet.cells().get(cellOf[i]).categories()[partner];
      }
    }
    return new Conditions(col, cat, enforced, paired.pairedColumn(), paired.pairedCategory(),
        conditionSet, cellOf);
  }

  private Conditions singleConditions(CategoricalColumns t, int p, SplittableRandom rng) {
    long from = start(p);
    int n = (int) (start(p + 1) - from);
    int[] col = new int[n];
    int[] cat = new int[n];
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
