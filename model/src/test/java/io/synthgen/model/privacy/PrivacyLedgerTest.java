package io.synthgen.model.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.config.Options;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ledger's record, the budget split and the privacy options. */
class PrivacyLedgerTest {
  /** Bisection tolerance of {@link RdpAccountant#gaussianNoiseFor}, relative. */
  private static final double CALIBRATED = 1e-5;

  @Test
  void sharesOfABudgetComposeBackToItsEpsilon() {
    double[] z = GaussianBudget.noiseMultipliers(3, 1e-5, 0.3, 0.7);
    PrivacyLedger l = PrivacyLedger.empty()
        .with(new PrivacyLedger.Mechanism("a", "first", 1, z[0], 1))
        .with(new PrivacyLedger.Mechanism("b", "second", 1, z[1], 1));
    assertEquals(3, l.spent(1e-5).epsilon(), 3 * CALIBRATED);
    assertTrue(z[0] > z[1], "the smaller share gets more noise");
  }

  @Test
  void theRecordStatesEpsilonDeltaAndEachMechanismsShare() {
    double[] z = GaussianBudget.noiseMultipliers(1, 1e-5, 0.25, 0.75);
    PrivacyLedger l = PrivacyLedger.empty()
        .with(new PrivacyLedger.Mechanism("marginals", "counts", 1, z[0], 1))
        .with(new PrivacyLedger.Mechanism("correlation", "sums", 1, z[1], 1));
    JsonNode j = l.toJson(1, 2e-5, 1e-5);
    assertEquals(1, j.path("epsilon").asDouble(), CALIBRATED);
    assertEquals(2e-5, j.path("delta").asDouble());
    assertEquals(1e-5, j.path("selection_delta").asDouble());
    assertEquals(PrivacyLedger.ADJACENCY, j.path("adjacency").asText());
    assertEquals(0.25, j.path("mechanisms").get(0).path("share").asDouble(), 1e-9);
    assertEquals(0.75, j.path("mechanisms").get(1).path("share").asDouble(), 1e-9);
    assertTrue(j.path("mechanisms").get(0).path("epsilon_alone").asDouble() < 1);
    assertEquals(1, PrivacyLedger.epsilonOf(j), CALIBRATED);
  }

  @Test
  void aModelWithoutPrivacySaysNoneNeverZero() {
    JsonNode none = PrivacyLedger.noneJson();
    assertEquals("none", none.path("epsilon").asText());
    assertTrue(Double.isNaN(PrivacyLedger.epsilonOf(none)));
    assertTrue(Double.isNaN(PrivacyLedger.epsilonOf(null)), "a bundle from before the record");
  }

  @Test
  void defaultDeltaIsAPowerOfTenBelowOneOverTenRows() {
    assertEquals(1e-5, GaussianBudget.defaultDelta(3220), 1e-20);
    assertEquals(1e-5, GaussianBudget.defaultDelta(10_000), 1e-20);
    assertEquals(1e-6, GaussianBudget.defaultDelta(10_001), 1e-21);
    for (long rows : new long[] {1, 9, 999, 123_456, 50_000_000}) {
      assertTrue(GaussianBudget.defaultDelta(rows) <= 1.0 / (10 * rows), "rows " + rows);
    }
  }

  @Test
  void unsetEpsilonMeansNoBudgetAndNoneReadsBack() {
    Options unset = Options.builder(PrivacyOptions.SPECS).build();
    assertEquals(null, PrivacyOptions.budget(unset, 5000));
    Options none = Options.builder(PrivacyOptions.SPECS)
        .setRecorded(Map.of("privacy.epsilon", "none"), "model bundle").build();
    assertEquals(null, PrivacyOptions.budget(none, 5000));
    Options set = Options.builder(PrivacyOptions.SPECS)
        .setRecorded(Map.of("privacy.epsilon", "3"), "model bundle").build();
    assertEquals(new PrivacyOptions.Budget(3, 1e-5), PrivacyOptions.budget(set, 5000));
  }

  @Test
  void anOutOfRangeBudgetIsRefusedNamingTheKey() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> Options.builder(PrivacyOptions.SPECS)
            .setRecorded(Map.of("privacy.delta", "0.5"), "config").build());
    assertTrue(e.getMessage().contains("privacy.delta") && e.getMessage().contains("0.5"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> GaussianBudget.noiseMultipliers(1, 1e-5, 0.5, 0.4));
  }
}
