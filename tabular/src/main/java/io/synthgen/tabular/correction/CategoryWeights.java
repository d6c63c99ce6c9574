package io.synthgen.tabular.correction;

import io.synthgen.tabular.transform.TableTransformer;
import java.io.Serializable;
import java.util.List;

/**
 * Per-category weights on the generator's categorical outputs that make its category
 * frequencies those of the training table: category {@code k} of a column is drawn with
 * probability proportional to {@code softmax_k * w_k}. The weights are the prior-shift
 * correction of Saerens, Latinne and Decaestecker ("Adjusting the outputs of a classifier to new
 * a priori probabilities", Neural Computation 2002), fitted by their EM iteration on the softmax
 * outputs of a pilot sample of the generator's rows, so a generator that over-produces a
 * majority category (mode dropping) gives back the real shares while each row keeps the
 * generator's preference among categories.
 */
public final class CategoryWeights implements Serializable {
  private static final long serialVersionUID = 1L;
  /** EM iterations; the shares match to about 1e-4 well before. */
  static final int ITERATIONS = 50;
  /** Weights are kept within [1/MAX, MAX] so a category the generator never emits stays rare. */
  static final double MAX_WEIGHT = 50;
  private final double[][] weights;

  private CategoryWeights(double[][] weights) {
    this.weights = weights;
  }

  /**
   * Fits the weights of every categorical column (in {@link TableTransformer#discreteColumns()}
   * order): {@code probabilities.get(j)} holds the pilot rows' softmax over column j's
   * categories, {@code target[j]} the training counts of those categories.
   */
  public static CategoryWeights fit(List<float[][]> probabilities, long[][] target) {
    double[][] w = new double[target.length][];
    for (int j = 0; j < target.length; j++) {
      w[j] = fitColumn(probabilities.get(j), target[j]);
    }
    return new CategoryWeights(w);
  }

  static double[] fitColumn(float[][] probs, long[] counts) {
    int k = counts.length;
    double total = 0;
    for (long c : counts) {
      total += c;
    }
    double[] w = new double[k];
    java.util.Arrays.fill(w, 1);
    if (probs.length == 0 || total == 0) {
      return w;
    }
    for (int it = 0; it < ITERATIONS; it++) {
      double[] share = new double[k];
      for (float[] p : probs) {
        double z = 0;
        for (int c = 0; c < k; c++) {
          z += p[c] * w[c];
        }
        for (int c = 0; c < k; c++) {
          share[c] += p[c] * w[c] / z;
        }
      }
      for (int c = 0; c < k; c++) {
        double have = share[c] / probs.length;
        double want = counts[c] / total;
        w[c] = have > 0 ? w[c] * want / have : MAX_WEIGHT;
        w[c] = Math.max(1 / MAX_WEIGHT, Math.min(MAX_WEIGHT, w[c]));
      }
    }
    return w;
  }

  /** The weights of categorical column {@code j} (discrete-column order). */
  public double[] of(int j) {
    return weights[j];
  }
}
