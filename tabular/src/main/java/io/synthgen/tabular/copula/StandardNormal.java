package io.synthgen.tabular.copula;

import org.apache.commons.math3.special.Erf;

/** The standard normal distribution's CDF and quantile function (Commons Math's erfc). */
final class StandardNormal {
  private static final double SQRT2 = Math.sqrt(2);

  private StandardNormal() {}

  /** The density at {@code z}. */
  static double density(double z) {
    return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  }

  /** {@code P(Z <= z)}. */
  static double cdf(double z) {
    return 0.5 * Erf.erfc(-z / SQRT2);
  }

  /** The {@code u}-quantile; {@code u} is clamped to [1e-12, 1 - 1e-12] so it stays finite. */
  static double quantile(double u) {
    double p = Math.min(Math.max(u, 1e-12), 1 - 1e-12);
    return -SQRT2 * Erf.erfcInv(2 * p);
  }
}
