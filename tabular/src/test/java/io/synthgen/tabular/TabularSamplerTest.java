package io.synthgen.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TabularSamplerTest {
  /** Draws per frequency check: the standard error of a share is below 0.002. */
  private static final int DRAWS = 200_000;
  /** Drawn shares agree with their closed form to this much (about 5 standard errors). */
  private static final double SHARE_TOLERANCE = 0.01;
  /** Logits at offset 1 of a row of width 4 (offset 0 belongs to another span). */
  private static final float[] LOGITS = {9f, (float) Math.log(0.2), (float) Math.log(0.5),
      (float) Math.log(0.3)};

  private static double[] shares(double temperature, double[] weights) {
    SplittableRandom rng = new SplittableRandom(7);
    double[] scratch = new double[3];
    double[] counts = new double[3];
    for (int i = 0; i < DRAWS; i++) {
      counts[TabularSampler.sampleCategorical(LOGITS, 1, 3, weights, temperature, rng,
          scratch)]++;
    }
    for (int k = 0; k < 3; k++) {
      counts[k] /= DRAWS;
    }
    return counts;
  }

  private static void assertShares(double[] expected, double[] actual) {
    for (int k = 0; k < expected.length; k++) {
      assertEquals(expected[k], actual[k], SHARE_TOLERANCE, "share of index " + k);
    }
  }

  @Test
  void temperatureOneDrawsTheSoftmaxOfItsSpanOnly() {
    assertShares(new double[] {0.2, 0.5, 0.3}, shares(1, null));
  }

  @Test
  void temperatureHalfDrawsTheSquaredProbabilitiesRenormalized() {
    double z = 0.04 + 0.25 + 0.09;
    assertShares(new double[] {0.04 / z, 0.25 / z, 0.09 / z}, shares(0.5, null));
  }

  @Test
  void weightsMultiplyTheTemperedProbabilities() {
    double[] w = {3, 1, 0};
    double z = 0.04 * 3 + 0.25;
    assertShares(new double[] {0.12 / z, 0.25 / z, 0}, shares(0.5, w));
  }

  @Test
  void temperatureZeroTakesTheLargestLogitWithoutADraw() {
    assertShares(new double[] {0, 1, 0}, shares(0, new double[] {100, 1, 1}));
    SplittableRandom rng = new SplittableRandom(1);
    long before = new SplittableRandom(1).nextLong();
    TabularSampler.sampleCategorical(LOGITS, 1, 3, null, 0, rng, new double[3]);
    assertEquals(before, rng.nextLong(), "no uniform consumed");
  }
}
