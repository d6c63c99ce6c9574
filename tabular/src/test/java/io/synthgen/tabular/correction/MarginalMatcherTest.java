package io.synthgen.tabular.correction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.tabular.TabularFixtures;
import io.synthgen.tabular.ValueType;
import io.synthgen.tabular.profile.ColumnProfile;
import io.synthgen.tabular.profile.EmpiricalMarginal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MarginalMatcherTest {
  /** Two-sample KS between matched values and the real ones (10,000 each). */
  private static final double KS_TOLERANCE = 0.03;
  /**
   * KS of one class's matched values (2,500 or 7,500 rows) against 10,000 fresh real ones; the
   * 99% critical value at 2,500 vs 10,000 is 0.037.
   */
  private static final double CLASS_KS_TOLERANCE = 0.045;
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
  void aColumnWithoutAMarginalKeepsItsGeneratedValues() {
    assertNull(MarginalMatcher.marginalsFromJson(null), "a bundle without marginals");
    MarginalMatcher m = MarginalMatcher.fit(generated(2_000, 2),
        new EmpiricalMarginal[] {null, null, null});
    List<Object[]> rows = generated(500, 3);
    SplittableRandom rng = new SplittableRandom(4);
    for (Object[] row : rows) {
      Object[] before = row.clone();
      m.apply(row, rng);
      assertTrue(Arrays.equals(before, row), Arrays.toString(before) + " -> "
          + Arrays.toString(row));
    }
    // the same rows are moved where the column has a marginal
    MarginalMatcher withX = matcher();
    long moved = rows.stream().filter(r -> {
      Object[] copy = r.clone();
      withX.apply(copy, rng);
      return !copy[0].equals(r[0]);
    }).count();
    assertTrue(moved > rows.size() / 2, "values moved with a marginal: " + moved);
  }

  /** Real x within class a: N(-2, 1); within class b: N(3, 0.5); a is 3 rows of 4. */
  private static double[] realOfClass(String c, int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = "a".equals(c) ? -2 + rng.nextGaussian() : 3 + 0.5 * rng.nextGaussian();
    }
    return v;
  }

  private static EmpiricalMarginal[] marginalsOf(double[] x) {
    ColumnProfile p = ColumnProfile.numeric("x", ValueType.DOUBLE, x.length, 0,
        Arrays.stream(x).min().orElseThrow(), Arrays.stream(x).max().orElseThrow(), false, x);
    return new EmpiricalMarginal[] {EmpiricalMarginal.fit(p, 2000), null, null};
  }

  /** A generator whose x ignores the class: N(0, 1) in both; class a on 3 rows of 4. */
  private static List<Object[]> classBlind(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(new Object[] {rng.nextGaussian(), i % 4 == 3 ? "b" : "a", null});
    }
    return rows;
  }

  /** The whole column: class a's 7,500 values and class b's 2,500. */
  private static double[] wholeColumn() {
    double[] a = realOfClass("a", 7500, 11);
    double[] b = realOfClass("b", 2500, 12);
    double[] whole = new double[a.length + b.length];
    System.arraycopy(a, 0, whole, 0, a.length);
    System.arraycopy(b, 0, whole, a.length, b.length);
    return whole;
  }

  private static MarginalMatcher byClassMatcher(int pilotRows) {
    return MarginalMatcher.fit(classBlind(pilotRows, 13), marginalsOf(wholeColumn()), 1,
        java.util.Map.of("a", marginalsOf(realOfClass("a", 7500, 11)),
            "b", marginalsOf(realOfClass("b", 2500, 12))));
  }

  private static double[] xOfClass(List<Object[]> rows, String c) {
    return rows.stream().filter(r -> c.equals(r[1])).mapToDouble(r -> (Double) r[0]).toArray();
  }

  @Test
  void perClassMatchingGivesEachClassItsOwnDistribution() {
    MarginalMatcher m = byClassMatcher(20_000);
    assertEquals(List.of("a", "b"), m.classes());
    List<Object[]> rows = classBlind(10_000, 14);
    SplittableRandom rng = new SplittableRandom(15);
    rows.forEach(r -> m.apply(r, rng));
    for (String c : List.of("a", "b")) {
      double ks = TabularFixtures.ks(xOfClass(rows, c), realOfClass(c, 10_000, 16));
      assertTrue(ks < CLASS_KS_TOLERANCE, "class " + c + ": KS " + ks);
    }
  }

  @Test
  void wholeColumnMatchingLeavesTheClassesAlike() {
    MarginalMatcher whole = MarginalMatcher.fit(classBlind(20_000, 13),
        marginalsOf(wholeColumn()));
    List<Object[]> rows = classBlind(4_000, 14);
    SplittableRandom rng = new SplittableRandom(15);
    rows.forEach(r -> whole.apply(r, rng));
    double ks = TabularFixtures.ks(xOfClass(rows, "b"), realOfClass("b", 10_000, 16));
    assertTrue(ks > 0.5, "without classes, class b is not its own distribution: KS " + ks);
    assertEquals(List.of(), whole.classes());
  }

  @Test
  void aClassWithTooFewPilotRowsIsMatchedWithTheWholeColumn() {
    // 600 pilot rows: 450 of class a, 150 of b (< MIN_CLASS_PILOT_ROWS)
    MarginalMatcher byClass = byClassMatcher(600);
    MarginalMatcher whole = MarginalMatcher.fit(classBlind(600, 13), marginalsOf(wholeColumn()));
    assertEquals(List.of("a"), byClass.classes());
    int sameB = 0;
    int sameA = 0;
    List<Object[]> rows = classBlind(400, 14);
    for (Object[] row : rows) {
      Object[] a = row.clone();
      Object[] b = row.clone();
      byClass.apply(a, new SplittableRandom(5));
      whole.apply(b, new SplittableRandom(5));
      if ("b".equals(row[1])) {
        sameB += a[0].equals(b[0]) ? 1 : 0;
      } else {
        sameA += a[0].equals(b[0]) ? 1 : 0;
      }
    }
    assertEquals(100, sameB, "class b's values are mapped as the whole column's");
    assertTrue(sameA < 30, "class a has its own mapping: " + sameA + " of 300 alike");
  }

  @Test
  void perClassMarginalsRoundTripThroughJson() {
    double[] a = realOfClass("a", 300, 17);
    List<ColumnProfile> profiles = List.of(ColumnProfile.numeric("x", ValueType.DOUBLE, 300, 0,
        Arrays.stream(a).min().orElseThrow(), Arrays.stream(a).max().orElseThrow(), false, a),
        ColumnProfile.categorical("label", ValueType.STRING, 300, 0, java.util.Map.of("a", 300L)));
    com.fasterxml.jackson.databind.JsonNode json = MarginalMatcher.marginalsByClassJson("label",
        java.util.Map.of("a", profiles), 2000, 100);
    assertEquals("label", MarginalMatcher.labelOf(json));
    java.util.Map<String, EmpiricalMarginal[]> back = MarginalMatcher.marginalsByClassFromJson(
        json);
    assertEquals(java.util.Set.of("a"), back.keySet());
    assertEquals(300, back.get("a")[0].size(), "a grid of min(grid, rows) quantiles");
    assertNull(back.get("a")[1]);
    assertTrue(MarginalMatcher.marginalsByClassFromJson(null).isEmpty());
    assertNull(MarginalMatcher.labelOf(null));
  }
}
