package io.synthgen.model.privacy;

/**
 * Splits an {@code (epsilon, delta)} budget over Gaussian mechanisms on all rows. The RDP of a
 * Gaussian mechanism with noise multiplier {@code z} is {@code alpha / (2 z^2)} at every order
 * {@code alpha}, so mechanisms compose like one Gaussian whose {@code 1 / z^2} is the sum of
 * theirs: the budget's total {@code rho = 1 / (2 z^2)} (the one noise multiplier that spends
 * exactly epsilon at delta) is shared in the given proportions, {@code z_i = z / sqrt(share_i)}.
 */
public final class GaussianBudget {
  private GaussianBudget() {}

  /** Noise multipliers for mechanisms taking {@code shares} (positive, summing to 1). */
  public static double[] noiseMultipliers(double epsilon, double delta, double... shares) {
    double sum = 0;
    for (double s : shares) {
      if (!(s > 0)) {
        throw new IllegalArgumentException("budget share " + s + " is not positive");
      }
      sum += s;
    }
    if (Math.abs(sum - 1) > 1e-9) {
      throw new IllegalArgumentException("budget shares sum to " + sum + ", not 1");
    }
    double z = RdpAccountant.gaussianNoiseFor(epsilon, delta, 1);
    double[] out = new double[shares.length];
    for (int i = 0; i < shares.length; i++) {
      out[i] = z / Math.sqrt(shares[i]);
    }
    return out;
  }

  /**
   * The default delta for a table of {@code rows} rows: the power of ten at or below
   * {@code 1 / (10 rows)}, {@code 10^-(ceil(log10(rows)) + 1)} (1e-5 for 1,001 to 10,000 rows).
   * Only the row count's order of magnitude enters, and it is treated as public.
   */
  public static double defaultDelta(long rows) {
    int digits = (int) Math.ceil(Math.log10(Math.max(rows, 1)));
    return Math.pow(10, -(digits + 1));
  }
}
