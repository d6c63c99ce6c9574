package io.synthgen.model.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalization over the batch dimension (Ioffe and Szegedy, ICML 2015), with PyTorch's
 * conventions: biased batch variance for normalization, unbiased for the running variance,
 * momentum 0.1, eps 1e-5. Running statistics live in a separate buffer {@link ParameterSet}.
 */
public final class BatchNorm1d {
  private static final double EPS = 1e-5;
  private static final double MOMENTUM = 0.1;
  private final String gamma;
  private final String beta;
  private final String runningMean;
  private final String runningVar;

  public BatchNorm1d(ParameterSet.Builder params, ParameterSet.Builder buffers, String name,
      int width) {
    this.gamma = name + ".gamma";
    this.beta = name + ".beta";
    this.runningMean = name + ".runningMean";
    this.runningVar = name + ".runningVar";
    params.add(gamma, 1, width).add(beta, 1, width);
    buffers.add(runningMean, 1, width).add(runningVar, 1, width);
  }

  public void initialize(ParameterSet p, ParameterSet buffers) {
    p.value(gamma).assign(1);
    p.value(beta).assign(0);
    buffers.value(runningMean).assign(0);
    buffers.value(runningVar).assign(1);
  }

  /** Cached values of a training-mode forward pass, needed by {@link #backward}. */
  public static final class Cache {
    /** The normalized input, row-major [rows, width]. */
    float[] normalized;
    float[] inverseStd;
  }

  /** Training-mode forward: normalizes with batch statistics and updates the running ones. */
  public INDArray forwardTrain(ParameterSet p, ParameterSet buffers, INDArray h, Cache cache) {
    return forwardWithBatchStatistics(p, buffers, h, cache);
  }

  /**
   * Normalizes with the statistics of {@code h} itself, leaving the running ones alone: a
   * training-mode forward for sampling, where no backward pass follows.
   */
  public INDArray forwardBatch(ParameterSet p, INDArray h) {
    return forwardWithBatchStatistics(p, null, h, new Cache());
  }

  /**
   * Batch-statistics forward; updates the running statistics in {@code buffers} unless null.
   * Computed in one host pass (statistics accumulated in double): a dozen narrow ND4J ops per
   * layer cost more in calls than in arithmetic.
   */
  private INDArray forwardWithBatchStatistics(ParameterSet p, ParameterSet buffers, INDArray h,
      Cache cache) {
    int n = (int) h.rows();
    int w = (int) h.columns();
    float[] x = HostArrays.floats(h);
    double[] mean = new double[w];
    double[] var = new double[w];
    for (int b = 0; b < n; b++) {
      for (int j = 0; j < w; j++) {
        mean[j] += x[b * w + j];
      }
    }
    for (int j = 0; j < w; j++) {
      mean[j] /= n;
    }
    for (int b = 0; b < n; b++) {
      for (int j = 0; j < w; j++) {
        double d = x[b * w + j] - mean[j];
        var[j] += d * d;
      }
    }
    float[] invStd = new float[w];
    for (int j = 0; j < w; j++) {
      var[j] /= n;
      invStd[j] = (float) (1 / Math.sqrt(var[j] + EPS));
    }
    float[] g = HostArrays.floats(p.value(gamma));
    float[] bt = HostArrays.floats(p.value(beta));
    float[] xhat = new float[x.length];
    float[] out = new float[x.length];
    for (int b = 0; b < n; b++) {
      for (int j = 0; j < w; j++) {
        int i = b * w + j;
        xhat[i] = (float) ((x[i] - mean[j]) * invStd[j]);
        out[i] = xhat[i] * g[j] + bt[j];
      }
    }
    cache.normalized = xhat;
    cache.inverseStd = invStd;
    if (buffers != null) {
      float[] rm = HostArrays.floats(buffers.value(runningMean));
      float[] rv = HostArrays.floats(buffers.value(runningVar));
      double unbias = n > 1 ? (double) n / (n - 1) : 1.0;
      for (int j = 0; j < w; j++) {
        rm[j] = (float) (rm[j] * (1 - MOMENTUM) + mean[j] * MOMENTUM);
        rv[j] = (float) (rv[j] * (1 - MOMENTUM) + var[j] * MOMENTUM * unbias);
      }
      HostArrays.copyInto(rm, buffers.value(runningMean));
      HostArrays.copyInto(rv, buffers.value(runningVar));
    }
    return HostArrays.matrix(out, n, w);
  }

  /**
   * The inference-mode forward (the running statistics) as {@code h * scale + shift} per
   * column: {@code {scale, shift}}, each [1, width], with {@code scale = gamma / sqrt(runningVar + eps)} and
   * {@code shift = beta - runningMean * scale}.
   */
  INDArray[] inferenceAffine(ParameterSet p, ParameterSet buffers) {
    INDArray invStd = Transforms.pow(buffers.value(runningVar).add(EPS), -0.5, false);
    INDArray scale = invStd.muli(p.value(gamma));
    INDArray shift = p.value(beta).sub(buffers.value(runningMean).mul(scale));
    return new INDArray[] {scale, shift};
  }

  /** Accumulates dγ, dβ and returns dL/dh (one host pass, as the forward). */
  public INDArray backward(ParameterSet p, INDArray dy, Cache cache) {
    int n = (int) dy.rows();
    int w = (int) dy.columns();
    float[] d = HostArrays.floats(dy);
    float[] xhat = cache.normalized;
    float[] g = HostArrays.floats(p.value(gamma));
    double[] dGamma = new double[w];
    double[] dBeta = new double[w];
    for (int b = 0; b < n; b++) {
      for (int j = 0; j < w; j++) {
        int i = b * w + j;
        dGamma[j] += d[i] * xhat[i];
        dBeta[j] += d[i];
      }
    }
    // dxhat = dy * gamma, so sum(dxhat) = gamma * dBeta and sum(dxhat * xhat) = gamma * dGamma;
    // dh = invStd / n * (n * dxhat - sum(dxhat) - xhat * sum(dxhat * xhat))
    float[] dh = new float[d.length];
    for (int b = 0; b < n; b++) {
      for (int j = 0; j < w; j++) {
        int i = b * w + j;
        double dxhat = (double) d[i] * g[j];
        dh[i] = (float) ((n * dxhat - g[j] * dBeta[j] - xhat[i] * g[j] * dGamma[j])
            * cache.inverseStd[j] / n);
      }
    }
    float[] dg = new float[w];
    float[] db = new float[w];
    for (int j = 0; j < w; j++) {
      dg[j] = (float) dGamma[j];
      db[j] = (float) dBeta[j];
    }
    p.gradient(gamma).addi(HostArrays.matrix(dg, 1, w));
    p.gradient(beta).addi(HostArrays.matrix(db, 1, w));
    return HostArrays.matrix(dh, n, w);
  }
}
