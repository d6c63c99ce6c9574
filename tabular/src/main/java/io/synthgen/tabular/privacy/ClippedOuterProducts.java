package io.synthgen.tabular.privacy;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * A differentially private second-moment matrix of per-row vectors (a copula's normal scores):
 * each row's vector, missing entries (NaN) set to 0, is scaled down to L2 norm at most
 * {@code clip}, and the sum of the rows' outer products {@code u u^T} is released with Gaussian
 * noise on each entry of its upper triangle. One row changes that triangle by at most
 * {@code ||u u^T||_F = ||u||^2 <= clip^2} in L2 norm, the sensitivity ({@link #sensitivity}).
 * The released matrix, normalized by its own diagonal, is a correlation estimate
 * ({@link #correlation}); rows whose norm was clipped count with less weight, which the
 * default clip ({@link #defaultClip}) keeps to a small share of rows.
 */
public final class ClippedOuterProducts implements Serializable {
  private static final long serialVersionUID = 1L;
  private final double clip;
  private final double[][] sum;

  public ClippedOuterProducts(int dim, double clip) {
    if (!(clip > 0)) {
      throw new IllegalArgumentException("clip " + clip + " is not positive");
    }
    this.clip = clip;
    this.sum = new double[dim][dim];
  }

  /**
   * {@code sqrt(dim + 4 sqrt(2 dim))}: four standard deviations of {@code ||u||^2} above its
   * mean for {@code dim} independent standard normal scores, so the clip binds in under 1% of
   * rows (0.5% at 3 dimensions, fewer at more) and hardly biases the estimate, at a sensitivity
   * near the mean squared norm.
   */
  public static double defaultClip(int dim) {
    return Math.sqrt(dim + 4 * Math.sqrt(2.0 * dim));
  }

  /** L2 sensitivity of the upper triangle of the sum to adding or removing one row. */
  public double sensitivity() {
    return clip * clip;
  }

  /** Adds one row's vector. */
  public ClippedOuterProducts add(double[] z) {
    int d = sum.length;
    double[] u = new double[d];
    double norm = 0;
    for (int i = 0; i < d; i++) {
      u[i] = Double.isFinite(z[i]) ? z[i] : 0;
      norm += u[i] * u[i];
    }
    double scale = norm > clip * clip ? clip / Math.sqrt(norm) : 1;
    for (int i = 0; i < d; i++) {
      double ui = u[i] * scale;
      if (ui == 0) {
        continue;
      }
      for (int j = i; j < d; j++) {
        sum[i][j] += ui * u[j] * scale;
      }
    }
    return this;
  }

  /** The exact upper-triangle sums (a copy; for tests of the sensitivity). */
  double[][] sums() {
    double[][] c = new double[sum.length][];
    for (int i = 0; i < c.length; i++) {
      c[i] = sum[i].clone();
    }
    return c;
  }

  public ClippedOuterProducts merge(ClippedOuterProducts other) {
    for (int i = 0; i < sum.length; i++) {
      for (int j = i; j < sum.length; j++) {
        sum[i][j] += other.sum[i][j];
      }
    }
    return this;
  }

  /**
   * The correlation estimate from the noisy sum: noise of standard deviation
   * {@code noiseMultiplier * sensitivity()} on each upper-triangle entry, then
   * {@code S_ij / sqrt(S_ii S_jj)} clamped to [-1, 1]; NaN for a pair whose noisy diagonal is
   * not positive. The result may not be positive semi-definite: project it before use.
   */
  public double[][] correlation(double noiseMultiplier, SplittableRandom rng) {
    int d = sum.length;
    double sigma = noiseMultiplier * sensitivity();
    double[][] s = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        s[i][j] = sum[i][j] + sigma * rng.nextGaussian();
        s[j][i] = s[i][j];
      }
    }
    double[][] r = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double v = s[i][i] > 0 && s[j][j] > 0 ? s[i][j] / Math.sqrt(s[i][i] * s[j][j])
            : Double.NaN;
        r[i][j] = i == j ? 1 : Double.isNaN(v) ? v : Math.max(-1, Math.min(1, v));
      }
    }
    return r;
  }
}
