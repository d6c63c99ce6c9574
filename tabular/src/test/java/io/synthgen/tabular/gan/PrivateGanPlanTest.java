package io.synthgen.tabular.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.synthgen.model.privacy.PrivacyOptions;
import io.synthgen.model.privacy.RdpAccountant;
import org.junit.jupiter.api.Test;

class PrivateGanPlanTest {
  /** The bisection's precision on epsilon. */
  private static final double SPENT = 1e-4;
  private static final PrivacyOptions.Budget BUDGET = new PrivacyOptions.Budget(3, 1e-5);

  @Test
  void theTransformerAndTheCriticSpendExactlyTheBudget() {
    PrivateGanPlan plan = PrivateGanPlan.plan(BUDGET, 0.1, 2).withCritic(0.1, 400, 10, 1.0);
    JsonNode record = plan.privacyJson(5.0);
    assertEquals(3, record.path("epsilon").asDouble(), SPENT);
    assertTrue(record.path("epsilon").asDouble() <= 3 + 1e-9);
    assertEquals(0.1, record.path("mechanisms").get(0).path("share").asDouble(), 0.01,
        "the transformer's share of the RDP at the chosen order");
    // Recomputed independently: the transformer's Gaussian plus 400 sampled Gaussians at the
    // accounted noise (half the actual: a unit's sensitivity is twice the clip).
    double accounted = plan.criticNoise() / 2;
    RdpAccountant a = RdpAccountant.empty().withGaussian(plan.transformerNoise(), 1)
        .withSampledGaussian(0.1, accounted, 400);
    assertEquals(3, a.epsilon(1e-5 / 2).epsilon(), SPENT, "half of delta to the category "
        + "threshold");
  }

  @Test
  void moreStepsOrAHigherRateNeedMoreNoise() {
    PrivateGanPlan base = PrivateGanPlan.plan(BUDGET, 0.1, 2);
    double z = base.withCritic(0.1, 400, 10, 1).criticNoise();
    assertTrue(base.withCritic(0.1, 1600, 10, 1).criticNoise() > z);
    assertTrue(base.withCritic(0.4, 400, 10, 1).criticNoise() > z);
    assertTrue(PrivateGanPlan.plan(new PrivacyOptions.Budget(1, 1e-5), 0.1, 2)
        .withCritic(0.1, 400, 10, 1).criticNoise() > z);
  }

  @Test
  void aRecordedRunResumesWithTheSameNoiseRateAndSteps() {
    PrivateGanPlan plan = PrivateGanPlan.plan(BUDGET, 0.1, 2).withCritic(0.1, 400, 10, 1.0);
    PrivateGanPlan resumed = PrivateGanPlan.plan(BUDGET, 0.1, 2)
        .withRecordedCritic(plan.privacyJson(5.0), 10, 1.0);
    assertEquals(plan.criticNoise(), resumed.criticNoise(), 1e-12);
    assertEquals(plan.samplingRate(), resumed.samplingRate(), 1e-15);
    assertEquals(plan.steps(), resumed.steps());
  }
}
