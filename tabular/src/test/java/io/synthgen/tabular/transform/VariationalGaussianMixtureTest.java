package io.synthgen.tabular.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VariationalGaussianMixtureTest {
  private static final double MEAN_TOLERANCE = 0.3;
  private static final double WEIGHT_TOLERANCE = 0.05;

  @Test
  void recoversTwoSeparatedModesAndPrunesTheRest() {
    SplittableRandom rng = new SplittableRandom(1);
    double[] x = new double[4000];
    for (int i = 0; i < x.length; i++) {
      x[i] = i % 4 == 0 ? 50 + rng.nextGaussian() : -10 + 2 * rng.nextGaussian();
    }
    VariationalGaussianMixture g = VariationalGaussianMixture.fit(x, 10, 0.001, 100);
    double[] w = g.weights();
    double[] m = g.means();
    double high = 0;
    double low = 0;
    double highMean = 0;
    double lowMean = 0;
    for (int c = 0; c < w.length; c++) {
      if (m[c] > 20) {
        high += w[c];
        highMean += w[c] * m[c];
      } else {
        low += w[c];
        lowMean += w[c] * m[c];
      }
    }
    assertEquals(0.25, high, WEIGHT_TOLERANCE);
    assertEquals(50, highMean / high, MEAN_TOLERANCE);
    assertEquals(-10, lowMean / low, MEAN_TOLERANCE);
    long significant = Arrays.stream(w).filter(v -> v > 0.005).count();
    assertEquals(true, significant <= 6, "stick-breaking prior prunes unused modes: " + significant);
  }

  @Test
  void digammaMatchesKnownValues() {
    assertEquals(-0.5772156649, VariationalGaussianMixture.digamma(1), 1e-9);
    assertEquals(0.9227843351, VariationalGaussianMixture.digamma(3), 1e-9);
  }
}
