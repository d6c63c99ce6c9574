package io.synthgen.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OuterOptimizerTest {
  private static final float TOLERANCE = 1e-6f;
  private static final Set<String> PARAMETERS = Set.of("g", "d");

  private static TrainingState state(float g, float d, float moments) {
    Map<String, float[]> t = new LinkedHashMap<>();
    t.put("g", new float[] {g, 2 * g});
    t.put("g.adam.m", new float[] {moments});
    t.put("d", new float[] {d});
    return new TrainingState(t, 5, new double[] {1.5}, 3, 100, 2);
  }

  private static OuterOptimizer nesterov(double lr, double mu) {
    return new OuterOptimizer(OuterOptimizer.Kind.NESTEROV, lr, mu, 0, 0, 0, 0);
  }

  @Test
  void averageKeepsTheAveragedState() {
    TrainingState avg = state(1, 2, 3);
    assertSame(avg, OuterOptimizer.average().step(state(0, 0, 0), avg, PARAMETERS, 1));
  }

  @Test
  void nesterovWithUnitRateAndNoMomentumIsTheAverage() {
    TrainingState next = nesterov(1, 0).step(state(1, 1, 0), state(0.5f, 2, 7), PARAMETERS, 1);
    assertArrayEquals(new float[] {0.5f, 1f}, next.tensor("g"), TOLERANCE);
    assertArrayEquals(new float[] {2f}, next.tensor("d"), TOLERANCE);
  }

  @Test
  void nesterovFollowsTheDiLoCoRuleOverTwoRoundsWithItsOwnStatePerNetwork() {
    OuterOptimizer o = nesterov(0.7, 0.9);
    // round 1: delta_g = 1 - 0.5 = 0.5 (and 1.0 for the second entry), delta_d = 1 - 2 = -1
    TrainingState r1 = o.step(state(1, 1, 0), state(0.5f, 2, 7), PARAMETERS, 1);
    double m = 0.5;
    double g1 = 1 - 0.7 * (0.5 + 0.9 * m);
    assertEquals(g1, r1.tensor("g")[0], TOLERANCE);
    assertEquals(1 - 0.7 * (-1 + 0.9 * -1), r1.tensor("d")[0], TOLERANCE);
    assertArrayEquals(new float[] {0.5f, 1f}, r1.tensor("outer.g.momentum"), TOLERANCE);
    assertArrayEquals(new float[] {-1f}, r1.tensor("outer.d.momentum"), TOLERANCE);
    assertArrayEquals(new float[] {7f}, r1.tensor("g.adam.m"), TOLERANCE,
        "optimizer moments are averaged, not stepped");
    assertEquals(5, r1.step());
    assertEquals(1.5, r1.metricSums()[0]);
    // round 2 from r1: the workers moved g by 0.1 (first entry)
    Map<String, float[]> avg2 = new LinkedHashMap<>(r1.tensors());
    avg2.keySet().removeIf(k -> k.startsWith(OuterOptimizer.STATE_PREFIX));
    avg2.put("g", new float[] {(float) g1 - 0.1f, r1.tensor("g")[1]});
    TrainingState r2 = o.step(r1, new TrainingState(avg2, 6, new double[0], 0, 0, 2), PARAMETERS,
        2);
    double m2 = 0.9 * m + 0.1;
    assertEquals(g1 - 0.7 * (0.1 + 0.9 * m2), r2.tensor("g")[0], 1e-5);
    assertEquals(m2, r2.tensor("outer.g.momentum")[0], 1e-6);
  }

  @Test
  void adamTakesSignSizedStepsOnTheFirstRound() {
    OuterOptimizer o = new OuterOptimizer(OuterOptimizer.Kind.ADAM, 0, 0, 0.01, 0.9, 0.99, 1e-12);
    TrainingState r1 = o.step(state(1, 1, 0), state(0.5f, 2, 0), PARAMETERS, 1);
    // bias-corrected m / sqrt(v) = sign(delta) on the first step
    assertArrayEquals(new float[] {0.99f, 1.99f}, r1.tensor("g"), TOLERANCE);
    assertArrayEquals(new float[] {1.01f}, r1.tensor("d"), TOLERANCE);
    assertEquals(0.1 * 0.5, r1.tensor("outer.g.m")[0], 1e-6);
    assertEquals(0.01 * 0.25, r1.tensor("outer.g.v")[0], 1e-6);
  }

  @Test
  void workersGetEverythingButTheOuterState() {
    TrainingState r1 = nesterov(0.7, 0.9).step(state(1, 1, 0), state(0.5f, 2, 7), PARAMETERS, 1);
    Map<String, float[]> w = OuterOptimizer.workerTensors(r1.tensors());
    assertEquals(Set.of("g", "g.adam.m", "d"), w.keySet());
    assertFalse(w.keySet().stream().anyMatch(k -> k.startsWith("outer.")));
  }

  @Test
  void kindsParseByName() {
    assertEquals(OuterOptimizer.Kind.NESTEROV, OuterOptimizer.Kind.parse("Nesterov"));
    assertEquals("adam", OuterOptimizer.Kind.ADAM.key());
    assertEquals(null, OuterOptimizer.Kind.parse("sgd"));
  }

  @Test
  void squaredDistanceSumsOverTheNamedTensors() {
    assertEquals(0.25 + 1 + 1, ParameterAverager.squaredDistance(state(1, 1, 0).tensors(),
        state(0.5f, 2, 9).tensors(), PARAMETERS), 1e-9);
  }
}
