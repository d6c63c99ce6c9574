package io.synthgen.model.eval;

import java.io.Serializable;

/**
 * The two-sample Kolmogorov-Smirnov statistic over a range of sorted distinct values, as a
 * monoid: the difference of the empirical CDFs {@code F_a - F_b} at the range's end, and its
 * running maximum and minimum within the range. Ranges sorted and split over Spark partitions
 * combine in order ({@link #then}), so the exact statistic needs one sort and no collection of
 * the data.
 */
public final class KsPartial implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The empty range. */
  public static final KsPartial EMPTY = new KsPartial(0, 0, 0);

  private final double end;
  private final double max;
  private final double min;

  private KsPartial(double end, double max, double min) {
    this.end = end;
    this.max = max;
    this.min = min;
  }

  /**
   * Accumulates one distinct value seen {@code countA} times in sample a (of {@code totalA}
   * values) and {@code countB} times in b.
   */
  public KsPartial add(long countA, long totalA, long countB, long totalB) {
    double e = end + (totalA == 0 ? 0 : (double) countA / totalA)
        - (totalB == 0 ? 0 : (double) countB / totalB);
    return new KsPartial(e, Math.max(max, e), Math.min(min, e));
  }

  /** This range followed by {@code next} (the values of {@code next} are all larger). */
  public KsPartial then(KsPartial next) {
    return new KsPartial(end + next.end, Math.max(max, end + next.max),
        Math.min(min, end + next.min));
  }

  /** {@code sup |F_a - F_b|}: the KS statistic when this partial covers all values. */
  public double statistic() {
    return Math.max(Math.abs(max), Math.abs(min));
  }
}
