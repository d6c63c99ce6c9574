package io.synthgen.tabular.privacy;

import java.util.SplittableRandom;

/**
 * The real rows of one DP-SGD critic step, grouped into PacGAN packs the way the accountant
 * assumes: every row of the partition is taken independently with probability {@code rate}
 * (Poisson sampling), and every taken row goes to one of {@code slots} packs chosen uniformly at
 * random, each pack keeping at most {@code pac} rows (the first ones it receives). Both draws are
 * independent per row, so adding or removing one row changes the content of exactly one pack
 * and leaves every other pack's distribution as it was. A pack short of {@code pac} rows is
 * filled by the caller with generated rows (public: they depend only on the model).
 *
 * <p>With {@code slots = rate * rows / pac} a slot receives on average {@code pac} rows; the
 * number it receives is binomial (nearly Poisson), so a few packs hold fewer real rows than
 * {@code pac} and a few rows are left out of full packs.
 */
public final class PoissonPacks {
  private PoissonPacks() {}

  /**
   * Per slot the indices of its real rows (0 to {@code pac} of them, ascending), drawn from
   * {@code rng} for a partition of {@code rows} rows.
   */
  public static int[][] draw(int rows, double rate, int slots, int pac, SplittableRandom rng) {
    if (!(rate > 0 && rate <= 1)) {
      throw new IllegalArgumentException("sampling rate " + rate + " is not in (0, 1]");
    }
    if (slots < 1 || pac < 1) {
      throw new IllegalArgumentException("slots " + slots + " and pac " + pac
          + " must be positive");
    }
    int[][] packs = new int[slots][pac];
    int[] filled = new int[slots];
    double logKeep = Math.log1p(-rate);
    int row = -1;
    while (true) {
      // The gap to the next sampled row is geometric: one draw per sampled row, not per row.
      long skip = rate >= 1 ? 0 : (long) Math.floor(Math.log(1 - rng.nextDouble()) / logKeep);
      long next = row + 1 + skip;
      if (next >= rows) {
        break;
      }
      row = (int) next;
      int slot = rng.nextInt(slots);
      if (filled[slot] < pac) {
        packs[slot][filled[slot]++] = row;
      }
    }
    for (int s = 0; s < slots; s++) {
      packs[s] = java.util.Arrays.copyOf(packs[s], filled[s]);
    }
    return packs;
  }
}
