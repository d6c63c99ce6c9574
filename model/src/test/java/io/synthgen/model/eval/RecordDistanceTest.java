package io.synthgen.model.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RecordDistanceTest {
  private static final double EXACT = 1e-12;
  private final RecordDistance metric = new RecordDistance(new double[] {0, 10},
      new double[] {100, 10}, 1);

  @Test
  void numericDifferencesAreScaledByTheRealRangeAndAveragedOverColumns() {
    // |50-0|/100 = 0.5; constant column range counts as 1: |12-10| = 2; category equal: 0
    assertEquals((0.5 + 2) / 3, metric.distance(new double[] {50, 12}, new String[] {"a"},
        new double[] {0, 10}, new String[] {"a"}), EXACT);
  }

  @Test
  void identicalRecordsAreAtZeroAndMissingValuesFollowTheReferenceRule() {
    assertEquals(0, metric.distance(new double[] {Double.NaN, 1}, new String[] {null},
        new double[] {Double.NaN, 1}, new String[] {null}), EXACT);
    // one numeric missing: 1; category vs missing: 1
    assertEquals(2 / 3.0, metric.distance(new double[] {Double.NaN, 1}, new String[] {"a"},
        new double[] {5, 1}, new String[] {null}), EXACT);
  }

  @Test
  void nearestKeepsTheMinimumOverOffersAndMerges() {
    double[][] qn = {{0, 10}, {100, 10}};
    String[][] qc = {{"a"}, {"b"}};
    RecordDistance.Nearest left = new RecordDistance.Nearest(2)
        .offer(metric, qn, qc, new double[] {0, 10}, new String[] {"a"});
    RecordDistance.Nearest right = new RecordDistance.Nearest(2)
        .offer(metric, qn, qc, new double[] {70, 10}, new String[] {"b"});
    assertArrayEquals(new double[] {0, 0.1}, left.merge(right).distances(), EXACT);
  }
}
