package io.synthgen.model.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A multilayer-perceptron classifier: blocks of Linear and LeakyReLU(0.2), then linear class
 * logits, trained with softmax cross-entropy. Used as the auxiliary classifier of the tabular
 * GAN (CTAB-GAN+, Zhao et al., "CTAB-GAN+: Enhancing Tabular Data Synthesis", Frontiers in Big
 * Data 2024): trained on real rows to predict the label from the other columns, and its loss on
 * generated rows is added to the generator's, so a generated row's features agree with its class.
 *
 * @implNote Unlike CTAB-GAN+'s classifier there is no dropout: its input gradient is part of the
 *     generator's, and dropout would add noise to it.
 */
public final class MlpClassifier {
  private static final double SLOPE = 0.2;
  private final List<Linear> hidden = new ArrayList<>();
  private final Linear logits;
  private final ParameterSet params;

  public MlpClassifier(int inputWidth, int[] hiddenWidths, int classes) {
    if (classes < 2) {
      throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
    }
    ParameterSet.Builder p = ParameterSet.builder();
    int width = inputWidth;
    for (int i = 0; i < hiddenWidths.length; i++) {
      hidden.add(new Linear(p, "hidden" + i, width, hiddenWidths[i]));
      width = hiddenWidths[i];
    }
    logits = new Linear(p, "logits", width, classes);
    params = p.build();
  }

  public void initialize(SplittableRandom rng) {
    for (Linear l : hidden) {
      l.initialize(params, rng);
    }
    logits.initialize(params, rng);
  }

  public ParameterSet parameters() {
    return params;
  }

  public int classes() {
    return logits.out();
  }

  /** Forward state of one pass: the input, the pre-activations and outputs of each block. */
  public static final class Pass {
    final INDArray input;
    final List<INDArray> preActivations = new ArrayList<>();
    final List<INDArray> outputs = new ArrayList<>();
    INDArray logits;

    Pass(INDArray input) {
      this.input = input;
    }

    /** Class logits [rows, classes]. */
    public INDArray logits() {
      return logits;
    }
  }

  /** Logits of {@code x} ([rows, inputWidth]); the pass keeps what {@link #backward} needs. */
  public Pass forward(INDArray x) {
    Pass pass = new Pass(x);
    INDArray h = x;
    for (Linear l : hidden) {
      INDArray pre = l.forward(params, h);
      INDArray a = Activations.leakyRelu(pre, SLOPE, true);
      pass.preActivations.add(pre);
      pass.outputs.add(a);
      h = a;
    }
    pass.logits = logits.forward(params, h);
    return pass;
  }

  /**
   * Logits of {@code x} without keeping anything for a backward pass: each activation is
   * computed in place.
   */
  public INDArray logits(INDArray x) {
    INDArray h = x;
    for (Linear l : hidden) {
      h = Activations.leakyRelu(l.forward(params, h), SLOPE, false);
    }
    return logits.forward(params, h);
  }

  /** Mean cross-entropy of logits against class indices, and its gradient dL/dlogits. */
  public record Loss(double value, INDArray gradient) {}

  /** Mean softmax cross-entropy of {@code pass}'s logits against {@code targets}. */
  public static Loss crossEntropy(Pass pass, int[] targets) {
    INDArray z = pass.logits;
    int rows = (int) z.rows();
    if (targets.length != rows) {
      throw new IllegalArgumentException(targets.length + " targets for " + rows + " rows");
    }
    INDArray shifted = z.subColumnVector(z.max(true, 1));
    INDArray p = Transforms.exp(shifted, true);
    INDArray logSum = Transforms.log(p.sum(true, 1), true);
    p.diviColumnVector(p.sum(true, 1));
    float[] prob = HostArrays.floats(p);
    float[] sh = HostArrays.floats(shifted);
    float[] ls = HostArrays.floats(logSum);
    int k = (int) z.columns();
    double loss = 0;
    for (int r = 0; r < rows; r++) {
      loss += ls[r] - sh[r * k + targets[r]];
      prob[r * k + targets[r]] -= 1f;
    }
    INDArray grad = HostArrays.matrix(prob, rows, k).divi(rows);
    return new Loss(loss / rows, grad);
  }

  /**
   * Back-propagates dL/dlogits through the pass; accumulates parameter gradients when
   * {@code accumulate}, returns dL/dinput when {@code needInputGradient} (else null).
   */
  public INDArray backward(Pass pass, INDArray dLogits, boolean accumulate,
      boolean needInputGradient) {
    int last = hidden.size() - 1;
    INDArray top = last >= 0 ? pass.outputs.get(last) : pass.input;
    INDArray d = logits.backward(params, top, dLogits, accumulate,
        needInputGradient || last >= 0);
    for (int i = last; i >= 0; i--) {
      INDArray pre = pass.preActivations.get(i);
      d.muli(pre.gt(0).castTo(DataType.FLOAT).muli(1 - SLOPE).addi(SLOPE));
      INDArray in = i == 0 ? pass.input : pass.outputs.get(i - 1);
      d = hidden.get(i).backward(params, in, d, accumulate, needInputGradient || i > 0);
    }
    return d;
  }
}
