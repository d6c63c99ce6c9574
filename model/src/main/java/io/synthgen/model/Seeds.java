package io.synthgen.model;

/**
 * Derives independent random streams from one explicit job seed.
 *
 * <p>Every random stream of the product (per training round and worker, per generation partition,
 * per transformer fit) is {@code derive(seed, purpose, i, j...)}, so results depend only on the
 * logged job seed and the logical indices, never on which executor or thread ran the work.
 * The mixing function is SplitMix64's finalizer (Steele, Lea and Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014).
 */
public final class Seeds {
  private Seeds() {}

  /** Well-known purposes, so two streams for different purposes never coincide. */
  public static final long TRAIN = 0x7261696eL;
  public static final long GENERATE = 0x67656e65L;
  public static final long TRANSFORM = 0x7466726dL;
  public static final long INIT = 0x696e6974L;
  public static final long SAMPLE = 0x73616d70L;
  /** Differential privacy's noise ("priv"). */
  public static final long PRIVACY = 0x70726976L;

  /** Returns a seed derived from {@code seed} and the given path of indices. */
  public static long derive(long seed, long... path) {
    long h = mix(seed ^ 0x9E3779B97F4A7C15L);
    for (long p : path) {
      h = mix(h + 0x9E3779B97F4A7C15L * (p + 1));
    }
    return h;
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
