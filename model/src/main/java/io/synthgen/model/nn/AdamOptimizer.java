package io.synthgen.model.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Adam (Kingma and Ba, ICLR 2015) over a whole {@link ParameterSet}, with PyTorch's semantics:
 * weight decay is added to the gradient (L2, not decoupled), eps 1e-8 added after the bias-corrected
 * square root. The moment vectors are exposed so data-parallel training can average them.
 */
public final class AdamOptimizer {
  private final double learningRate;
  private final double beta1;
  private final double beta2;
  private final double weightDecay;
  private final double eps;
  private final INDArray firstMoment;
  private final INDArray secondMoment;

  public AdamOptimizer(long size, double learningRate, double beta1, double beta2,
      double weightDecay) {
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.weightDecay = weightDecay;
    this.eps = 1e-8;
    this.firstMoment = Nd4j.zeros(DataType.FLOAT, size);
    this.secondMoment = Nd4j.zeros(DataType.FLOAT, size);
  }

  /**
   * Applies one update to {@code params} from its accumulated gradients; {@code step} is the
   * 1-based update count (shared by all workers, so bias correction agrees after averaging).
   */
  public void update(ParameterSet params, long step) {
    INDArray theta = params.flatValues();
    INDArray g = params.flatGradients();
    if (weightDecay != 0) {
      Nd4j.getBlasWrapper().level1().axpy(g.length(), weightDecay, theta, g);
    }
    // One fused native pass (libnd4j's adam_updater) instead of a dozen element-wise ops with
    // temporaries: it updates both moments and writes lr * sqrt(bc2) / bc1 * m / (sqrt(v) + e)
    // into g; with e = eps * sqrt(bc2) that is PyTorch's lr / bc1 * m / (sqrt(v / bc2) + eps).
    double bc2 = 1 - Math.pow(beta2, step);
    Nd4j.exec(new AdamUpdater(g, secondMoment, firstMoment, learningRate, beta1, beta2,
        eps * Math.sqrt(bc2), (int) (step - 1)));
    if (learningRate != 0) {
      // (at rate 0 the op falls back to a step of size eps: the parameters must stay)
      theta.subi(g);
    }
  }

  public INDArray firstMoment() {
    return firstMoment;
  }

  public INDArray secondMoment() {
    return secondMoment;
  }

  /** Overwrites both moment vectors. */
  public void load(float[] first, float[] second) {
    HostArrays.copyInto(first, firstMoment);
    HostArrays.copyInto(second, secondMoment);
  }
}
