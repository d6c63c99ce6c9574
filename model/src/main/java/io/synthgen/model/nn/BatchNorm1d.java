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
    INDArray normalized;
    INDArray inverseStd;
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

  /** Batch-statistics forward; updates the running statistics in {@code buffers} unless null. */
  private INDArray forwardWithBatchStatistics(ParameterSet p, ParameterSet buffers, INDArray h,
      Cache cache) {
    long n = h.rows();
    INDArray mean = h.mean(true, 0);
    INDArray centered = h.subRowVector(mean);
    INDArray var = centered.mul(centered).mean(true, 0);
    INDArray invStd = Transforms.pow(var.add(EPS), -0.5, false);
    INDArray xhat = centered.muliRowVector(invStd);
    cache.normalized = xhat;
    cache.inverseStd = invStd;
    if (buffers != null) {
      buffers.value(runningMean).muli(1 - MOMENTUM).addi(mean.mul(MOMENTUM));
      double unbias = n > 1 ? (double) n / (n - 1) : 1.0;
      buffers.value(runningVar).muli(1 - MOMENTUM).addi(var.mul(MOMENTUM * unbias));
    }
    return xhat.mulRowVector(p.value(gamma)).addiRowVector(p.value(beta));
  }

  /** Inference-mode forward with the running statistics. */
  public INDArray forwardInference(ParameterSet p, ParameterSet buffers, INDArray h) {
    INDArray invStd = Transforms.pow(buffers.value(runningVar).add(EPS), -0.5, false);
    INDArray scale = invStd.muli(p.value(gamma));
    INDArray shift = p.value(beta).sub(buffers.value(runningMean).mul(scale));
    return h.mulRowVector(scale).addiRowVector(shift);
  }

  /** Accumulates dγ, dβ and returns dL/dh. */
  public INDArray backward(ParameterSet p, INDArray dy, Cache cache) {
    long n = dy.rows();
    INDArray xhat = cache.normalized;
    p.gradient(gamma).addi(dy.mul(xhat).sum(true, 0));
    p.gradient(beta).addi(dy.sum(true, 0));
    INDArray dxhat = dy.mulRowVector(p.value(gamma));
    INDArray sumDxhat = dxhat.sum(true, 0);
    INDArray sumDxhatXhat = dxhat.mul(xhat).sum(true, 0);
    // dh = invStd / n * (n * dxhat - sum(dxhat) - xhat * sum(dxhat * xhat))
    INDArray dh = dxhat.muli(n).subiRowVector(sumDxhat).subi(xhat.mulRowVector(sumDxhatXhat));
    return dh.muliRowVector(cache.inverseStd.div(n));
  }

}
