package io.synthgen.tabular.copula;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.privacy.PrivacyOptions;
import io.synthgen.tabular.ValueType;
import io.synthgen.tabular.privacy.ClippedOuterProducts;
import io.synthgen.tabular.privacy.PrivateHistograms;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The differentially private copula fit: what it spends and what it recovers. */
class PrivateCopulaFitTest {
  private static final double TRUE_CORRELATION = 0.7;
  /** At a large epsilon only sampling error and the tree's resolution remain. */
  private static final double NEARLY_EXACT = 0.04;
  /** At epsilon 1 on 5,000 rows: the noise of the correlation release, with margin. */
  private static final double AT_EPSILON_ONE = 0.12;

  private static List<Object[]> rows(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Object[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double a = r.nextGaussian();
      double b = TRUE_CORRELATION * a + Math.sqrt(1 - TRUE_CORRELATION * TRUE_CORRELATION)
          * r.nextGaussian();
      out.add(new Object[] {100 + 10 * a, Math.exp(b), a > 0.5 ? "high" : "low"});
    }
    return out;
  }

  private static GaussianCopula fit(PrivateCopulaFit fit, List<Object[]> rows, long seed) {
    PrivateHistograms h = PrivateHistograms.of(List.of(
        new PrivateHistograms.Column("x", false, ValueType.DOUBLE, 0, 200),
        new PrivateHistograms.Column("y", false, ValueType.DOUBLE, 0, 100),
        new PrivateHistograms.Column("level", true, ValueType.STRING, Double.NaN, Double.NaN)));
    rows.forEach(h::add);
    SplittableRandom noise = new SplittableRandom(seed);
    GaussianCopula marginals = fit.marginals(h, noise);
    ClippedOuterProducts s = new ClippedOuterProducts(marginals.latentDim(),
        PrivateCopulaFit.clipFor(marginals));
    for (Object[] row : rows) {
      s.add(marginals.normalScores(row, 7));
    }
    return fit.withCorrelation(marginals, s, noise);
  }

  @Test
  void theFitSpendsExactlyItsBudgetOverBothReleases() {
    PrivacyOptions.Budget budget = new PrivacyOptions.Budget(1, 1e-5);
    PrivateCopulaFit fit = PrivateCopulaFit.plan(budget, 0.5, 1);
    fit(fit, rows(500, 1), 1);
    assertEquals(2, fit.ledger().mechanisms().size());
    // half of delta went to the category threshold, the mechanisms are accounted at the rest
    assertEquals(1, fit.ledger().spent(0.5e-5).epsilon(), 1e-4);
    assertEquals(1, fit.privacyJson().path("epsilon").asDouble(), 1e-4);
    assertEquals(0.5e-5, fit.privacyJson().path("selection_delta").asDouble(), 1e-20);
  }

  @Test
  void aLargeBudgetRecoversTheLatentCorrelation() {
    GaussianCopula c = fit(PrivateCopulaFit.plan(new PrivacyOptions.Budget(100, 1e-5), 0.5, 1),
        rows(5000, 2), 2);
    assertEquals(TRUE_CORRELATION, c.correlation()[0][1], NEARLY_EXACT);
  }

  @Test
  void epsilonOneStaysNearTheCorrelationOnFiveThousandRows() {
    double sum = 0;
    for (long seed = 1; seed <= 3; seed++) {
      GaussianCopula c = fit(PrivateCopulaFit.plan(new PrivacyOptions.Budget(1, 1e-5), 0.5, 1),
          rows(5000, seed), seed);
      double r = c.correlation()[0][1];
      assertEquals(TRUE_CORRELATION, r, AT_EPSILON_ONE, "seed " + seed);
      sum += r;
    }
    assertTrue(sum / 3 > TRUE_CORRELATION - AT_EPSILON_ONE / 2, "mean " + sum / 3);
  }
}
