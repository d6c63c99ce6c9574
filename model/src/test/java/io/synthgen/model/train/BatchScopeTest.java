package io.synthgen.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.InvalidInputException;
import org.junit.jupiter.api.Test;

class BatchScopeTest {
  @Test
  void workerScopeGivesEveryWorkerTheWholeBatch() {
    for (int w : new int[] {1, 2, 4, 128}) {
      assertEquals(500, BatchScope.WORKER.rowsPerWorker(500, w, 10));
    }
  }

  @Test
  void globalScopeSplitsTheBatchToTheNearestMultiple() {
    assertEquals(500, BatchScope.GLOBAL.rowsPerWorker(500, 1, 10));
    assertEquals(250, BatchScope.GLOBAL.rowsPerWorker(500, 2, 10));
    assertEquals(130, BatchScope.GLOBAL.rowsPerWorker(500, 4, 10), "125 rounds to 13 x pac 10");
    assertEquals(60, BatchScope.GLOBAL.rowsPerWorker(500, 8, 10), "62.5 rounds to 6 x 10");
    assertEquals(32, BatchScope.GLOBAL.rowsPerWorker(64, 2, 1));
    assertEquals(21, BatchScope.GLOBAL.rowsPerWorker(64, 3, 1));
  }

  @Test
  void globalScopeLeavingAWorkerLessThanOneMultipleIsAnErrorNamingTheFix() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> BatchScope.GLOBAL.rowsPerWorker(100, 30, 10));
    assertTrue(e.getMessage().contains("'batch-size' (100)"), e.getMessage());
    assertTrue(e.getMessage().contains("at least 300"), e.getMessage());
  }

  @Test
  void scopesParseFromTheirKeys() {
    assertEquals(BatchScope.GLOBAL, BatchScope.parse("global"));
    assertEquals(BatchScope.WORKER, BatchScope.parse("worker"));
  }
}
