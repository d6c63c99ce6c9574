package io.synthgen.tabular.copula;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.InvalidInputException;
import io.synthgen.model.eval.CoMoments;
import io.synthgen.tabular.TabularFixtures;
import io.synthgen.tabular.condition.GenerationPlan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GaussianCopulaTest {
  /** Two-sample KS between a large copula sample and the training values. */
  private static final double KS_TOLERANCE = 0.03;
  /** Shares (nulls, point masses, categories) of 20,000 samples vs the training rows. */
  private static final double SHARE_TOLERANCE = 0.015;
  /** Correlation of normal scores vs the generating correlation (5,000 rows). */
  private static final double CORRELATION_TOLERANCE = 0.04;
  private static final double GENERATING_R = 0.8;

  /**
   * Rows of (x: lognormal, 10% null; y: integer, 20% exact zeros, normal score correlated r=0.8
   * with x's; c: "hi" when x's score + noise > 0.5, else "lo").
   */
  private static List<Object[]> correlatedTable(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double a = rng.nextGaussian();
      double b = GENERATING_R * a + Math.sqrt(1 - GENERATING_R * GENERATING_R) * rng.nextGaussian();
      Double x = rng.nextDouble() < 0.1 ? null : Math.exp(a);
      double y = b < -0.84 ? 0 : Math.rint(10 * (b + 0.84)) + 1;
      String c = a + 0.5 * rng.nextGaussian() > 0.5 ? "hi" : "lo";
      rows.add(new Object[] {x, y, c});
    }
    return rows;
  }


  /** Rows of (x: lognormal, y: normal, correlated r=0.8 with x's score; c as above). */
  private static List<Object[]> continuousTable(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double a = rng.nextGaussian();
      double b = GENERATING_R * a + Math.sqrt(1 - GENERATING_R * GENERATING_R) * rng.nextGaussian();
      String c = a + 0.5 * rng.nextGaussian() > 0.5 ? "hi" : "lo";
      rows.add(new Object[] {Math.exp(a), 3 * b + 1, c});
    }
    return rows;
  }


  private static GaussianCopula fit(List<Object[]> rows, long seed) {
    GaussianCopula marginals = GaussianCopula.fitMarginals(TabularFixtures.profilesOf(rows,
        new String[] {"x", "y", "c"}, new boolean[] {false, false, true}), 100_000);
    CoMoments m = new CoMoments(marginals.latentDim());
    for (Object[] r : rows) {
      m.add(marginals.normalScores(r, seed));
    }
    return marginals.withCorrelation(m);
  }

  private static List<Object[]> sample(GaussianCopula copula, long rows, String condition,
      long seed) {
    GenerationPlan plan = GenerationPlan.create(copula, rows, 1, condition, null);
    return copula.sample(plan.conditions(copula, 0, seed), seed);
  }


  private static double[] column(List<Object[]> rows, int c) {
    return rows.stream().filter(r -> r[c] != null).mapToDouble(r -> ((Number) r[c]).doubleValue())
        .toArray();
  }

  private static double share(List<Object[]> rows, java.util.function.Predicate<Object[]> p) {
    return rows.stream().filter(p).count() / (double) rows.size();
  }

  @Test
  void marginalsRoundTripWithNullsAndPointMasses() {
    List<Object[]> rows = correlatedTable(5000, 1);
    GaussianCopula copula = fit(rows, 1);
    List<Object[]> s = sample(copula, 20_000, null, 2);
    assertTrue(TabularFixtures.ks(column(rows, 0), column(s, 0)) < KS_TOLERANCE, "x marginal");
    assertTrue(TabularFixtures.ks(column(rows, 1), column(s, 1)) < KS_TOLERANCE, "y marginal");
    assertEquals(share(rows, r -> r[0] == null), share(s, r -> r[0] == null), SHARE_TOLERANCE);
    assertEquals(share(rows, r -> Double.valueOf(0).equals(r[1])),
        share(s, r -> Double.valueOf(0).equals(r[1])), SHARE_TOLERANCE);
    assertEquals(share(rows, r -> "hi".equals(r[2])), share(s, r -> "hi".equals(r[2])),
        SHARE_TOLERANCE);
    // integers stay integers, values stay inside the observed range
    double[] y = column(rows, 1);
    double max = Arrays.stream(y).max().orElseThrow();
    for (double v : column(s, 1)) {
      assertEquals(Math.rint(v), v);
      assertTrue(v >= 0 && v <= max);
    }
  }

  @Test
  void latentCorrelationsAreRecoveredThroughTiesOfACategory() {
    GaussianCopula copula = fit(continuousTable(5000, 3), 3);
    assertEquals(GENERATING_R, copula.correlation()[0][1], CORRELATION_TOLERANCE);
    // c is "hi" when a + N(0, 0.25) > 0.5: its latent normal correlates 1/sqrt(1.25) with x's
    // ("hi", the rarer category, sits last on the unit line)
    assertEquals(1 / Math.sqrt(1.25), copula.correlation()[0][2], CORRELATION_TOLERANCE);
  }

  @Test
  void samplesReproduceTheRankCorrelationOfATableWithNullsAndPointMasses() {
    List<Object[]> rows = correlatedTable(5000, 3);
    GaussianCopula copula = fit(rows, 3);
    assertEquals(4, copula.latentDim(), "x, y, c and x's null indicator");
    List<Object[]> s = sample(copula, 20_000, null, 4);
    assertEquals(spearman(rows), spearman(s), CORRELATION_TOLERANCE);
  }

  @Test
  void hermiteCoefficientsOfNoTiesAndOfTwoHalvesMatchTheirClosedForms() {
    double[] fine = new double[10_000];
    java.util.Arrays.fill(fine, 1e-4);
    double[] h = LatentCorrelation.hermite(fine);
    assertEquals(1.0, h[1], 2e-3, "no ties: the score is the latent normal itself");
    assertEquals(0.0, h[2] * h[2] + h[3] * h[3], 1e-4);
    // two halves: block means -+sqrt(2/pi); E[s(W) W] = Var(s) = 2/pi; even terms vanish; the
    // squares sum towards Var(s) = 2/pi (slowly: a step's coefficients decay like n^-3/4)
    double[] halves = LatentCorrelation.hermite(new double[] {0.5, 0.5});
    assertEquals(2 / Math.PI, halves[1], 1e-9);
    assertEquals(0.0, halves[2], 1e-9);
    double total = 0;
    for (int n = 1; n < halves.length; n++) {
      total += halves[n] * halves[n];
    }
    assertTrue(total > 0.58 && total <= 2 / Math.PI, "partial Parseval sum " + total);
  }

  @Test
  void latentCorrelationOfTwoDichotomizedNormalsIsRecoveredFromJitteredScores() {
    // W_a, W_b standard normal with rho = 0.6, cut at their 70% and 20% quantiles, each category
    // replaced by a uniform draw inside its interval (what normalScores does), then Pearson r
    double rho = 0.6;
    double ta = StandardNormal.quantile(0.7);
    double tb = StandardNormal.quantile(0.2);
    SplittableRandom rng = new SplittableRandom(3);
    CoMoments m = new CoMoments(2);
    for (int i = 0; i < 200_000; i++) {
      double wa = rng.nextGaussian();
      double wb = rho * wa + Math.sqrt(1 - rho * rho) * rng.nextGaussian();
      double ua = wa < ta ? 0.7 * rng.nextDouble() : 0.7 + 0.3 * rng.nextDouble();
      double ub = wb < tb ? 0.2 * rng.nextDouble() : 0.2 + 0.8 * rng.nextDouble();
      m.add(new double[] {StandardNormal.quantile(ua), StandardNormal.quantile(ub)});
    }
    double observed = m.correlation(0, 1);
    assertTrue(observed < rho - 0.2, "jitter attenuates: " + observed);
    double recovered = LatentCorrelation.latentCorrelation(observed,
        LatentCorrelation.hermite(new double[] {0.7, 0.3}),
        LatentCorrelation.hermite(new double[] {0.2, 0.8}));
    assertEquals(rho, recovered, CORRELATION_TOLERANCE);
  }

  private static double spearman(List<Object[]> rows) {
    List<Object[]> both = rows.stream().filter(r -> r[0] != null).toList();
    double[] rx = ranks(both.stream().mapToDouble(r -> (Double) r[0]).toArray());
    double[] ry = ranks(both.stream().mapToDouble(r -> (Double) r[1]).toArray());
    CoMoments m = new CoMoments(2);
    for (int i = 0; i < rx.length; i++) {
      m.add(new double[] {rx[i], ry[i]});
    }
    return m.correlation(0, 1);
  }

  private static double[] ranks(double[] v) {
    Integer[] idx = new Integer[v.length];
    for (int i = 0; i < v.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Double.compare(v[a], v[b]));
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; ) {
      int j = i;
      while (j + 1 < v.length && v[idx[j + 1]] == v[idx[i]]) {
        j++;
      }
      for (int k = i; k <= j; k++) {
        r[idx[k]] = (i + j) / 2.0;
      }
      i = j + 1;
    }
    return r;
  }

  @Test
  void conditionIsExactAndShiftsTheCorrelatedColumns() {
    List<Object[]> rows = correlatedTable(5000, 5);
    GaussianCopula copula = fit(rows, 5);
    List<Object[]> hi = sample(copula, 3000, "c=hi", 6);
    List<Object[]> lo = sample(copula, 3000, "c=lo", 6);
    assertEquals(3000, hi.size());
    assertTrue(hi.stream().allMatch(r -> "hi".equals(r[2])));
    assertTrue(lo.stream().allMatch(r -> "lo".equals(r[2])));
    double realHi = mean(column(rows.stream().filter(r -> "hi".equals(r[2])).toList(), 1));
    double realLo = mean(column(rows.stream().filter(r -> "lo".equals(r[2])).toList(), 1));
    assertEquals(realHi, mean(column(hi, 1)), 0.1 * (realHi - realLo), "y given hi");
    assertEquals(realLo, mean(column(lo, 1)), 0.1 * (realHi - realLo), "y given lo");
  }

  private static double mean(double[] v) {
    return Arrays.stream(v).average().orElseThrow();
  }

  @Test
  void labelClassesAreApportionedExactly() {
    List<Object[]> rows = correlatedTable(2000, 7);
    GaussianCopula copula = fit(rows, 7);
    GenerationPlan plan = GenerationPlan.create(copula, 1001, 3, null, "c");
    Map<Object, Integer> counts = new HashMap<>();
    for (int p = 0; p < 3; p++) {
      copula.sample(plan.conditions(copula, p, 8), 8).forEach(r -> counts.merge(r[2], 1,
          Integer::sum));
    }
    long realHi = rows.stream().filter(r -> "hi".equals(r[2])).count();
    assertEquals(1001, counts.values().stream().mapToInt(Integer::intValue).sum());
    assertEquals(Math.round(1001.0 * realHi / rows.size()), counts.get("hi"), 1);
  }

  @Test
  void sameSeedSameRowsAndJsonRoundTripKeepsTheModel() {
    List<Object[]> rows = correlatedTable(1000, 9);
    GaussianCopula copula = fit(rows, 9);
    GaussianCopula back = GaussianCopula.fromJson(copula.toJson());
    List<Object[]> a = sample(copula, 200, null, 10);
    List<Object[]> b = sample(back, 200, null, 10);
    List<Object[]> c = sample(copula, 200, null, 11);
    for (int i = 0; i < a.size(); i++) {
      assertTrue(Arrays.equals(a.get(i), b.get(i)), "row " + i);
    }
    assertTrue(!Arrays.equals(a.get(0), c.get(0)), "another seed gives other rows");
  }

  @Test
  void normalScoresDoNotDependOnRowOrder() {
    List<Object[]> rows = correlatedTable(500, 12);
    GaussianCopula copula = fit(rows, 12);
    List<Object[]> reversed = new ArrayList<>(rows);
    java.util.Collections.reverse(reversed);
    CoMoments m = new CoMoments(copula.latentDim());
    reversed.forEach(r -> m.add(copula.normalScores(r, 12)));
    assertEquals(copula.correlation()[0][1], copula.withCorrelation(m).correlation()[0][1], 1e-12);
  }

  @Test
  void allNullNumericColumnSamplesOnlyNullsAndUnknownKindIsRejected() {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      rows.add(new Object[] {null, (double) i, i % 2 == 0 ? "a" : "b"});
    }
    GaussianCopula copula = GaussianCopula.fitMarginals(TabularFixtures.profilesOf(rows,
        new String[] {"x", "y", "c"}, new boolean[] {false, false, true}), 1000);
    for (Object[] r : sample(copula, 100, null, 1)) {
      assertNull(r[0]);
      assertNotNull(r[1]);
    }
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> GaussianCopula.fromJson(TabularFixtures.fitted(TabularFixtures.table(200, 1))
            .toJson()));
    assertTrue(e.getMessage().contains("not a gaussian-copula"), e.getMessage());
  }


  /** Difference of a conditional mean from the rejection-sampling reference, in its sds. */
  private static final double CONDITIONAL_MEAN_TOLERANCE = 0.05;

  private static List<Object[]> sampleMeeting(GaussianCopula copula, long rows, long seed,
      String... conditions) {
    io.synthgen.tabular.condition.ConditionSet set =
        io.synthgen.tabular.condition.ConditionSet.resolve(List.of(conditions), copula,
            copula.marginals(), copula.valueTypes());
    GenerationPlan plan = GenerationPlan.forConditions(copula, rows, 1, set, null, 1.0);
    return copula.sample(plan.conditions(copula, 0, seed), seed);
  }

  @Test
  void severalConditionsAreMetExactlyAndTheRestFollowsTheConditionalDistribution() {
    List<Object[]> rows = correlatedTable(4000, 21);
    GaussianCopula copula = fit(rows, 21);
    List<Object[]> meeting = sampleMeeting(copula, 20_000, 22, "c=hi", "x>=2");
    assertTrue(meeting.stream().allMatch(r -> "hi".equals(r[2]) && r[0] != null
        && (Double) r[0] >= 2), "every row meets both conditions");
    // the reference: the copula's own unconditional rows that happen to meet them
    List<Object[]> reference = sample(copula, 400_000, null, 23).stream()
        .filter(r -> "hi".equals(r[2]) && r[0] != null && (Double) r[0] >= 2).toList();
    assertTrue(reference.size() > 5000, "reference rows: " + reference.size());
    double[] y = column(reference, 1);
    double sd = Math.sqrt(Arrays.stream(y).map(v -> v * v).average().orElseThrow()
        - Math.pow(mean(y), 2));
    assertEquals(mean(y), mean(column(meeting, 1)), CONDITIONAL_MEAN_TOLERANCE * sd,
        "y given c=hi and x>=2");
    double[] x = column(reference, 0);
    double sdx = Math.sqrt(Arrays.stream(x).map(v -> v * v).average().orElseThrow()
        - Math.pow(mean(x), 2));
    assertEquals(mean(x), mean(column(meeting, 0)), CONDITIONAL_MEAN_TOLERANCE * sdx,
        "x itself within its range");
    // unconditioned y differs from its conditional: the check above can fail
    assertTrue(Math.abs(mean(column(rows, 1)) - mean(y)) > 0.5 * sd);
  }

  @Test
  void aRareRangeIsMetByEveryRowWithoutRejection() {
    List<Object[]> rows = correlatedTable(4000, 31);
    GaussianCopula copula = fit(rows, 31);
    double[] xs = rows.stream().filter(r -> r[0] != null).mapToDouble(r -> (Double) r[0])
        .sorted().toArray();
    double top = xs[(int) (xs.length * 0.99)]; // the top 1% of values
    List<Object[]> meeting = sampleMeeting(copula, 2000, 32, "x>=" + top, "c=lo");
    assertEquals(2000, meeting.size());
    assertTrue(meeting.stream().allMatch(r -> r[0] != null && (Double) r[0] >= top
        && "lo".equals(r[2])));
  }

  @Test
  void aNullConditionGivesMissingValuesAndAnIntegralRangeWholeNumbers() {
    List<Object[]> rows = correlatedTable(3000, 41);
    GaussianCopula copula = fit(rows, 41);
    assertTrue(sampleMeeting(copula, 500, 42, "x is null").stream().allMatch(r -> r[0] == null));
    List<Object[]> ranged = sampleMeeting(copula, 2000, 43, "y between 3 and 5", "x is not null");
    assertTrue(ranged.stream().allMatch(r -> r[0] != null && ((Number) r[1]).doubleValue() >= 3
        && ((Number) r[1]).doubleValue() <= 5));
    long threes = ranged.stream().filter(r -> ((Number) r[1]).doubleValue() == 3).count();
    long fives = ranged.stream().filter(r -> ((Number) r[1]).doubleValue() == 5).count();
    assertTrue(threes > 200 && fives > 200, "the bounds are values, not clamps: " + threes
        + " threes, " + fives + " fives");
  }

  @Test
  void cellFrequenciesEstimateTheJointShareUnderTheOtherConditions() {
    List<Object[]> rows = correlatedTable(4000, 51);
    GaussianCopula copula = fit(rows, 51);
    io.synthgen.tabular.condition.ConditionSet set =
        io.synthgen.tabular.condition.ConditionSet.resolve(List.of("c in (hi,lo)", "x>=2"),
            copula, copula.marginals(), copula.valueTypes());
    double[] f = copula.cellFrequencies(set, 100_000, 52);
    List<Object[]> reference = sample(copula, 100_000, null, 53);
    int hi = copula.categoriesOf(2).indexOf("hi");
    int hiCell = set.cells().get(0).categories()[0] == hi ? 0 : 1;
    long refHi = reference.stream().filter(r -> "hi".equals(r[2]) && r[0] != null
        && (Double) r[0] >= 2).count();
    long refLo = reference.stream().filter(r -> "lo".equals(r[2]) && r[0] != null
        && (Double) r[0] >= 2).count();
    assertEquals((double) refHi / (refHi + refLo), f[hiCell] / (f[0] + f[1]), 0.02,
        "share of hi among rows with x >= 2");
    assertTrue(f[hiCell] > 2 * f[1 - hiCell], "x >= 2 goes with hi in this table");
  }
}
