package io.synthgen.tabular.copula;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The latent-correlation math of the {@link GaussianCopula}: a Pearson correlation observed
 * between the normal scores of two columns with ties (categories, repeated values, nulls) mapped
 * back to the correlation of the underlying normal variables through their Hermite expansions
 * (Mehler's formula; the tie-corrected normal-scores approach of Kendall and Stuart, and of
 * polychoric correlation), the nearest valid correlation matrix (Higham 2002, by eigenvalue
 * clipping) and Cholesky factors with a ridge.
 */
final class LatentCorrelation {
  private LatentCorrelation() {}

  /** Terms of the Hermite expansion kept. */
  static final int HERMITE_TERMS = 40;

  /**
   * The normalized Hermite coefficients {@code h_n = E[s(W) He_n(W)] / sqrt(n!)}, n = 1 to
   * {@value #HERMITE_TERMS} (index 0 unused), of the score {@code s} that maps a standard normal
   * {@code W} to the mean of its tie block, for blocks of shares {@code shares} laid out in order
   * on the unit line. Without ties ({@code shares} all tiny) {@code h_1 = 1} and the rest vanish.
   */
  static double[] hermite(double[] shares) {
    double[] c = new double[HERMITE_TERMS + 1];
    double lo = 0;
    double tLo = Double.NEGATIVE_INFINITY;
    double[] heLo = hermitePolynomials(tLo);
    double phiLo = 0;
    for (double p : shares) {
      double hi = Math.min(1, lo + p);
      double tHi = hi >= 1 ? Double.POSITIVE_INFINITY : StandardNormal.quantile(hi);
      double[] heHi = hermitePolynomials(tHi);
      double phiHi = Double.isInfinite(tHi) ? 0 : StandardNormal.density(tHi);
      if (p > 0) {
        double mean = (phiLo - phiHi) / p;
        // E[He_n(W) 1{W in block}] = phi(lo) He_{n-1}(lo) - phi(hi) He_{n-1}(hi)
        for (int n = 1; n <= HERMITE_TERMS; n++) {
          c[n] += mean * (phiLo * heLo[n - 1] - phiHi * heHi[n - 1]);
        }
      }
      lo = hi;
      tLo = tHi;
      heLo = heHi;
      phiLo = phiHi;
    }
    double[] h = new double[HERMITE_TERMS + 1];
    double logFactorial = 0;
    for (int n = 1; n <= HERMITE_TERMS; n++) {
      logFactorial += Math.log(n);
      h[n] = c[n] * Math.exp(-0.5 * logFactorial);
    }
    return h;
  }

  /** Probabilists' Hermite polynomials He_0 to He_(terms-1) at {@code t} (all 0 at infinity). */
  private static double[] hermitePolynomials(double t) {
    double[] he = new double[HERMITE_TERMS];
    if (Double.isInfinite(t)) {
      return he;
    }
    he[0] = 1;
    he[1] = t;
    for (int k = 1; k + 1 < HERMITE_TERMS; k++) {
      he[k + 1] = t * he[k] - k * he[k - 1];
    }
    return he;
  }

  /**
   * The latent correlation {@code rho} whose jittered scores correlate {@code observed}: the
   * root of {@code sum_n rho^n h_n^a h_n^b = observed} in [-1, 1] (Mehler's expansion of the
   * bivariate normal density), clipped to the ends when {@code observed} lies beyond them.
   */
  static double latentCorrelation(double observed, double[] ha, double[] hb) {
    double lo = -1;
    double hi = 1;
    if (mehler(lo, ha, hb) >= observed) {
      return -1;
    }
    if (mehler(hi, ha, hb) <= observed) {
      return 1;
    }
    for (int it = 0; it < 60; it++) {
      double mid = 0.5 * (lo + hi);
      if (mehler(mid, ha, hb) < observed) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return 0.5 * (lo + hi);
  }

  private static double mehler(double rho, double[] ha, double[] hb) {
    double s = 0;
    double pow = 1;
    for (int n = 1; n < ha.length; n++) {
      pow *= rho;
      s += pow * ha[n] * hb[n];
    }
    return s;
  }

  /** The nearest correlation matrix by eigenvalue clipping and unit-diagonal rescaling. */
  static double[][] nearestCorrelation(double[][] r) {
    int d = r.length;
    EigenDecomposition e = new EigenDecomposition(new Array2DRowRealMatrix(r, true));
    double[] values = e.getRealEigenvalues();
    boolean valid = true;
    for (double v : values) {
      valid &= v > 1e-8;
    }
    if (valid) {
      return r;
    }
    RealMatrix v = e.getV();
    double[][] out = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double s = 0;
        for (int k = 0; k < d; k++) {
          s += v.getEntry(i, k) * Math.max(values[k], 1e-6) * v.getEntry(j, k);
        }
        out[i][j] = s;
      }
    }
    double[] scale = new double[d];
    for (int i = 0; i < d; i++) {
      scale[i] = 1 / Math.sqrt(out[i][i]);
    }
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        out[i][j] = i == j ? 1 : out[i][j] * scale[i] * scale[j];
      }
    }
    return out;
  }

  /** Lower Cholesky factor; a matrix short of positive definite gets a growing ridge. */
  static double[][] choleskyOf(double[][] m) {
    int d = m.length;
    for (double ridge = 0; ; ridge = ridge == 0 ? 1e-12 : ridge * 10) {
      double[][] a = new double[d][];
      for (int i = 0; i < d; i++) {
        a[i] = m[i].clone();
        a[i][i] += ridge;
      }
      try {
        return new CholeskyDecomposition(new Array2DRowRealMatrix(a, false), 1e-8, 0)
            .getL().getData();
      } catch (NonPositiveDefiniteMatrixException e) {
        if (ridge > 1e-3) {
          throw new IllegalStateException("correlation matrix is not positive semi-definite", e);
        }
      }
    }
  }

  /** {@code l * eps} for a lower-triangular {@code l} (only the first l.length of eps are used). */
  static double[] multiply(double[][] l, double[] eps) {
    double[] out = new double[l.length];
    for (int i = 0; i < l.length; i++) {
      double s = 0;
      for (int k = 0; k <= i; k++) {
        s += l[i][k] * eps[k];
      }
      out[i] = s;
    }
    return out;
  }

}
