package io.synthgen.model.eval;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Distances between discrete distributions and order statistics used by the evaluation. */
public final class Distributions {
  private Distributions() {}

  /**
   * Total variation distance {@code 1/2 sum |p_a - p_b|} between two count tables over the same
   * keys (a key missing from one table has count 0 there); 0 when both are empty.
   */
  public static <K> double totalVariation(Map<K, Long> a, Map<K, Long> b) {
    double na = a.values().stream().mapToLong(Long::longValue).sum();
    double nb = b.values().stream().mapToLong(Long::longValue).sum();
    Set<K> keys = new HashSet<>(a.keySet());
    keys.addAll(b.keySet());
    double sum = 0;
    for (K key : keys) {
      double pa = na == 0 ? 0 : a.getOrDefault(key, 0L) / na;
      double pb = nb == 0 ? 0 : b.getOrDefault(key, 0L) / nb;
      sum += Math.abs(pa - pb);
    }
    return sum / 2;
  }

  /** {@code KL(p || uniform) = sum p log(p k)} over the non-zero shares of a histogram. */
  public static double klFromUniform(double[] shares) {
    double kl = 0;
    for (double p : shares) {
      if (p > 0) {
        kl += p * Math.log(p * shares.length);
      }
    }
    return kl;
  }

  /**
   * Positions (0-based ranks in the sorted sample) numpy's default ("linear") quantile reads for
   * quantile {@code q} of {@code n} values: {@code floor(h)} and {@code ceil(h)}, {@code h = (n-1)q}.
   */
  public static long[] quantileRanks(double q, long n) {
    double h = (n - 1) * q;
    return new long[] {(long) Math.floor(h), (long) Math.ceil(h)};
  }

  /** numpy's linear quantile from the two values at {@link #quantileRanks}. */
  public static double quantile(double q, long n, double atFloor, double atCeil) {
    double h = (n - 1) * q;
    return atFloor + (h - Math.floor(h)) * (atCeil - atFloor);
  }

  /** numpy's linear percentile ({@code pct} in 0..100) of an ascending array; NaN when empty. */
  public static double percentile(double[] sorted, double pct) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    long[] r = quantileRanks(pct / 100, sorted.length);
    return quantile(pct / 100, sorted.length, sorted[(int) r[0]], sorted[(int) r[1]]);
  }

  /**
   * Equal-width histogram bin of {@code v} among {@code bins} bins over [lo, hi]; values outside
   * go to the end bins, and a degenerate range ({@code hi <= lo}) puts everything in bin 0.
   */
  public static int equalWidthBin(double v, double lo, double hi, int bins) {
    if (!(hi > lo)) {
      return 0;
    }
    int b = (int) Math.floor((v - lo) / (hi - lo) * bins);
    return Math.max(0, Math.min(bins - 1, b));
  }

  /**
   * Average precision, {@code sum (R_k - R_{k-1}) P_k} over the points of a precision-recall
   * curve in order of decreasing threshold (scikit-learn's {@code average_precision_score}, not
   * the trapezoidal area).
   */
  public static double averagePrecision(double[] recall, double[] precision) {
    double ap = 0;
    double prev = 0;
    for (int i = 0; i < recall.length; i++) {
      ap += (recall[i] - prev) * precision[i];
      prev = recall[i];
    }
    return ap;
  }
}
