package io.synthgen.tabular.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SortedRanksTest {

  /** The definition: the run of values equal to {@code x} spans [lo, hi) of the sorted values. */
  private static double bruteForce(double[] values, double x, double jitter) {
    int lo = 0;
    int hi = 0;
    for (double v : values) {
      lo += v < x ? 1 : 0;
      hi += v <= x ? 1 : 0;
    }
    return (lo + jitter * (hi - lo)) / values.length;
  }

  private static void assertSameRanks(double[] values, double[] queries) {
    SortedRanks ranks = new SortedRanks(values);
    for (double q : queries) {
      for (double jitter : new double[] {0, 0.37, 0.999}) {
        assertEquals(bruteForce(values, q, jitter), ranks.rankShare(q, jitter), 1e-15,
            "value " + q + ", jitter " + jitter);
      }
    }
  }

  /** Values, the values themselves as queries, and queries between, below and above them. */
  private static double[] queriesFor(double[] values, SplittableRandom rng) {
    double min = Arrays.stream(values).min().orElse(0);
    double max = Arrays.stream(values).max().orElse(0);
    double[] q = new double[values.length + 200];
    System.arraycopy(values, 0, q, 0, values.length);
    for (int i = 0; i < 200; i++) {
      q[values.length + i] = min - 1 + rng.nextDouble() * (max - min + 2);
    }
    return q;
  }

  @Test
  void continuousValuesRankAsASearchOverAllOfThem() {
    SplittableRandom rng = new SplittableRandom(1);
    double[] v = new double[3000];
    for (int i = 0; i < v.length; i++) {
      v[i] = rng.nextDouble() * 10 - 5;
    }
    assertSameRanks(v, queriesFor(v, rng));
  }

  @Test
  void heavyTailedValuesCrowdedIntoOneBucketRankTheSame() {
    SplittableRandom rng = new SplittableRandom(2);
    double[] v = new double[2000];
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.exp(8 * rng.nextDouble() * rng.nextDouble());
    }
    v[7] = 1e9;
    assertSameRanks(v, queriesFor(v, rng));
  }

  @Test
  void runsOfTiesSpreadTheJitterOverTheirWholeRun() {
    double[] v = {3, 0, 0, 0, 1, 1, 2, 0, 3, 3, 3, 3, 0, 0, 0, 0, 0, 0, 0, 5};
    SortedRanks ranks = new SortedRanks(v);
    // eleven zeros: [0, 11) of 20
    assertEquals(0.0, ranks.rankShare(0, 0), 1e-15);
    assertEquals(5.5 / 20, ranks.rankShare(0, 0.5), 1e-15);
    // five threes: [14, 19)
    assertEquals(14.0 / 20, ranks.rankShare(3, 0), 1e-15);
    assertEquals(18.0 / 20, ranks.rankShare(3, 0.8), 1e-15);
    assertSameRanks(v, new double[] {-1, 0, 0.5, 1, 2, 2.5, 3, 4, 5, 6});
  }

  @Test
  void aSingleDistinctValueIsOneRunOfTies() {
    double[] v = {4, 4, 4, 4};
    assertSameRanks(v, new double[] {3, 4, 5});
    assertEquals(0.5, new SortedRanks(v).rankShare(4, 0.5), 1e-15);
  }

  @Test
  void theInputIsCopiedNotSortedInPlace() {
    double[] v = {3, 1, 2};
    SortedRanks ranks = new SortedRanks(v);
    v[0] = -100;
    assertEquals(3, ranks.size());
    assertEquals(0.0, ranks.rankShare(0, 0), 1e-15);
    assertEquals(2.0 / 3, ranks.rankShare(3, 0), 1e-15);
  }

  @Test
  void nanValuesAreRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> new SortedRanks(new double[] {1, Double.NaN}));
  }
}
