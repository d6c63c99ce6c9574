package io.synthgen.tabular.profile;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Ascending values with a bucket index over their range, answering where a value sits among them
 * ({@link #rankShare}) in a few comparisons instead of a binary search over all of them. The
 * range {@code [min, max]} is cut into equal buckets; {@code start[b]} is the first value whose
 * bucket is {@code b} or later. Buckets are monotone in the value, so every value equal to
 * {@code x} lies inside {@code x}'s own bucket's slice, and both bounds of its run of ties are
 * searched there only: the answers are exactly those of a search over the whole array.
 */
public final class SortedRanks implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Values per bucket on average, where the values are spread evenly over their range. */
  private static final int VALUES_PER_BUCKET = 8;
  private final double[] sorted;
  private final double min;
  private final double scale;
  private final int[] start;

  /** Indexes {@code values} (copied and sorted; NaN is not allowed). */
  public SortedRanks(double[] values) {
    this.sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    if (n > 0 && Double.isNaN(sorted[n - 1])) {
      throw new IllegalArgumentException("values to rank hold NaN");
    }
    int buckets = Math.max(1, n / VALUES_PER_BUCKET);
    this.min = n == 0 ? 0 : sorted[0];
    double width = n == 0 ? 0 : sorted[n - 1] - min;
    this.scale = width > 0 && Double.isFinite(width) ? buckets / width : 0;
    this.start = new int[buckets + 1];
    int b = 0;
    for (int i = 0; i < n; i++) {
      int bi = bucket(sorted[i]);
      while (b <= bi) {
        start[b++] = i;
      }
    }
    while (b <= buckets) {
      start[b++] = n;
    }
  }

  /** How many values are ranked. */
  public int size() {
    return sorted.length;
  }

  /**
   * Where {@code value} sits among the values, as a share of them: the run of values equal to it
   * spans {@code [lo, hi)} and {@code jitter} in [0, 1) picks a point inside.
   */
  public double rankShare(double value, double jitter) {
    int b = bucket(value);
    int from = start[b];
    int to = start[b + 1];
    int lo = bound(sorted, value, from, to, false);
    // no run of ties (the usual case for a continuous value): the upper bound is lo itself
    int hi = lo < to && sorted[lo] == value ? bound(sorted, value, lo, to, true) : lo;
    return (lo + jitter * (hi - lo)) / sorted.length;
  }

  private int bucket(double value) {
    double h = (value - min) * scale;
    int last = start.length - 2;
    // NaN and values below the range land in bucket 0, values above it in the last one
    return h >= last ? last : h > 0 ? (int) h : 0;
  }

  /**
   * First index in [from, to) of ascending {@code a} whose value is >= x (> x when
   * {@code upper}), or {@code to}.
   */
  static int bound(double[] a, double x, int from, int to, boolean upper) {
    int lo = from;
    int hi = to;
    while (lo < hi) {
      int m = (lo + hi) >>> 1;
      if (upper ? a[m] <= x : a[m] < x) {
        lo = m + 1;
      } else {
        hi = m;
      }
    }
    return lo;
  }
}
