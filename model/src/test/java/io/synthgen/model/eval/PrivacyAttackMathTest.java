package io.synthgen.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.model.bundle.ModelBundle;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ROC AUC (Mann-Whitney), the smoothed copy ratio, balanced accuracy and the bundle scan. */
class PrivacyAttackMathTest {
  private static final double EXACT = 1e-12;

  @Test
  void perfectSeparationIsOneAndReversedIsZero() {
    double[] high = {5, 6, 7};
    double[] low = {1, 2, 3, 4};
    assertEquals(1.0, RocAuc.of(high, low), EXACT);
    assertEquals(0.0, RocAuc.of(low, high), EXACT);
  }

  @Test
  void identicalScoresAreOneHalfAndTiesCountOneHalf() {
    assertEquals(0.5, RocAuc.of(new double[] {2, 2}, new double[] {2, 2, 2}), EXACT);
    assertEquals(0.5, RocAuc.of(new double[] {1, 2, 3}, new double[] {1, 2, 3}), EXACT);
    // positive 2 vs negatives {1, 2, 3}: beats 1, ties 2, loses to 3 -> 1.5 of 3 pairs
    assertEquals(0.5, RocAuc.of(new double[] {2}, new double[] {1, 2, 3}), EXACT);
    // positives {0, 0} vs negatives {0, 1}: each ties once (1/2) and loses once -> 1/4
    assertEquals(0.25, RocAuc.of(new double[] {0, 0}, new double[] {0, 1}), EXACT);
  }

  @Test
  void aucIsThePairwiseProbabilityOnRandomScores() {
    SplittableRandom rng = new SplittableRandom(3);
    double[] p = new double[200];
    double[] n = new double[150];
    for (int i = 0; i < p.length; i++) {
      p[i] = rng.nextInt(20) + 2;
    }
    for (int i = 0; i < n.length; i++) {
      n[i] = rng.nextInt(20);
    }
    double pairs = 0;
    for (double a : p) {
      for (double b : n) {
        pairs += a > b ? 1 : a == b ? 0.5 : 0;
      }
    }
    assertEquals(pairs / (p.length * n.length), RocAuc.of(p, n), EXACT);
  }

  @Test
  void aucFromHistogramsMatchesTheAucOfTheBinnedScores() {
    SplittableRandom rng = new SplittableRandom(5);
    long[] pc = new long[10];
    long[] nc = new long[10];
    double[] p = new double[300];
    double[] n = new double[200];
    for (int i = 0; i < p.length; i++) {
      p[i] = rng.nextInt(4, 10);
      pc[(int) p[i]]++;
    }
    for (int i = 0; i < n.length; i++) {
      n[i] = rng.nextInt(0, 7);
      nc[(int) n[i]]++;
    }
    assertEquals(RocAuc.of(p, n), RocAuc.ofCounts(pc, nc), EXACT);
    assertEquals(1.0, RocAuc.ofCounts(new long[] {0, 3}, new long[] {5, 0}), EXACT);
    assertEquals(0.0, RocAuc.ofCounts(new long[] {3, 0}, new long[] {0, 5}), EXACT);
    assertEquals(0.5, RocAuc.ofCounts(new long[] {0, 3}, new long[] {0, 5}), EXACT);
    assertTrue(Double.isNaN(RocAuc.ofCounts(new long[] {0, 0}, new long[] {1, 5})));
  }

  @Test
  void emptySidesGiveNaNAndNaNScoresAreRefused() {
    assertTrue(Double.isNaN(RocAuc.of(new double[0], new double[] {1})));
    assertTrue(Double.isNaN(RocAuc.of(new double[] {1}, new double[0])));
    assertThrows(IllegalArgumentException.class,
        () -> RocAuc.of(new double[] {Double.NaN}, new double[] {1}));
    assertThrows(IllegalArgumentException.class,
        () -> RocAuc.of(new double[] {1}, new double[] {Double.NaN}));
  }

