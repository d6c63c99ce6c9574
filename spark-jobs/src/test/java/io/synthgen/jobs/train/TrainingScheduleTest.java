package io.synthgen.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TrainingScheduleTest {
  @Test
  void stepsPerEpochCountRowsOverAllWorkersAndNeverDropBelowOne() {
    assertEquals(3, TrainingSession.stepsPerEpoch(3117, 2, 500));
    assertEquals(1, TrainingSession.stepsPerEpoch(1029, 2, 500));
    assertEquals(1, TrainingSession.stepsPerEpoch(300, 2, 500));
  }

  @Test
  void minStepsRaisesOnlyARunThatEpochsLeaveShort() {
    // a 1,029-row table on 2 workers of 500 rows: 1 step per epoch, 300 epochs = 30 rounds of 10
    assertEquals(30, TrainingSession.totalRounds(300, 0, 10, 1));
    assertEquals(90, TrainingSession.totalRounds(300, 900, 10, 1));
    // a 3,117-row table: 3 steps per epoch already make 900 steps
    assertEquals(90, TrainingSession.totalRounds(300, 900, 10, 3));
    assertEquals(150, TrainingSession.totalRounds(500, 900, 10, 3));
    // a partial round counts whole
    assertEquals(91, TrainingSession.totalRounds(1, 901, 10, 1));
  }
}
