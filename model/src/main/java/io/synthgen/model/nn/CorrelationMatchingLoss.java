package io.synthgen.model.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A loss that pulls the Pearson correlation matrix of a generated batch towards a target one: the
 * mean over column pairs {@code i < j} of {@code (r_ij(X) - target_ij)^2}, times a weight, and
 * its exact gradient with respect to the batch {@code X} (rows are samples, columns variables).
 *
 * <p>The tabular GAN's critic sees the joint distribution only through what it happens to learn;
 * this term names the pairwise linear structure explicitly, in the spirit of the losses of
 * CTAB-GAN+ (Zhao et al., "CTAB-GAN+: Enhancing Tabular Data Synthesis", Frontiers in Big Data
 * 2024), which match the first and second moments of a batch.
 *
 * @implNote A pair is skipped (no loss, no gradient) where the target is NaN: the target column
 *     had no variance in its batch. Standard deviations carry {@link #EPSILON} so a constant
 *     generated column has a finite gradient.
 */
public final class CorrelationMatchingLoss {
  /** Added to every column variance before the square root. */
  public static final double EPSILON = 1e-6;
  /** Columns whose batch variance is at most this have no defined target correlation. */
  public static final double MIN_TARGET_VARIANCE = 1e-10;

  private CorrelationMatchingLoss() {}

  /** Loss value and gradient. */
  public record Result(double loss, INDArray gradient) {}

  /** Columns centred and divided by {@code scale = sqrt(variance + EPSILON)}. */
  private record Standardized(INDArray z, INDArray variance, INDArray scale) {}

  private static Standardized standardize(INDArray x) {
    INDArray xc = x.subRowVector(x.mean(0));
    INDArray variance = xc.mul(xc).mean(0);
    INDArray scale = Transforms.sqrt(variance.add(EPSILON), false);
    return new Standardized(xc.divRowVector(scale), variance, scale);
  }

  /**
   * The correlation matrix of {@code x} ([rows, d]), with NaN rows and columns for variables with
   * no variance; for targets.
   */
  public static INDArray correlation(INDArray x) {
    Standardized st = standardize(x);
    INDArray r = st.z().transpose().mmul(st.z()).divi(x.rows());
    double[] v = st.variance().toDoubleVector();
    for (int i = 0; i < v.length; i++) {
      if (v[i] <= MIN_TARGET_VARIANCE) {
        r.getRow(i).assign(Double.NaN);
        r.getColumn(i).assign(Double.NaN);
      }
    }
    return r;
  }

  /**
   * {@code weight * mean over valid pairs of (r_ij(x) - target_ij)^2} and its gradient with
   * respect to {@code x}; zero with a zero gradient when no pair is valid.
   */
  public static Result evaluate(INDArray x, INDArray target, double weight) {
    long rows = x.rows();
    int d = (int) x.columns();
    Standardized st = standardize(x);
    INDArray z = st.z();
    INDArray s = st.scale();
    INDArray r = z.transpose().mmul(z).divi(rows);
    double[][] t = target.toDoubleMatrix();
    double[][] rv = r.toDoubleMatrix();
    double[][] diff = new double[d][d];
    int pairs = 0;
    double sum = 0;
    for (int i = 0; i < d; i++) {
      for (int j = i + 1; j < d; j++) {
        if (!Double.isNaN(t[i][j])) {
          double e = rv[i][j] - t[i][j];
          diff[i][j] = e;
          diff[j][i] = e;
          sum += e * e;
          pairs++;
        }
      }
    }
    if (pairs == 0) {
      return new Result(0, Nd4j.zeros(x.dataType(), rows, d));
    }
    // L = w / pairs * sum_{i<j} (R_ij - T_ij)^2 = w / (2 pairs) * sum_{i != j} (...)^2, so
    // dL/dR_ij = w (R_ij - T_ij) / pairs for i != j (the symmetric matrix G), and with
    // R = Z^T Z / n: dL/dZ = 2 Z G / n.
    INDArray g = Nd4j.create(diff).castTo(x.dataType()).muli(weight / pairs);
    INDArray dz = z.mmul(g).muli(2.0 / rows);
    // Back through the standardization z = xc / s (batch-norm backward without affine).
    INDArray dzz = dz.mul(z).mean(0);
    INDArray dxc = dz.sub(z.mulRowVector(dzz)).diviRowVector(s);
    INDArray dx = dxc.subRowVector(dxc.mean(0));
    return new Result(weight * sum / pairs, dx.castTo(x.dataType()));
  }
}
