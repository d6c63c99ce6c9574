package io.synthgen.tabular;

import io.synthgen.model.InvalidInputException;
import io.synthgen.model.Seeds;
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
 *   <li>Otherwise, when the table has a label, the label's classes are apportioned exactly to
 *       their training frequencies (largest remainder) and each row is conditioned on its class,
 *       so unconditional output reproduces the real class balance instead of inflating the rare
 *       class.
 *   <li>Otherwise conditions follow CTGAN's sampling from the original frequencies: a categorical
 *       column uniformly, a category by its frequency.
 * </ul>
 */
public final class GenerationPlan implements Serializable {
  private static final long serialVersionUID = 1L;
  private final long rows;
  private final int partitions;
  private final int conditionColumn;
  private final int conditionCategory;
  private final long[] classCounts;
  private final int labelColumn;

  private GenerationPlan(long rows, int partitions, int conditionColumn, int conditionCategory,
      long[] classCounts, int labelColumn) {
    this.rows = rows;
    this.partitions = partitions;
    this.conditionColumn = conditionColumn;
    this.conditionCategory = conditionCategory;
    this.classCounts = classCounts;
    this.labelColumn = labelColumn;
  }

  /** Per-row conditions for one partition: discrete column index (-1 none) and category. */
  public record Conditions(int[] column, int[] category, boolean enforced) {
    public int size() {
      return column.length;
    }
  }

  /**
   * Builds a plan. {@code condition} is {@code COLUMN=VALUE} or null; {@code label} the label
   * column or null. Unknown columns or values are errors that list the valid ones.
   */
  public static GenerationPlan create(CategoricalColumns t, long rows, int partitions,
      String condition, String label) {
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
      return new GenerationPlan(rows, partitions, j, k, null, -1);
    }
    int labelCol = label == null ? -1 : t.columnIndex(label);
    int j = labelCol < 0 ? -1 : t.categoricalIndex(labelCol);
    if (j >= 0) {
      long[] counts = t.categoriesOf(labelCol).counts();
      return new GenerationPlan(rows, partitions, -1, -1, apportion(rows, counts), j);
    }
    return new GenerationPlan(rows, partitions, -1, -1, null, -1);
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

  /** Conditions for partition {@code p}, derived from {@code seed} and {@code p} only. */
  public Conditions conditions(CategoricalColumns t, int p, long seed) {
    long from = start(p);
    int n = (int) (start(p + 1) - from);
    int[] col = new int[n];
    int[] cat = new int[n];
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, Seeds.GENERATE, p, 7));
    if (conditionColumn >= 0) {
      java.util.Arrays.fill(col, conditionColumn);
      java.util.Arrays.fill(cat, conditionCategory);
      return new Conditions(col, cat, true);
    }
    if (classCounts != null) {
      long boundary = 0;
      int cls = 0;
      for (int i = 0; i < n; i++) {
        long r = from + i;
        while (cls < classCounts.length && r >= boundary + classCounts[cls]) {
          boundary += classCounts[cls];
          cls++;
        }
        col[i] = labelColumn;
        cat[i] = cls;
      }
      Permutations.shuffle(cat, rng);
      return new Conditions(col, cat, true);
    }
    int[] discrete = t.categoricalColumns();
    for (int i = 0; i < n; i++) {
      if (discrete.length == 0) {
        col[i] = -1;
        continue;
      }
      int j = rng.nextInt(discrete.length);
      long[] counts = t.categoriesOf(discrete[j]).counts();
      long total = 0;
      for (long c : counts) {
        total += c;
      }
      long u = (long) (rng.nextDouble() * total);
      int k = 0;
      while (k < counts.length - 1 && u >= counts[k]) {
        u -= counts[k];
        k++;
      }
      col[i] = j;
      cat[i] = k;
    }
    return new Conditions(col, cat, false);
  }
}
