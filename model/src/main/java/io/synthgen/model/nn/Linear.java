package io.synthgen.model.nn;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A fully connected layer {@code y = x W + b}, with W of shape [in, out] in a {@link ParameterSet}. */
public final class Linear {
  private final String weight;
  private final String bias;
  private final int in;
  private final int out;

  public Linear(ParameterSet.Builder params, String name, int in, int out) {
    this.weight = name + ".W";
    this.bias = name + ".b";
    this.in = in;
    this.out = out;
    params.add(weight, in, out).add(bias, 1, out);
  }

  public int in() {
    return in;
  }

  public int out() {
    return out;
  }

  /** PyTorch's default: W and b uniform in ±1/sqrt(in). */
  public void initialize(ParameterSet p, SplittableRandom rng) {
    double bound = 1.0 / Math.sqrt(in);
    fillUniform(p.value(weight), bound, rng);
    fillUniform(p.value(bias), bound, rng);
  }

  static void fillUniform(INDArray target, double bound, SplittableRandom rng) {
    float[] v = new float[(int) target.length()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
    }
    target.assign(Nd4j.createFromArray(v).reshape(target.shape()));
  }

  public INDArray forward(ParameterSet p, INDArray x) {
    return x.mmul(p.value(weight)).addiRowVector(p.value(bias));
  }

  /**
   * Accumulates dW and db from the upstream gradient {@code dy} (when {@code accumulate}) and
   * returns dL/dx (or null when {@code needInputGradient} is false).
   */
  public INDArray backward(ParameterSet p, INDArray x, INDArray dy, boolean accumulate,
      boolean needInputGradient) {
    if (accumulate) {
      Nd4j.gemm(x, dy, p.gradient(weight), true, false, 1.0, 1.0);
      p.gradient(bias).addi(dy.sum(true, 0));
    }
    return needInputGradient ? dy.mmul(p.value(weight).transpose()) : null;
  }

  String weightName() {
    return weight;
  }

  String biasName() {
    return bias;
  }
}
