package io.synthgen.model.eval;

/**
 * Privacy-attack figures set against a baseline: what the same attack achieves with real rows
 * the model never saw, which measures what the population itself gives away (Stadler et al.,
 * "Synthetic data - anonymisation groundhog day", USENIX Security 2022: only the excess over
 * that baseline is a leak of the training rows).
 */
public final class PrivacyBaselines {
  private PrivacyBaselines() {}

  /**
   * {@code (share + 1/n) / (baselineShare + 1/n)}: how many times more often synthetic values
   * equal a training value than {@code n} held-out values do, smoothed by one held-out value so
   * that a baseline of 0 gives a finite ratio (at most {@code n + 1}); 1 when both shares are
   * equal, NaN when {@code n} is 0 or a share is NaN.
   */
  public static double smoothedRatio(double share, double baselineShare, long n) {
    if (n <= 0) {
      return Double.NaN;
    }
    double s = 1.0 / n;
    return (share + s) / (baselineShare + s);
  }

  /**
   * Mean over classes of the share of that class's rows classified correctly ({@code correct[k]
   * / total[k]}), over the classes with {@code total[k] > 0}; NaN when there is none. Chance
   * level is {@code 1 / classes} whatever the class balance, unlike accuracy.
   */
  public static double balancedAccuracy(long[] correct, long[] total) {
    double sum = 0;
    int classes = 0;
    for (int k = 0; k < total.length; k++) {
      if (total[k] > 0) {
        sum += correct[k] / (double) total[k];
        classes++;
      }
    }
    return classes == 0 ? Double.NaN : sum / classes;
  }
}
