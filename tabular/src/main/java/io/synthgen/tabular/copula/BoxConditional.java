package io.synthgen.tabular.copula;

import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * A standard multivariate normal with correlation {@code R}, conditioned on some of its
 * coordinates lying in intervals (a box): the latent distribution of a {@link GaussianCopula}'s
 * rows that meet a set of conditions. The boxed coordinates are drawn by Gibbs sampling, each
 * from its exact univariate truncated normal given the others (inverse CDF, no rejection; Geweke,
 * "Efficient simulation from the multivariate normal and Student-t distributions subject to
 * linear constraints", 1991), and the free coordinates from their exact Gaussian conditional
 * given the boxed ones. With one boxed coordinate every draw is exact and independent; with
 * several, draws form a Markov chain: {@link #start} runs a burn-in, and each {@link #draw}
 * advances it by {@link #SWEEPS} sweeps. Every draw lies in the box.
 */
final class BoxConditional {
  /** Burn-in sweeps of a new chain. */
  static final int BURN_IN = 50;
  /** Sweeps between two rows of a chain. */
  static final int SWEEPS = 3;
  private final int[] boxed;
  private final int[] free;
  /** Precision matrix of the boxed coordinates. */
  private final double[][] precision;
  /** Regression of the free coordinates on the boxed ones. */
  private final double[][] regression;
  /** Cholesky factor of the free coordinates' conditional covariance. */
  private final double[][] lower;

  /**
   * @param r the latent correlation matrix
   * @param boxed the coordinates held in intervals, distinct (the intervals are given to
   *     {@link #start} and {@link #draw}: one conditional serves every box on these coordinates)
   */
  BoxConditional(double[][] r, int[] boxed) {
    int d = r.length;
    int c = boxed.length;
    this.boxed = boxed.clone();
    boolean[] isBoxed = new boolean[d];
    for (int i : boxed) {
      isBoxed[i] = true;
    }
    this.free = new int[d - c];
    for (int i = 0, f = 0; i < d; i++) {
      if (!isBoxed[i]) {
        free[f++] = i;
      }
    }
    double[][] rcc = new double[c][c];
    for (int a = 0; a < c; a++) {
      for (int b = 0; b < c; b++) {
        rcc[a][b] = r[boxed[a]][boxed[b]];
      }
    }
    RealMatrix inv = inverse(rcc);
    this.precision = inv.getData();
    int u = free.length;
    double[][] ruc = new double[u][c];
    for (int a = 0; a < u; a++) {
      for (int b = 0; b < c; b++) {
        ruc[a][b] = r[free[a]][boxed[b]];
      }
    }
    this.regression = c == 0 || u == 0 ? new double[u][c]
        : new Array2DRowRealMatrix(ruc, false).multiply(inv).getData();
    double[][] s = new double[u][u];
    for (int a = 0; a < u; a++) {
      for (int b = 0; b < u; b++) {
        double v = r[free[a]][free[b]];
        for (int k = 0; k < c; k++) {
          v -= regression[a][k] * ruc[b][k];
        }
        s[a][b] = v;
      }
    }
    for (int a = 0; a < u; a++) {
      for (int b = 0; b < a; b++) {
        double m = 0.5 * (s[a][b] + s[b][a]);
        s[a][b] = m;
        s[b][a] = m;
      }
    }
    this.lower = u == 0 ? new double[0][0] : LatentCorrelation.choleskyOf(s);
  }

  /** The inverse of a correlation block, with a growing ridge where it is singular. */
  private static RealMatrix inverse(double[][] m) {
    if (m.length == 0) {
      return new Array2DRowRealMatrix(0, 0);
    }
    for (double ridge = 0; ; ridge = ridge == 0 ? 1e-10 : ridge * 10) {
      double[][] a = new double[m.length][];
      for (int i = 0; i < m.length; i++) {
        a[i] = m[i].clone();
        a[i][i] += ridge;
      }
      LUDecomposition lu = new LUDecomposition(new Array2DRowRealMatrix(a, false), 1e-14);
      if (lu.getSolver().isNonSingular() || ridge > 1e-2) {
        return lu.getSolver().getInverse();
      }
    }
  }

  /**
   * A new chain's state for the box [lo, hi] (one interval per boxed coordinate, lower bounds may
   * be {@code -Infinity}, upper ones {@code +Infinity}): a point of the box, then a burn-in.
   */
  double[] start(double[] lo, double[] hi, SplittableRandom rng) {
    double[] state = new double[boxed.length];
    for (int a = 0; a < state.length; a++) {
      state[a] = Math.max(lo[a], Math.min(hi[a], 0));
    }
    sweep(state, lo, hi, rng, boxed.length > 1 ? BURN_IN : 0);
    return state;
  }

  /**
   * Advances {@code state} (a chain of box [lo, hi]) and returns a full latent vector whose
   * boxed part is the new state.
   */
  double[] draw(double[] state, double[] lo, double[] hi, SplittableRandom rng) {
    sweep(state, lo, hi, rng, boxed.length > 1 ? SWEEPS : 1);
    double[] z = new double[boxed.length + free.length];
    for (int a = 0; a < boxed.length; a++) {
      z[boxed[a]] = state[a];
    }
    double[] eps = new double[free.length];
    for (int f = 0; f < eps.length; f++) {
      eps[f] = rng.nextGaussian();
    }
    double[] noise = LatentCorrelation.multiply(lower, eps);
    for (int f = 0; f < free.length; f++) {
      double v = noise[f];
      for (int a = 0; a < boxed.length; a++) {
        v += regression[f][a] * state[a];
      }
      z[free[f]] = v;
    }
    return z;
  }

  private void sweep(double[] state, double[] lo, double[] hi, SplittableRandom rng,
      int sweeps) {
    int c = boxed.length;
    for (int s = 0; s < sweeps; s++) {
      for (int a = 0; a < c; a++) {
        double p = precision[a][a];
        double mean = 0;
        for (int b = 0; b < c; b++) {
          if (b != a) {
            mean -= precision[a][b] * state[b];
          }
        }
        mean /= p;
        state[a] = truncatedNormal(mean, 1 / Math.sqrt(p), lo[a], hi[a], rng.nextDouble());
      }
    }
  }

  /**
   * The {@code u}-quantile of N(mean, sd^2) truncated to [lo, hi], computed on the side of the
   * mean where the tail probabilities keep their precision; a box far beyond double precision
   * returns its nearer bound.
   */
  static double truncatedNormal(double mean, double sd, double lo, double hi, double u) {
    if (lo == hi) {
      return lo;
    }
    double a = (lo - mean) / sd;
    double b = (hi - mean) / sd;
    if (a > 0) {
      // upper tail: mirror so that the tail probabilities are small numbers, not 1 - small
      return mean - sd * standardTruncated(-b, -a, 1 - u);
    }
    return mean + sd * standardTruncated(a, b, u);
  }

  /** The {@code u}-quantile of the standard normal truncated to [a, b], a <= 0 or b <= 0. */
  private static double standardTruncated(double a, double b, double u) {
    double fa = a == Double.NEGATIVE_INFINITY ? 0 : StandardNormal.cdf(a);
    double fb = b == Double.POSITIVE_INFINITY ? 1 : StandardNormal.cdf(b);
    if (!(fb > fa)) {
      return Math.abs(a) < Math.abs(b) ? a : b;
    }
    double x = StandardNormal.quantile(fa + u * (fb - fa));
    return Math.max(a, Math.min(b, x));
  }
}
