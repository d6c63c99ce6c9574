package io.synthgen.tabular;

import java.util.SplittableRandom;

/** Seeded Fisher-Yates shuffles (Knuth, TAOCP vol. 2, Algorithm P). */
public final class Permutations {
  private Permutations() {}

  /** Shuffles {@code values} in place. */
  public static void shuffle(int[] values, SplittableRandom rng) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
  }

  /** The identity permutation 0..n-1. */
  public static int[] identity(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    return p;
  }

  /** A random permutation of 0..n-1. */
  public static int[] random(int n, SplittableRandom rng) {
    int[] p = identity(n);
    shuffle(p, rng);
    return p;
  }
}
