package io.synthgen.tabular.correction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CategoryWeightsTest {
  /** The reweighted shares match the targets to this after the EM iterations. */
  private static final double SHARE_TOLERANCE = 1e-3;

  private static double[] weightedShares(float[][] probs, double[] w) {
    double[] share = new double[w.length];
    for (float[] p : probs) {
      double z = 0;
      for (int k = 0; k < w.length; k++) {
        z += p[k] * w[k];
      }
      for (int k = 0; k < w.length; k++) {
        share[k] += p[k] * w[k] / z / probs.length;
      }
    }
    return share;
  }

  @Test
  void weightsGiveBackTheTrainingSharesOfAGeneratorThatOverproducesTheMajority() {
    // half the rows 90/10, half 70/30: the generator emits category 0 80% of the time
    float[][] probs = new float[1000][];
    for (int i = 0; i < probs.length; i++) {
      probs[i] = i % 2 == 0 ? new float[] {0.9f, 0.1f} : new float[] {0.7f, 0.3f};
    }
    double[] w = CategoryWeights.fitColumn(probs, new long[] {60, 40});
    double[] share = weightedShares(probs, w);
    assertEquals(0.6, share[0], SHARE_TOLERANCE);
    assertEquals(0.4, share[1], SHARE_TOLERANCE);
    // the rows keep their order of preference: the 70/30 rows get more of category 1
    double z0 = 0.9 * w[0] + 0.1 * w[1];
    double z1 = 0.7 * w[0] + 0.3 * w[1];
    assertTrue(0.3 * w[1] / z1 > 0.1 * w[1] / z0);
  }

  @Test
  void aCategoryTheGeneratorNeverEmitsGetsTheCappedWeightAndMatchingSharesStayOne() {
    float[][] probs = {{1f, 0f}, {1f, 0f}};
    double[] w = CategoryWeights.fitColumn(probs, new long[] {50, 50});
    assertEquals(CategoryWeights.MAX_WEIGHT, w[1], 1e-9);
    double[] same = CategoryWeights.fitColumn(new float[][] {{0.5f, 0.5f}}, new long[] {5, 5});
    assertEquals(1.0, same[0], 1e-9);
    assertEquals(1.0, same[1], 1e-9);
    CategoryWeights all = CategoryWeights.fit(List.<float[][]>of(probs), new long[][] {{50, 50}});
    assertEquals(w[1], all.of(0)[1], 1e-12);
  }
}
