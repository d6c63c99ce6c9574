package io.synthgen.tabular.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The draw of a numeric value's mode at output.mode-temperature. */
class ModeSamplingTest {
  /** Drawn share of a mode vs its tempered softmax probability (20,000 draws). */
  private static final double SHARE_TOLERANCE = 0.012;
  private static final float[] LOGITS = {9f, 0.5f, 1.2f, -0.3f, 9f};
  private static final int OFFSET = 1;
  private static final int WIDTH = 3;

  private static double[] shares(double temperature, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] scratch = new double[WIDTH];
    double[] n = new double[WIDTH];
    int draws = 20_000;
    for (int i = 0; i < draws; i++) {
      n[TabularSampler.sampleMode(LOGITS, OFFSET, WIDTH, temperature, rng, scratch)]++;
    }
    for (int k = 0; k < WIDTH; k++) {
      n[k] /= draws;
    }
    return n;
  }

  private static double[] softmax(double temperature) {
    double[] p = new double[WIDTH];
    double sum = 0;
    for (int k = 0; k < WIDTH; k++) {
      p[k] = Math.exp(LOGITS[OFFSET + k] / temperature);
      sum += p[k];
    }
    for (int k = 0; k < WIDTH; k++) {
      p[k] /= sum;
    }
    return p;
  }

  @Test
  void temperatureZeroTakesTheMostLikelyModeWithoutRandomness() {
    SplittableRandom rng = new SplittableRandom(1);
    assertEquals(1, TabularSampler.sampleMode(LOGITS, OFFSET, WIDTH, 0, rng, new double[WIDTH]),
        "the largest logit of the span, not of the array");
    assertEquals(new SplittableRandom(1).nextLong(), rng.nextLong(), "no draw consumed");
  }

  @Test
  void temperaturesOneAndOneHalfSampleTheTemperedSoftmax() {
    for (double t : new double[] {1, 0.5}) {
      double[] drawn = shares(t, 3);
      double[] expected = softmax(t);
      for (int k = 0; k < WIDTH; k++) {
        assertEquals(expected[k], drawn[k], SHARE_TOLERANCE, "mode " + k + " at temperature " + t);
      }
    }
    // sharper at 0.5: the top mode's share rises from about 0.6 to about 0.75
    double[] sharp = shares(0.5, 4);
    double[] plain = shares(1, 4);
    org.junit.jupiter.api.Assertions.assertTrue(sharp[1] > plain[1] + 0.1,
        sharp[1] + " vs " + plain[1]);
  }
}
