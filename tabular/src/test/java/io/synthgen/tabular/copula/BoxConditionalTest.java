package io.synthgen.tabular.copula;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BoxConditionalTest {
  /** Sample mean vs the exact mean of a truncated normal (20,000 draws, sd well below 1). */
  private static final double MEAN_TOLERANCE = 0.02;

  @Test
  void truncatedDrawsStayInsideTheirIntervalEvenFarInTheTails() {
    SplittableRandom rng = new SplittableRandom(1);
    double[][] boxes = {{8, 9}, {-40, -39}, {3, Double.POSITIVE_INFINITY},
        {Double.NEGATIVE_INFINITY, -6}, {0.5, 0.5}, {60, 61}};
    for (double[] b : boxes) {
      for (int i = 0; i < 1000; i++) {
        double x = BoxConditional.truncatedNormal(0, 1, b[0], b[1], rng.nextDouble());
        assertTrue(x >= b[0] && x <= b[1], x + " outside [" + b[0] + ", " + b[1] + "]");
      }
    }
  }

  @Test
  void oneBoxedCoordinateIsDrawnFromItsExactTruncatedNormal() {
    // standard normal truncated to [1, inf): mean phi(1) / (1 - Phi(1))
    double exact = StandardNormal.density(1) / (1 - StandardNormal.cdf(1));
    BoxConditional c = new BoxConditional(new double[][] {{1}}, new int[] {0});
    SplittableRandom rng = new SplittableRandom(2);
    double[] lo = {1};
    double[] hi = {Double.POSITIVE_INFINITY};
    double[] state = c.start(lo, hi, rng);
    double sum = 0;
    for (int i = 0; i < 20_000; i++) {
      sum += c.draw(state, lo, hi, rng)[0];
    }
    assertEquals(exact, sum / 20_000, MEAN_TOLERANCE);
  }

  @Test
  void freeCoordinatesFollowTheirConditionalGivenTheBoxedOnes() {
    double r = 0.9;
    BoxConditional c = new BoxConditional(new double[][] {{1, r}, {r, 1}}, new int[] {0});
    SplittableRandom rng = new SplittableRandom(3);
    double[] lo = {1};
    double[] hi = {Double.POSITIVE_INFINITY};
    double[] state = c.start(lo, hi, rng);
    double sum = 0;
    for (int i = 0; i < 20_000; i++) {
      sum += c.draw(state, lo, hi, rng)[1];
    }
    double exact = r * StandardNormal.density(1) / (1 - StandardNormal.cdf(1));
    assertEquals(exact, sum / 20_000, MEAN_TOLERANCE, "E[z1 | z0 >= 1] = r E[z0 | z0 >= 1]");
  }

  @Test
  void gibbsDrawsOfTwoBoxedCoordinatesMatchRejectionSampling() {
    double r = 0.7;
    double[][] corr = {{1, r, 0.3}, {r, 1, 0.2}, {0.3, 0.2, 1}};
    BoxConditional c = new BoxConditional(corr, new int[] {0, 1});
    SplittableRandom rng = new SplittableRandom(4);
    double[] lo = {0.5, Double.NEGATIVE_INFINITY};
    double[] hi = {Double.POSITIVE_INFINITY, 0};
    double[] state = c.start(lo, hi, rng);
    double[] mean = new double[3];
    int n = 40_000;
    for (int i = 0; i < n; i++) {
      double[] z = c.draw(state, lo, hi, rng);
      assertTrue(z[0] >= 0.5 && z[1] <= 0);
      for (int k = 0; k < 3; k++) {
        mean[k] += z[k] / n;
      }
    }
    double[][] l = LatentCorrelation.choleskyOf(corr);
    double[] ref = new double[3];
    int kept = 0;
    SplittableRandom r2 = new SplittableRandom(5);
    while (kept < n) {
      double[] z = LatentCorrelation.multiply(l, new double[] {r2.nextGaussian(),
          r2.nextGaussian(), r2.nextGaussian()});
      if (z[0] >= 0.5 && z[1] <= 0) {
        for (int k = 0; k < 3; k++) {
          ref[k] += z[k] / n;
        }
        kept++;
      }
    }
    for (int k = 0; k < 3; k++) {
      assertEquals(ref[k], mean[k], MEAN_TOLERANCE, "coordinate " + k);
    }
  }
}
