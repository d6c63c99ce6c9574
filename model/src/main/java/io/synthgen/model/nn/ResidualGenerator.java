package io.synthgen.model.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * CTGAN's generator trunk (Xu et al., "Modeling Tabular Data using Conditional GAN", NeurIPS
 * 2019): residual blocks {@code x -> concat(ReLU(BatchNorm(Linear(x))), x)} followed by a linear
 * output layer that produces raw logits. Output activations belong to the caller.
 */
public final class ResidualGenerator {
  private final List<Linear> linears = new ArrayList<>();
  private final List<BatchNorm1d> norms = new ArrayList<>();
  private final Linear output;
  private final ParameterSet params;
  private final ParameterSet buffers;

  public ResidualGenerator(int inputWidth, int[] hiddenWidths, int outputWidth) {
    ParameterSet.Builder p = ParameterSet.builder();
    ParameterSet.Builder b = ParameterSet.builder();
    int width = inputWidth;
    for (int i = 0; i < hiddenWidths.length; i++) {
      linears.add(new Linear(p, "res" + i + ".fc", width, hiddenWidths[i]));
      norms.add(new BatchNorm1d(p, b, "res" + i + ".bn", hiddenWidths[i]));
      width += hiddenWidths[i];
    }
    output = new Linear(p, "out", width, outputWidth);
    params = p.build();
    buffers = b.build();
  }

  public void initialize(SplittableRandom rng) {
    for (int i = 0; i < linears.size(); i++) {
      linears.get(i).initialize(params, rng);
      norms.get(i).initialize(params, buffers);
    }
    output.initialize(params, rng);
  }

  public ParameterSet parameters() {
    return params;
  }

  /** Running statistics of the batch norms (not trained by gradient, but averaged). */
  public ParameterSet buffers() {
    return buffers;
  }

  /** Activations of a training forward pass, consumed by {@link #backward}. */
  public static final class Pass {
    private final List<INDArray> inputs = new ArrayList<>();
    private final List<INDArray> activations = new ArrayList<>();
    private final List<BatchNorm1d.Cache> caches = new ArrayList<>();
    private INDArray last;
  }

  /** Training-mode forward (batch statistics); returns logits [batch, outputWidth]. */
  public INDArray forwardTrain(INDArray x, Pass pass) {
    INDArray h = x;
    for (int i = 0; i < linears.size(); i++) {
      pass.inputs.add(h);
      BatchNorm1d.Cache cache = new BatchNorm1d.Cache();
      INDArray a = Transforms.relu(norms.get(i).forwardTrain(params, buffers,
          linears.get(i).forward(params, h), cache), false);
      pass.caches.add(cache);
      pass.activations.add(a);
      h = Nd4j.hstack(a, h);
    }
    pass.last = h;
    return output.forward(params, h);
  }

  /** Inference-mode forward (running statistics), batch norms folded into the layers. */
  public INDArray forwardInference(INDArray x) {
    return forwardFolded(x);
  }

  /**
   * Forward with each batch-norm layer normalizing by the statistics of this batch, as in
   * training, without touching the running statistics or keeping anything for a backward pass.
   */
  public INDArray forwardBatchStatistics(INDArray x) {
    INDArray h = x;
    for (int i = 0; i < linears.size(); i++) {
      INDArray z = linears.get(i).forward(params, h);
      INDArray a = Transforms.relu(norms.get(i).forwardBatch(params, z), false);
      h = Nd4j.hstack(a, h);
    }
    return output.forward(params, h);
  }

  /**
   * The inference forward with each batch norm folded into the linear layer before it
   * ({@code (hW + b) * scale + shift = h (W scale) + (b scale + shift)}), and each block's input
   * kept as separate column blocks ({@link Linear#forwardBlocks}) instead of concatenated: the
   * same function as the layer-by-layer pass, with no per-row pass for the batch norm and no
   * copies for the concatenations.
   */
  private INDArray forwardFolded(INDArray x) {
    List<INDArray> blocks = new ArrayList<>();
    blocks.add(x);
    for (int i = 0; i < linears.size(); i++) {
      Linear l = linears.get(i);
      INDArray[] affine = norms.get(i).inferenceAffine(params, buffers);
      INDArray w = l.weights(params).mulRowVector(affine[0]);
      INDArray b = l.bias(params).mul(affine[0]).addi(affine[1]);
      INDArray a = Transforms.relu(Linear.forwardBlocks(blocks, w, b), false);
      // newest block first, as concat(activation, input) lays them out
      blocks.add(0, a);
    }
    return Linear.forwardBlocks(blocks, output.weights(params), output.bias(params));
  }

  /** Accumulates parameter gradients from dL/dlogits. */
  public void backward(INDArray dLogits, Pass pass) {
    INDArray dh = output.backward(params, pass.last, dLogits, true, true);
    for (int i = linears.size() - 1; i >= 0; i--) {
      int w = linears.get(i).out();
      long total = dh.columns();
      INDArray da = dh.get(NDArrayIndex.all(), NDArrayIndex.interval(0, w)).dup();
      INDArray dPrev = dh.get(NDArrayIndex.all(), NDArrayIndex.interval(w, total)).dup();
      INDArray reluMask = pass.activations.get(i).gt(0).castTo(da.dataType());
      INDArray dNorm = norms.get(i).backward(params, da.muli(reluMask), pass.caches.get(i));
      boolean needInput = i > 0;
      INDArray dIn = linears.get(i).backward(params, pass.inputs.get(i), dNorm, true, needInput);
      if (needInput) {
        dh = dPrev.addi(dIn);
      }
    }
  }
}
