package io.synthgen.model.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

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
      g.addi(theta.mul(weightDecay));
    }
    firstMoment.muli(beta1).addi(g.mul(1 - beta1));
    secondMoment.muli(beta2).addi(g.mul(g).muli(1 - beta2));
    double bc1 = 1 - Math.pow(beta1, step);
    double bc2 = 1 - Math.pow(beta2, step);
    INDArray denom = Transforms.sqrt(secondMoment, true).divi(Math.sqrt(bc2)).addi(eps);
    theta.subi(firstMoment.div(denom).muli(learningRate / bc1));
  }

  public INDArray firstMoment() {
    return firstMoment;
  }

  public INDArray secondMoment() {
    return secondMoment;
  }

  /** Overwrites both moment vectors. */
  public void load(float[] first, float[] second) {
    firstMoment.assign(Nd4j.createFromArray(first));
    secondMoment.assign(Nd4j.createFromArray(second));
  }
}
