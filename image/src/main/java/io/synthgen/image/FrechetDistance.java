package io.synthgen.image;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Fréchet distance between two Gaussians fitted to feature vectors (Heusel et al., "GANs Trained
 * by a Two Time-Scale Update Rule Converge to a Local Nash Equilibrium", NeurIPS 2017):
 * {@code |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^1/2)}, with the trace of the matrix square
 * root computed from the symmetric form {@code (S1^1/2 S2 S1^1/2)^1/2}, whose eigenvalues are
 * those of {@code S1 S2} (LAPACK symmetric eigensolver through ND4J, float64).
 */
public final class FrechetDistance {
  private FrechetDistance() {}

  public static double between(FeatureMoments a, FeatureMoments b) {
    int d = a.dimensions();
    INDArray s1 = Nd4j.createFromArray(a.covariance()).reshape(d, d).castTo(DataType.DOUBLE);
    INDArray s2 = Nd4j.createFromArray(b.covariance()).reshape(d, d).castTo(DataType.DOUBLE);
    INDArray root1 = sqrtPsd(s1.dup());
    INDArray m = root1.mmul(s2).mmul(root1);
    m = m.add(m.transpose()).muli(0.5);
    INDArray ev = Eigen.symmetricGeneralizedEigenvalues(m.dup(), false);
    double trCovMean = Transforms.sqrt(Transforms.max(ev, 0.0), false).sumNumber().doubleValue();
    double[] ma = a.mean();
    double[] mb = b.mean();
    double dist = 0;
    for (int i = 0; i < d; i++) {
      dist += (ma[i] - mb[i]) * (ma[i] - mb[i]);
    }
    double tr = 0;
    double[] c1 = a.covariance();
    double[] c2 = b.covariance();
    for (int i = 0; i < d; i++) {
      tr += c1[i * d + i] + c2[i * d + i];
    }
    return Math.max(0, dist + tr - 2 * trCovMean);
  }

  /** {@code V diag(sqrt(max(w, 0))) V^T} of a symmetric positive semi-definite matrix. */
  private static INDArray sqrtPsd(INDArray s) {
    INDArray w = Eigen.symmetricGeneralizedEigenvalues(s, true); // s now holds eigenvectors
    INDArray root = Transforms.sqrt(Transforms.max(w, 0.0), false);
    INDArray scaled = s.mulRowVector(root);
    return scaled.mmul(s.transpose());
  }
}
