package io.synthgen.tabular.gan;

import io.synthgen.model.nn.HostArrays;
import io.synthgen.tabular.transform.TableTransformer;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The generator's output activation of CTGAN (Xu et al., NeurIPS 2019): tanh on each scalar
 * span, Gumbel-softmax (Jang et al., ICLR 2017) at temperature {@code gumbel-tau} on each one-hot
 * span (modes and categories); its backward pass with the conditional cross-entropy of the
 * conditioned spans; and the straight-through hardening of the one-hot spans.
 */
final class OutputActivation {
  private final TableTransformer transformer;
  private final double tau;
  private final int dataWidth;

  OutputActivation(TableTransformer transformer, double tau) {
    this.transformer = transformer;
    this.tau = tau;
    this.dataWidth = transformer.width();
  }

  /** Gumbel(0, 1) noise of one batch: {@code -log(-log(u + eps) + eps)}, {@code u} uniform. */
  INDArray gumbel(Random rng, int batch) {
    INDArray u = Nd4j.rand(rng, batch, dataWidth).castTo(DataType.FLOAT);
    // g = -log(-log(u + eps) + eps)
    INDArray inner = Transforms.log(u.addi(1e-10), false).negi().addi(1e-10);
    return Transforms.log(inner, false).negi();
  }

  /** Applies tanh / Gumbel-softmax per output span. */
  INDArray activate(INDArray logits, INDArray gumbel) {
    List<INDArray> parts = new ArrayList<>();
    for (TableTransformer.Span s : transformer.spans()) {
      INDArray view = logits.get(NDArrayIndex.all(), NDArrayIndex.interval(s.start(),
          s.start() + s.width()));
      if (s.tanh()) {
        parts.add(Transforms.tanh(view, true));
      } else {
        INDArray g = gumbel.get(NDArrayIndex.all(), NDArrayIndex.interval(s.start(),
            s.start() + s.width()));
        parts.add(softmaxRows(view.add(g).divi(tau)));
      }
    }
    return parts.size() == 1 ? parts.get(0) : Nd4j.hstack(parts.toArray(new INDArray[0]));
  }

  static INDArray softmaxRows(INDArray x) {
    INDArray e = Transforms.exp(x.subColumnVector(x.max(true, 1)), false);
    return e.diviColumnVector(e.sum(true, 1));
  }

  /**
   * Backward of {@link #activate} plus the conditional cross-entropy; returns dL/dlogits and
   * writes the cross-entropy value into {@code ceOut[0]}.
   */
  INDArray activationBackward(INDArray logits, INDArray activated, INDArray dAct,
      INDArray cond, double[] ceOut) {
    int batch = (int) logits.rows();
    List<INDArray> parts = new ArrayList<>();
    double ce = 0;
    for (TableTransformer.Span s : transformer.spans()) {
      INDArray y = activated.get(NDArrayIndex.all(), NDArrayIndex.interval(s.start(),
          s.start() + s.width()));
      INDArray d = dAct.get(NDArrayIndex.all(), NDArrayIndex.interval(s.start(),
          s.start() + s.width()));
      INDArray dl;
      if (s.tanh()) {
        dl = y.mul(y).rsubi(1.0).muli(d);
      } else {
        INDArray dy = d.mul(y);
        dl = dy.subi(y.mulColumnVector(dy.sum(true, 1))).divi(tau);
      }
      parts.add(dl);
    }
    INDArray dLogits = parts.size() == 1 ? parts.get(0).dup()
        : Nd4j.hstack(parts.toArray(new INDArray[0]));
    if (cond != null) {
      for (TableTransformer.DiscreteColumn dc : transformer.discreteColumns()) {
        INDArray l = logits.get(NDArrayIndex.all(), NDArrayIndex.interval(dc.dataOffset(),
            dc.dataOffset() + dc.width()));
        INDArray target = cond.get(NDArrayIndex.all(), NDArrayIndex.interval(dc.conditionOffset(),
            dc.conditionOffset() + dc.width()));
        INDArray rowMask = target.sum(true, 1);
        if (rowMask.sumNumber().doubleValue() == 0) {
          continue;
        }
        INDArray sm = softmaxRows(l.dup());
        ce -= Transforms.log(sm.add(1e-12), false).muli(target).sumNumber().doubleValue() / batch;
        INDArray grad = sm.mulColumnVector(rowMask).subi(target).divi(batch);
        dLogits.get(NDArrayIndex.all(), NDArrayIndex.interval(dc.dataOffset(),
            dc.dataOffset() + dc.width())).addi(grad);
      }
    }
    ceOut[0] = ce;
    return dLogits;
  }

  /**
   * A copy of activated rows with every one-hot span (modes, categories) set to the one-hot of
   * its largest entry; tanh scalars unchanged (straight-through Gumbel-softmax, Jang et al. 2017).
   */
  INDArray hardened(INDArray act) {
    int rows = (int) act.rows();
    float[] v = HostArrays.floats(act);
    for (TableTransformer.Span s : transformer.spans()) {
      if (s.tanh()) {
        continue;
      }
      for (int b = 0; b < rows; b++) {
        int base = b * dataWidth + s.start();
        int best = 0;
        for (int k = 1; k < s.width(); k++) {
          best = v[base + k] > v[base + best] ? k : best;
        }
        for (int k = 0; k < s.width(); k++) {
          v[base + k] = k == best ? 1f : 0f;
        }
      }
    }
    return HostArrays.matrix(v, rows, dataWidth);
  }

}
