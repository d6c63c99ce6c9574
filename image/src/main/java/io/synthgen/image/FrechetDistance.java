package io.synthgen.image;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Fréchet distance between two Gaussians fitted to feature vectors (Heusel et al., "GANs Trained
 * by a Two Time-Scale Update Rule Converge to a Local Nash Equilibrium", NeurIPS 2017):
 * {@code |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^1/2)}, with the trace of the matrix square
 * root computed from the symmetric form {@code (S1^1/2 S2 S1^1/2)^1/2}, whose eigenvalues are
 * those of {@code S1 S2}.
 *
 * @implNote Both matrices are symmetric positive semi-definite, so their eigenvalues and
 *     eigenvectors are their singular values and vectors: Commons Math's SVD (pure Java, float64)
 *     does the work. Not LAPACK through ND4J, which crashed the JVM where JavaCPP picked up a
 *     system OpenBLAS without LAPACKE; not Commons Math's EigenDecomposition, which fails to
 *     converge on the rank-deficient covariances of a few dozen images. Rounding-level negative
 *     eigenvalues come out as tiny positive singular values, a negligible difference.
 */
public final class FrechetDistance {
  private FrechetDistance() {}

  public static double between(FeatureMoments a, FeatureMoments b) {
    int d = a.dimensions();
    RealMatrix s1 = matrix(a.covariance(), d);
    RealMatrix s2 = matrix(b.covariance(), d);
    RealMatrix root1 = sqrtPsd(s1);
    RealMatrix m = root1.multiply(s2).multiply(root1);
    m = m.add(m.transpose()).scalarMultiply(0.5);
    double trCovMean = 0;
    for (double w : new SingularValueDecomposition(m).getSingularValues()) {
      trCovMean += Math.sqrt(w);
    }
    double[] ma = a.mean();
    double[] mb = b.mean();
    double dist = 0;
    for (int i = 0; i < d; i++) {
      dist += (ma[i] - mb[i]) * (ma[i] - mb[i]);
    }
    double tr = s1.getTrace() + s2.getTrace();
    return Math.max(0, dist + tr - 2 * trCovMean);
  }

  private static RealMatrix matrix(double[] rowMajor, int d) {
    double[][] m = new double[d][d];
    for (int i = 0; i < d; i++) {
      System.arraycopy(rowMajor, i * d, m[i], 0, d);
    }
    // symmetrize against rounding in the accumulated covariance
    RealMatrix r = new Array2DRowRealMatrix(m, false);
    return r.add(r.transpose()).scalarMultiply(0.5);
  }

  /** {@code U diag(sqrt(w)) U^T} of a symmetric positive semi-definite matrix {@code U W U^T}. */
  private static RealMatrix sqrtPsd(RealMatrix s) {
    SingularValueDecomposition e = new SingularValueDecomposition(s);
    RealMatrix v = e.getU();
    double[] w = e.getSingularValues();
    RealMatrix scaled = v.copy();
    for (int j = 0; j < w.length; j++) {
      double root = Math.sqrt(w[j]);
      for (int i = 0; i < w.length; i++) {
        scaled.multiplyEntry(i, j, root);
      }
    }
    return scaled.multiply(v.transpose());
  }
}
