package io.synthgen.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MarginalMatcherTest {
  /** Two-sample KS between matched values and the real ones (10,000 each). */
  private static final double KS_TOLERANCE = 0.03;
  /** Point-mass share after matching vs the real share. */
  private static final double SHARE_TOLERANCE = 0.015;

  /** Real: 30% exact zeros, the rest lognormal; integral false. */
  private static double[] real(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rng.nextDouble() < 0.3 ? 0 : Math.exp(rng.nextGaussian());
    }
    return v;
  }

  /** A biased generator: 45% zeros, the rest normal around 3 (wrong shape, wrong mass). */
  private static List<Object[]> generated(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x = rng.nextDouble() < 0.45 ? 0 : 3 + rng.nextGaussian();
      rows.add(new Object[] {x, i % 2 == 0 ? "a" : "b", null});
    }
    return rows;
  }

  private static MarginalMatcher matcher() {
    double[] r = real(10_000, 1);
    ColumnProfile p = ColumnProfile.numeric("x", ValueType.DOUBLE, r.length, 0,
        Arrays.stream(r).min().orElseThrow(), Arrays.stream(r).max().orElseThrow(), false, r);
    return MarginalMatcher.fit(generated(20_000, 2),
        new EmpiricalMarginal[] {EmpiricalMarginal.fit(p, 2000), null, null});
  }

  @Test
  void matchedValuesFollowTheRealDistributionIncludingItsPointMass() {
    MarginalMatcher m = matcher();
    List<Object[]> rows = generated(10_000, 3);
    SplittableRandom rng = new SplittableRandom(4);
    rows.forEach(r -> m.apply(r, rng));
    double[] out = rows.stream().mapToDouble(r -> (Double) r[0]).toArray();
    double[] r = real(10_000, 5);
    assertTrue(TabularFixtures.ks(out, r) < KS_TOLERANCE, "KS " + TabularFixtures.ks(out, r));
    assertEquals(0.3, Arrays.stream(out).filter(v -> v == 0).count() / (double) out.length,
        SHARE_TOLERANCE);
    // categorical and null cells are left alone
    assertTrue(rows.stream().allMatch(x -> x[1] instanceof String));
    assertNull(rows.get(0)[2]);
  }

  @Test
  void orderOfDistinctValuesIsKept() {
    MarginalMatcher m = matcher();
    SplittableRandom rng = new SplittableRandom(6);
    double prev = Double.NEGATIVE_INFINITY;
    for (double x = 0.5; x < 6; x += 0.25) {
      Object[] row = {x, "a", null};
      m.apply(row, rng);
      double y = (Double) row[0];
      assertTrue(y >= prev, x + " -> " + y + " after " + prev);
      prev = y;
    }
  }

  @Test
  void bundlesWithoutMarginalsGiveNoMatcher() {
    assertNull(MarginalMatcher.marginalsFromJson(null));
  }

}
