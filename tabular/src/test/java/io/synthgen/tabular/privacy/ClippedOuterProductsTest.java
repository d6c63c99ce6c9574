package io.synthgen.tabular.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The private correlation's clipping, sensitivity and estimate. */
class ClippedOuterProductsTest {
  /** Sampling error of a correlation from 20,000 rows, with margin. */
  private static final double SAMPLING = 0.03;

  @Test
  void oneRowChangesTheSumByAtMostTheSensitivity() {
    SplittableRandom r = new SplittableRandom(1);
    for (int t = 0; t < 200; t++) {
      int d = 2 + r.nextInt(8);
      double clip = ClippedOuterProducts.defaultClip(d);
      ClippedOuterProducts without = new ClippedOuterProducts(d, clip);
      ClippedOuterProducts with = new ClippedOuterProducts(d, clip);
      for (int k = 0; k < 5; k++) {
        double[] z = row(r, d);
        without.add(z);
        with.add(z);
      }
      with.add(row(r, d));
      double[][] a = without.sums();
      double[][] b = with.sums();
      double change = 0;
      for (int i = 0; i < d; i++) {
        for (int j = i; j < d; j++) {
          change += (a[i][j] - b[i][j]) * (a[i][j] - b[i][j]);
        }
      }
      assertTrue(Math.sqrt(change) <= without.sensitivity() + 1e-9,
          Math.sqrt(change) + " > " + without.sensitivity());
    }
  }

  /** Scores with outliers (5 sd) and missing entries. */
  private static double[] row(SplittableRandom r, int d) {
    double[] z = new double[d];
    for (int i = 0; i < d; i++) {
      z[i] = r.nextDouble() < 0.1 ? Double.NaN : 5 * r.nextGaussian();
    }
    return z;
  }

  @Test
  void withoutNoiseItEstimatesTheCorrelationOfNormalScores() {
    ClippedOuterProducts s = new ClippedOuterProducts(3, ClippedOuterProducts.defaultClip(3));
    SplittableRandom r = new SplittableRandom(2);
    for (int i = 0; i < 20_000; i++) {
      double a = r.nextGaussian();
      double b = 0.6 * a + 0.8 * r.nextGaussian();
      s.add(new double[] {a, b, r.nextGaussian()});
    }
    double[][] c = s.correlation(0, new SplittableRandom(1));
    assertEquals(0.6, c[0][1], SAMPLING);
    assertEquals(0, c[0][2], SAMPLING);
    assertEquals(c[0][1], c[1][0]);
  }

  @Test
  void noiseScalesWithTheMultiplierAndTheClip() {
    ClippedOuterProducts s = new ClippedOuterProducts(2, 2);
    for (int i = 0; i < 1000; i++) {
      s.add(new double[] {1, 1});
    }
    // sum entries are 1000 each; noise sd = 5 * 4 = 20 on every entry
    double spread = 0;
    for (long seed = 0; seed < 200; seed++) {
      double[][] c = s.correlation(5, new SplittableRandom(seed));
      spread += Math.abs(c[0][1] - 1);
    }
    assertTrue(spread / 200 > 0.005 && spread / 200 < 0.05, "mean error " + spread / 200);
  }

  @Test
  void largeRowsAreScaledToTheClip() {
    ClippedOuterProducts s = new ClippedOuterProducts(2, 1);
    s.add(new double[] {30, 40});
    s.add(new double[] {0.3, 0.4});
    // both rows have direction (0.6, 0.8); the first is scaled to norm 1, the second kept
    double[][] c = s.correlation(0, new SplittableRandom(1));
    assertEquals(1, c[0][1], 1e-12);
    assertEquals(1.0, s.sensitivity());
  }
}
