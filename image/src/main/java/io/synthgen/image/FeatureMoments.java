package io.synthgen.image;

import java.io.Serializable;

/**
 * Count, mean and co-moment matrix of feature vectors, updated one vector at a time and merged
 * across partitions (Chan et al.'s parallel formula), so the statistics of the Fréchet distance
 * come out of one distributed pass without collecting the features.
 */
public final class FeatureMoments implements Serializable {
  private static final long serialVersionUID = 1L;
  private final int d;
  private long n;
  private final double[] mean;
  private final double[] comoment;

  public FeatureMoments(int dimensions) {
    d = dimensions;
    mean = new double[d];
    comoment = new double[d * d];
  }

  public FeatureMoments add(double[] x) {
    n++;
    double[] delta = new double[d];
    for (int i = 0; i < d; i++) {
      delta[i] = x[i] - mean[i];
      mean[i] += delta[i] / n;
    }
    for (int i = 0; i < d; i++) {
      double after = x[i] - mean[i];
      for (int j = 0; j < d; j++) {
        comoment[i * d + j] += after * delta[j];
      }
    }
    return this;
  }

  public FeatureMoments merge(FeatureMoments o) {
    if (o.n == 0) {
      return this;
    }
    long total = n + o.n;
    double f = (double) n * o.n / total;
    double[] delta = new double[d];
    for (int i = 0; i < d; i++) {
      delta[i] = o.mean[i] - mean[i];
    }
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        comoment[i * d + j] += o.comoment[i * d + j] + delta[i] * delta[j] * f;
      }
      mean[i] += delta[i] * o.n / total;
    }
    n = total;
    return this;
  }

  public long count() {
    return n;
  }

  public double[] mean() {
    return mean.clone();
  }

  /** The sample covariance (divided by n - 1, as numpy.cov), row-major d x d. */
  public double[] covariance() {
    double[] c = new double[d * d];
    for (int i = 0; i < c.length; i++) {
      c[i] = n > 1 ? comoment[i] / (n - 1) : 0;
    }
    return c;
  }

  public int dimensions() {
    return d;
  }
}
