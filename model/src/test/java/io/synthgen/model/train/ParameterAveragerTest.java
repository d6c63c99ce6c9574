package io.synthgen.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ParameterAveragerTest {
  private static TrainingState state(float[] params, float[] moment, long step) {
    return new TrainingState(Map.of("params", params, "moment", moment), step,
        new double[] {1.5}, 3, 100, 1);
  }

  @Test
  void averagingIdenticalWorkersIsTheIdentity() {
    float[] p = {0.25f, -3f, 7.5f};
    float[] m = {1f, 2f, 3f};
    TrainingState sum = null;
    for (int i = 0; i < 4; i++) {
      sum = ParameterAverager.combine(sum, state(p.clone(), m.clone(), 9));
    }
    TrainingState avg = ParameterAverager.average(sum);
    assertArrayEquals(p, avg.tensor("params"), 1e-6f);
    assertArrayEquals(m, avg.tensor("moment"), 1e-6f);
    assertEquals(4, avg.contributors());
    assertEquals(400, avg.rowsSeen());
    assertEquals(0.5, avg.metricMean(0), 1e-12);
  }

  @Test
  void twoKnownVectorsAverageToTheirMean() {
    TrainingState a = state(new float[] {1f, 2f}, new float[] {0f, 4f}, 5);
    TrainingState b = state(new float[] {3f, -2f}, new float[] {2f, 0f}, 5);
    TrainingState avg = ParameterAverager.average(ParameterAverager.combine(a, b));
    assertArrayEquals(new float[] {2f, 0f}, avg.tensor("params"));
    assertArrayEquals(new float[] {1f, 2f}, avg.tensor("moment"));
  }

  @Test
  void workersAtDifferentStepsAreRejected() {
    TrainingState a = state(new float[] {1f}, new float[] {0f}, 5);
    TrainingState b = state(new float[] {1f}, new float[] {0f}, 6);
    assertThrows(IllegalStateException.class, () -> ParameterAverager.combine(a, b));
  }
}
