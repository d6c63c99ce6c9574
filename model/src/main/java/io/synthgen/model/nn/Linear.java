package io.synthgen.model.nn;

import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

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

  /**
   * {@code x W + b} as a new row-major array. The product goes straight into it through
   * {@link Nd4j#gemm}: {@code INDArray.mmul} computes into a column-major array and then copies
   * it to row-major order, which cost about 40% of the product's own time.
   */
  public INDArray forward(ParameterSet p, INDArray x) {
    INDArray y = Nd4j.createUninitialized(x.dataType(), x.rows(), out);
    Nd4j.gemm(x, p.value(weight), y, false, false, 1.0, 0.0);
    return y.addiRowVector(p.value(bias));
  }

  /**
   * {@code [x_0, x_1, ...] W + b} for blocks of columns {@code x_j} side by side, without
   * concatenating them: one product per block with its rows of {@code w}, summed in place.
   * {@code w} ([sum of the blocks' widths, out]) and {@code b} ([1, out]) are given, so a caller
   * may pass weights folded with what follows the layer.
   */
  static INDArray forwardBlocks(List<INDArray> blocks, INDArray weights, INDArray b) {
    // a row interval of a view (a parameter block of the flat vector) can come back empty from
    // ND4J at some offsets; the weights are small, so slice a copy of them
    INDArray w = weights.isView() ? weights.dup('c') : weights;
    INDArray first = blocks.get(0);
    INDArray y = Nd4j.createUninitialized(first.dataType(), first.rows(), w.columns());
    long row = 0;
    for (int j = 0; j < blocks.size(); j++) {
      INDArray x = blocks.get(j);
      INDArray rows = w.get(NDArrayIndex.interval(row, row + x.columns()), NDArrayIndex.all());
      Nd4j.gemm(x, rows, y, false, false, 1.0, j == 0 ? 0.0 : 1.0);
      row += x.columns();
    }
    if (row != w.rows()) {
      throw new IllegalArgumentException("blocks " + row + " columns wide for weights of "
          + w.rows() + " rows");
    }
    return y.addiRowVector(b);
  }

  /** This layer's weights W ([in, out]) in {@code p}. */
  INDArray weights(ParameterSet p) {
    return p.value(weight);
  }

  /** This layer's bias b ([1, out]) in {@code p}. */
  INDArray bias(ParameterSet p) {
    return p.value(bias);
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
