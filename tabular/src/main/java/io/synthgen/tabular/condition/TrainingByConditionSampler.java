package io.synthgen.tabular.condition;

import io.synthgen.tabular.EncodedTable;
import io.synthgen.tabular.transform.TableTransformer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * CTGAN's training-by-sampling (Xu et al., NeurIPS 2019, section 4.3): a categorical column is
 * chosen uniformly, one of its categories with probability proportional to the log of its
 * frequency (+1), and a real row carrying that category is drawn, so rare categories are seen in
 * training and the critic always compares like with like.
 */
public final class TrainingByConditionSampler {
  private final int[][][] rowsByCategory;
  private final double[][] cumulative;

  public TrainingByConditionSampler(EncodedTable table, TableTransformer transformer) {
    List<TableTransformer.DiscreteColumn> discrete = transformer.discreteColumns();
    rowsByCategory = new int[discrete.size()][][];
    cumulative = new double[discrete.size()][];
    for (int j = 0; j < discrete.size(); j++) {
      int k = discrete.get(j).width();
      int[] counts = new int[k];
      for (int r = 0; r < table.rows(); r++) {
        counts[table.category(j, r)]++;
      }
      rowsByCategory[j] = new int[k][];
      for (int c = 0; c < k; c++) {
        rowsByCategory[j][c] = new int[counts[c]];
      }
      int[] fill = new int[k];
      for (int r = 0; r < table.rows(); r++) {
        int c = table.category(j, r);
        rowsByCategory[j][c][fill[c]++] = r;
      }
      double[] cum = new double[k];
      double total = 0;
      for (int c = 0; c < k; c++) {
        total += Math.log(counts[c] + 1.0);
        cum[c] = total;
      }
      cumulative[j] = cum;
    }
  }

  public int discreteColumns() {
    return rowsByCategory.length;
  }

  /** Draws a category of discrete column {@code j} by log frequency. */
  public int sampleCategory(int j, SplittableRandom rng) {
    return drawIndex(cumulative[j], rng);
  }

  /** An index drawn with probability proportional to its step in the cumulative weights {@code cum}. */
  public static int drawIndex(double[] cum, SplittableRandom rng) {
    double u = rng.nextDouble() * cum[cum.length - 1];
    for (int c = 0; c < cum.length; c++) {
      if (u < cum[c]) {
        return c;
      }
    }
    return cum.length - 1;
  }

  /** Draws a row with category {@code c} in discrete column {@code j}. */
  public int sampleRow(int j, int c, SplittableRandom rng) {
    int[] rows = rowsByCategory[j][c];
    return rows[rng.nextInt(rows.length)];
  }

  /** Draws any row uniformly (tables without categorical columns). */
  public static int sampleAnyRow(EncodedTable table, SplittableRandom rng) {
    return rng.nextInt(table.rows());
  }

}
