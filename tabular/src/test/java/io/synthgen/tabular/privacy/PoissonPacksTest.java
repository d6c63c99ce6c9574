package io.synthgen.tabular.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PoissonPacksTest {
  /** Standard deviations allowed between a sampled count and its expectation. */
  private static final double SIGMAS = 4;

  @Test
  void eachRowIsTakenWithTheSamplingRate() {
    int rows = 10_000;
    double rate = 0.03;
    int draws = 200;
    long taken = 0;
    SplittableRandom rng = new SplittableRandom(1);
    for (int d = 0; d < draws; d++) {
      // slots with room for every row, so none is left out of a full pack
      for (int[] pack : PoissonPacks.draw(rows, rate, 10, rows, rng)) {
        taken += pack.length;
      }
    }
    double expected = (double) rows * rate * draws;
    double sd = Math.sqrt(rows * draws * rate * (1 - rate));
    assertEquals(expected, taken, SIGMAS * sd);
  }

  @Test
  void packsHoldAtMostPacRowsInAscendingOrder() {
    int[][] packs = PoissonPacks.draw(1000, 0.5, 20, 10, new SplittableRandom(2));
    assertEquals(20, packs.length);
    int full = 0;
    for (int[] pack : packs) {
      assertTrue(pack.length <= 10);
      full += pack.length == 10 ? 1 : 0;
      for (int i = 1; i < pack.length; i++) {
        assertTrue(pack[i] > pack[i - 1]);
      }
    }
    assertEquals(20, full, "25 rows expected per slot: every pack full");
  }

  @Test
  void addingARowChangesAtMostTheOnePackItJoins() {
    for (long seed = 0; seed < 50; seed++) {
      int[][] without = PoissonPacks.draw(200, 0.2, 8, 5, new SplittableRandom(seed));
      int[][] with = PoissonPacks.draw(201, 0.2, 8, 5, new SplittableRandom(seed));
      int changed = 0;
      for (int s = 0; s < 8; s++) {
        if (!java.util.Arrays.equals(without[s], with[s])) {
          changed++;
          int[] expected = java.util.Arrays.copyOf(without[s], without[s].length + 1);
          expected[without[s].length] = 200;
          assertArrayEquals(expected, with[s], "seed " + seed + " slot " + s);
        }
      }
      assertTrue(changed <= 1, "seed " + seed);
    }
  }

  @Test
  void aRateOutsideTheUnitIntervalIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> PoissonPacks.draw(10, 0, 2, 2, new SplittableRandom(1)));
    assertThrows(IllegalArgumentException.class,
        () -> PoissonPacks.draw(10, 1.5, 2, 2, new SplittableRandom(1)));
  }
}
