package io.synthgen.model.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Activation functions computed as fast as ND4J's CPU kernels allow. */
final class Activations {
  private Activations() {}

  /**
   * LeakyReLU with slope {@code slope} in (0, 1), as {@code max(x, slope * x)}: ND4J's own
   * LeakyReLU kernel branches on the sign of every element, which on rows of mixed signs costs
   * about five times the two branch-free element-wise operations used here.
   *
   * @param dup whether to leave {@code x} alone and return a new array (else {@code x} is
   *     overwritten and returned)
   */
  static INDArray leakyRelu(INDArray x, double slope, boolean dup) {
    if (!(slope > 0 && slope < 1)) {
      throw new IllegalArgumentException("LeakyReLU slope must be in (0, 1), got " + slope);
    }
    return Transforms.max(x, x.mul(slope), dup);
  }
}
