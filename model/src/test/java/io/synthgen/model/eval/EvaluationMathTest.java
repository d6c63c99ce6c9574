package io.synthgen.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.InvalidInputException;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class EvaluationMathTest {
  private static final double EXACT = 1e-12;

  /** sup |F_a - F_b| by brute force over every sample point. */
  private static double bruteKs(double[] a, double[] b) {
    double best = 0;
    for (double x : concat(a, b)) {
      double fa = Arrays.stream(a).filter(v -> v <= x).count() / (double) a.length;
      double fb = Arrays.stream(b).filter(v -> v <= x).count() / (double) b.length;
      best = Math.max(best, Math.abs(fa - fb));
    }
    return best;
  }

  private static double[] concat(double[] a, double[] b) {
    double[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** Feeds the sorted distinct values of a and b into partials split at {@code cuts}. */
  private static double partialKs(double[] a, double[] b, int parts) {
    TreeMap<Double, long[]> counts = new TreeMap<>();
    for (double v : a) {
      counts.computeIfAbsent(v, k -> new long[2])[0]++;
    }
    for (double v : b) {
      counts.computeIfAbsent(v, k -> new long[2])[1]++;
    }
    KsPartial[] p = new KsPartial[parts];
    Arrays.fill(p, KsPartial.EMPTY);
    int i = 0;
    int per = Math.max(1, (counts.size() + parts - 1) / parts);
    for (long[] c : counts.values()) {
      int k = Math.min(parts - 1, i++ / per);
      p[k] = p[k].add(c[0], a.length, c[1], b.length);
    }
    KsPartial all = KsPartial.EMPTY;
    for (KsPartial x : p) {
      all = all.then(x);
    }
    return all.statistic();
  }

  @Test
  void ksPartialsCombinedAcrossPartitionsGiveTheExactStatisticWithTies() {
    SplittableRandom rng = new SplittableRandom(3);
    double[] a = new double[200];
    double[] b = new double[150];
    for (int i = 0; i < a.length; i++) {
      a[i] = Math.floor(rng.nextDouble() * 30);
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = Math.floor(rng.nextDouble() * 20 + 5);
    }
    double expected = bruteKs(a, b);
    for (int parts : new int[] {1, 2, 7}) {
      assertEquals(expected, partialKs(a, b, parts), EXACT, "partitions " + parts);
    }
  }

  @Test
  void ksOfIdenticalSamplesIsZeroAndOfDisjointOnesIsOne() {
    double[] a = {1, 2, 2, 3};
    assertEquals(0, partialKs(a, a.clone(), 2), EXACT);
    assertEquals(1, partialKs(a, new double[] {10, 11}, 2), EXACT);
  }

  @Test
  void coMomentsMatchTheDirectPearsonFormulaAndMergeLikeOnePass() {
    SplittableRandom rng = new SplittableRandom(7);
    double[][] rows = new double[300][3];
    for (double[] r : rows) {
      r[0] = rng.nextGaussian() * 1000 + 5e4;
      r[1] = 0.5 * r[0] + rng.nextGaussian() * 300;
      r[2] = rng.nextDouble() < 0.1 ? Double.NaN : rng.nextGaussian();
    }
    CoMoments one = new CoMoments(3);
    CoMoments left = new CoMoments(3);
    CoMoments right = new CoMoments(3);
    for (int i = 0; i < rows.length; i++) {
      one.add(rows[i]);
      (i < 120 ? left : right).add(rows[i]);
    }
    CoMoments merged = left.merge(right);
    for (int[] p : new int[][] {{0, 1}, {0, 2}, {1, 2}}) {
      double direct = pearson(rows, p[0], p[1]);
      assertEquals(direct, one.correlation(p[0], p[1]), 1e-9);
      assertEquals(direct, merged.correlation(p[1], p[0]), 1e-9);
    }
    assertEquals(1, one.correlation(2, 2), EXACT);
  }

  @Test
  void correlationWithAConstantColumnIsUndefined() {
    CoMoments m = new CoMoments(2);
    m.add(new double[] {1, 5}).add(new double[] {2, 5}).add(new double[] {3, 5});
    assertTrue(Double.isNaN(m.correlation(0, 1)));
  }

  private static double pearson(double[][] rows, int i, int j) {
    double[] x = Arrays.stream(rows).filter(r -> !Double.isNaN(r[i]) && !Double.isNaN(r[j]))
        .mapToDouble(r -> r[i]).toArray();
    double[] y = Arrays.stream(rows).filter(r -> !Double.isNaN(r[i]) && !Double.isNaN(r[j]))
        .mapToDouble(r -> r[j]).toArray();
    double mx = Arrays.stream(x).average().orElseThrow();
    double my = Arrays.stream(y).average().orElseThrow();
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int k = 0; k < x.length; k++) {
      sxy += (x[k] - mx) * (y[k] - my);
      sxx += (x[k] - mx) * (x[k] - mx);
      syy += (y[k] - my) * (y[k] - my);
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  @Test
  void totalVariationIsZeroForEqualSharesAndOneForDisjointSupports() {
    assertEquals(0, Distributions.totalVariation(Map.of("a", 2L, "b", 2L),
        Map.of("a", 10L, "b", 10L)), EXACT);
    assertEquals(1, Distributions.totalVariation(Map.of("a", 3L), Map.of("z", 1L)), EXACT);
    assertEquals(0.25, Distributions.totalVariation(Map.of("a", 1L, "b", 1L),
        Map.of("a", 3L, "b", 1L)), EXACT);
  }

  @Test
  void quantileInterpolatesLikeNumpysLinearMethod() {
    // numpy.quantile([1, 2, 3, 4], 0.1) == 1.3; of [5] == 5
    long[] r = Distributions.quantileRanks(0.1, 4);
    assertEquals(0, r[0]);
    assertEquals(1, r[1]);
    assertEquals(1.3, Distributions.quantile(0.1, 4, 1, 2), EXACT);
    long[] one = Distributions.quantileRanks(0.9, 1);
    assertEquals(0, one[0]);
    assertEquals(0, one[1]);
  }

  @Test
  void percentileOfASortedArrayIsNumpysLinearPercentile() {
    // numpy.percentile([1, 2, 4, 8], 50) == 3.0; [1, 2, 4, 8] at 90 == 6.8; [] is undefined
    double[] v = {1, 2, 4, 8};
    assertEquals(3.0, Distributions.percentile(v, 50), EXACT);
    assertEquals(6.8, Distributions.percentile(v, 90), 1e-12);
    assertEquals(1.0, Distributions.percentile(v, 0), EXACT);
    assertTrue(Double.isNaN(Distributions.percentile(new double[0], 50)));
  }

  @Test
  void equalWidthBinClampsOutsideValuesAndPutsADegenerateRangeInBinZero() {
    assertEquals(0, Distributions.equalWidthBin(0.0, 0, 10, 5));
    assertEquals(2, Distributions.equalWidthBin(5.0, 0, 10, 5));
    assertEquals(4, Distributions.equalWidthBin(10.0, 0, 10, 5));
    assertEquals(0, Distributions.equalWidthBin(-3.0, 0, 10, 5));
    assertEquals(4, Distributions.equalWidthBin(99.0, 0, 10, 5));
    assertEquals(0, Distributions.equalWidthBin(7.0, 3, 3, 5));
  }

  @Test
  void averagePrecisionIsTheStepSumOfThePrecisionRecallCurve() {
    // sklearn: average_precision_score([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]) == 0.8333...
    double ap = Distributions.averagePrecision(new double[] {0, 0.5, 0.5, 1, 1},
        new double[] {1, 1, 0.5, 2 / 3.0, 0.5});
    assertEquals(5 / 6.0, ap, EXACT);
  }

  @Test
  void klFromUniformIsZeroForUniformAndLogKForOneClass() {
    double[] uniform = new double[10];
    Arrays.fill(uniform, 0.1);
    assertEquals(0, Distributions.klFromUniform(uniform), EXACT);
    double[] one = new double[10];
    one[3] = 1;
    assertEquals(Math.log(10), Distributions.klFromUniform(one), EXACT);
  }

  @Test
  void gateParsesEveryOperatorAndChecksItsMetric() {
    QualityGate g = QualityGate.parse("column_pair_trends>=0.85", "--gate");
    assertEquals("column_pair_trends", g.metric());
    assertTrue(g.passes(0.85));
    assertFalse(g.passes(0.84));
    assertFalse(g.passes(Double.NaN));
    assertTrue(QualityGate.parse("exact_copies<=0", "--gate").passes(0));
    assertFalse(QualityGate.parse("exact_copies < 0", "--gate").passes(0));
    assertTrue(QualityGate.parse("x>1e-3", "--gate").passes(0.01));
    assertTrue(QualityGate.parse("x==2", "--gate").passes(2));
    assertEquals("exact_copies<=0", QualityGate.parse("exact_copies<=0", "--gate").toString());
  }

  @Test
  void malformedGateOrUnknownMetricIsAnErrorNamingTheOption() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> QualityGate.parse("column_shapes=>0.9", "--gate"));
    assertTrue(e.getMessage().contains("--gate") && e.getMessage().contains("column_shapes=>0.9"),
        e.getMessage());
    QualityGate g = QualityGate.parse("colum_shapes>=0.9", "--gate");
    InvalidInputException u = assertThrows(InvalidInputException.class,
        () -> g.valueIn(Map.of("column_shapes", 0.95), "--gate"));
    assertTrue(u.getMessage().contains("colum_shapes") && u.getMessage().contains("column_shapes"),
        u.getMessage());
  }
}