  @Test
  void smoothedRatioIsOneAtChanceAndBoundedByTheBaselineCount() {
    assertEquals(1.0, PrivacyBaselines.smoothedRatio(0, 0, 100), EXACT);
    assertEquals(1.0, PrivacyBaselines.smoothedRatio(0.2, 0.2, 100), EXACT);
    assertEquals(101.0, PrivacyBaselines.smoothedRatio(1, 0, 100), 1e-9);
    assertEquals((0.5 + 0.1) / (0.1 + 0.1), PrivacyBaselines.smoothedRatio(0.5, 0.1, 10), EXACT);
    assertTrue(Double.isNaN(PrivacyBaselines.smoothedRatio(0.5, 0, 0)));
  }

  @Test
  void balancedAccuracyAveragesRecallOverPresentClasses() {
    // 90 of 100 of class 0, 1 of 10 of class 1, class 2 absent
    assertEquals((0.9 + 0.1) / 2, PrivacyBaselines.balancedAccuracy(new long[] {90, 1, 0},
        new long[] {100, 10, 0}), EXACT);
    assertTrue(Double.isNaN(PrivacyBaselines.balancedAccuracy(new long[] {0}, new long[] {0})));
  }

  @Test
  void bundleNumbersAreEveryJsonNumberNumericTextAndConfigNumber() {
    ObjectNode meta = ModelBundle.json().createObjectNode();
    meta.put("label", "status");
    meta.putObject("bounds").putObject("x").put("min", 0).put("max", 12.5);
    ObjectNode transformer = ModelBundle.json().createObjectNode();
    transformer.putArray("means").add(3.25).add(-0.0);
    transformer.put("cut", "7.125");
    transformer.put("name", "x1");
    transformer.put("f", (float) 0.1);
    ObjectNode training = ModelBundle.json().createObjectNode();
    training.put("round", 4);
    BundleNumbers n = BundleNumbers.of(new ModelBundle("m", 99, Map.of("dims", "32, 64",
        "lr", "1e-3", "mode", "fast"), meta, transformer, training, Map.of()));
    for (double v : new double[] {0, -0.0, 12.5, 3.25, 7.125, 4, 32, 64, 1e-3}) {
      assertTrue(n.holds(v), "holds " + v);
    }
    // a training value stored in float32 is found from the double the table holds
    assertTrue(n.holds(0.1));
    assertFalse(n.holds(1), "'x1' is a name, not a number");
    assertFalse(n.holds(99), "the seed is no config value or JSON number of the bundle");
    assertFalse(n.holds(Double.NaN));
    assertEquals(9, n.size());
    assertTrue(BundleNumbers.of(2, 1, 2).holds(1));
    assertEquals(2, BundleNumbers.of(2, 1, 2).size());
  }

  @Test
  void aColumnsOwnNumbersAreThoseUnderItsNameAndTheRestAreOutside() {
    ObjectNode transformer = ModelBundle.json().createObjectNode();
    ArrayNode marginals = transformer.putArray("marginals");
    marginals.addObject().put("name", "hour").putArray("points").add(9.5).add(10.25);
    marginals.addObject().put("name", "cpus").putArray("points").add(11.5).add(12);
    transformer.putObject("byClass").putObject("yes").put("name", "hour").put("max", 23.75);
    transformer.putArray("counts").add(5);
    ModelBundle b = new ModelBundle("m", 1, Map.of("lr", "0.125"),
        ModelBundle.json().createObjectNode(), transformer, ModelBundle.json().createObjectNode(),
        Map.of());
    BundleNumbers hour = BundleNumbers.ofColumn(b, "hour");
    for (double v : new double[] {9.5, 10.25, 23.75}) {
      assertTrue(hour.holds(v), "hour's own " + v);
    }
    assertFalse(hour.holds(11.5), "another column's grid point");
    BundleNumbers outside = BundleNumbers.outsideColumns(b, java.util.Set.of("hour", "cpus"));
    assertTrue(outside.holds(5) && outside.holds(0.125), "counts and config are outside");
    assertFalse(outside.holds(11.5) || outside.holds(9.5), "column summaries are not");
  }
}
