package io.synthgen.model.eval;

import java.util.Arrays;

/**
 * Area under the ROC curve of a score meant to rank positives above negatives, computed as the
 * Mann-Whitney U statistic: the probability that a randomly drawn positive scores higher than a
 * randomly drawn negative, a tie counting one half. 0.5 is no signal, 1 perfect separation, 0
 * perfectly reversed. The evaluation uses it for membership inference, where the positives are
 * training rows, the negatives held-out rows and the score minus the distance to the closest
 * synthetic row (Hilprecht et al., "Monte Carlo and reconstruction membership inference attacks
 * against generative models", PoPETs 2019).
 */
public final class RocAuc {
  private RocAuc() {}

  /**
   * The AUC of {@code positives} against {@code negatives} (scores, not NaN); NaN when either is
   * empty. {@code O((p + n) log n)}.
   */
  public static double of(double[] positives, double[] negatives) {
    if (positives.length == 0 || negatives.length == 0) {
      return Double.NaN;
    }
    double[] neg = negatives.clone();
    Arrays.sort(neg);
    double u = 0;
    for (double x : positives) {
      if (Double.isNaN(x)) {
        throw new IllegalArgumentException("a NaN score among the positives");
      }
      int below = firstAtLeast(neg, x);
      int tiedOrBelow = firstAbove(neg, x);
      u += below + 0.5 * (tiedOrBelow - below);
    }
    if (Double.isNaN(neg[neg.length - 1])) {
      throw new IllegalArgumentException("a NaN score among the negatives");
    }
    return u / ((double) positives.length * neg.length);
  }

  /**
   * The AUC from score histograms over the same ascending bins: {@code positives[i]} and {@code
   * negatives[i]} count the rows whose score falls in bin {@code i}; two rows in one bin are a
   * tie (1/2). Exact for scores that take one value per bin, and otherwise off by at most half the
   * share of positive-negative pairs that share a bin. NaN when either side is empty.
   */
  public static double ofCounts(long[] positives, long[] negatives) {
    if (positives.length != negatives.length) {
      throw new IllegalArgumentException("histograms of " + positives.length + " and "
          + negatives.length + " bins");
    }
    double u = 0;
    double p = 0;
    double below = 0;
    for (int i = 0; i < positives.length; i++) {
      u += positives[i] * (below + 0.5 * negatives[i]);
      p += positives[i];
      below += negatives[i];
    }
    return p == 0 || below == 0 ? Double.NaN : u / (p * below);
  }

  /** The index of the first element {@code >= x} of an ascending array (its length if none). */
  private static int firstAtLeast(double[] a, double x) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The index of the first element {@code > x} of an ascending array (its length if none). */
  private static int firstAbove(double[] a, double x) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
