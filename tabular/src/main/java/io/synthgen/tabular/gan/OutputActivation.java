package io.synthgen.tabular.gan;

import io.synthgen.model.nn.HostArrays;
import io.synthgen.tabular.transform.TableTransformer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
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
  private final TableTransformer.Span[] spans;
  private final int maxDiscreteWidth;

  OutputActivation(TableTransformer transformer, double tau) {
    this.transformer = transformer;
    this.tau = tau;
    this.dataWidth = transformer.width();
    this.spans = transformer.spans().toArray(new TableTransformer.Span[0]);
    this.maxDiscreteWidth = transformer.discreteColumns().stream()
        .mapToInt(TableTransformer.DiscreteColumn::width).max().orElse(0);
  }

  /** Gumbel(0, 1) noise of one batch: {@code -log(-log(u + eps) + eps)}, {@code u} uniform. */
  INDArray gumbel(Random rng, int batch) {
    INDArray u = Nd4j.rand(rng, batch, dataWidth).castTo(DataType.FLOAT);
    // g = -log(-log(u + eps) + eps)
    INDArray inner = Transforms.log(u.addi(1e-10), false).negi().addi(1e-10);
    return Transforms.log(inner, false).negi();
  }

  /**
   * Applies tanh / Gumbel-softmax per output span. One pass over a host copy of the batch: the
   * spans are many and narrow (a mode span per numeric column, a span per categorical one), and
   * ND4J ops per span cost more in calls than in arithmetic.
   */
  INDArray activate(INDArray logits, INDArray gumbel) {
    int rows = (int) logits.rows();
    float[] x = HostArrays.floats(logits);
    float[] g = HostArrays.floats(gumbel);
    float[] out = new float[x.length];
    for (int b = 0; b < rows; b++) {
      int base = b * dataWidth;
      for (TableTransformer.Span s : spans) {
        int o = base + s.start();
        if (s.tanh()) {
          for (int k = 0; k < s.width(); k++) {
            out[o + k] = (float) Math.tanh(x[o + k]);
          }
        } else {
          for (int k = 0; k < s.width(); k++) {
            out[o + k] = (float) ((x[o + k] + g[o + k]) / tau);
          }
          softmaxInPlace(out, o, s.width());
        }
      }
    }
    return HostArrays.matrix(out, rows, dataWidth);
  }

  /** Softmax of {@code v[from, from + width)} in place (shifted by the span's largest value). */
  private static void softmaxInPlace(float[] v, int from, int width) {
    float max = Float.NEGATIVE_INFINITY;
    for (int k = 0; k < width; k++) {
      max = Math.max(max, v[from + k]);
    }
    double sum = 0;
    for (int k = 0; k < width; k++) {
      double e = Math.exp(v[from + k] - max);
      v[from + k] = (float) e;
      sum += e;
    }
    for (int k = 0; k < width; k++) {
      v[from + k] = (float) (v[from + k] / sum);
    }
  }

  /**
   * Backward of {@link #activate} plus the conditional cross-entropy of the conditioned
   * categorical spans (mean over the batch, on the logits without Gumbel noise); returns
   * dL/dlogits and writes the cross-entropy value into {@code ceOut[0]}.
   */
  INDArray activationBackward(INDArray logits, INDArray activated, INDArray dAct,
      INDArray cond, double[] ceOut) {
    int rows = (int) logits.rows();
    float[] y = HostArrays.floats(activated);
    float[] d = HostArrays.floats(dAct);
    float[] out = new float[y.length];
    for (int b = 0; b < rows; b++) {
      int base = b * dataWidth;
      for (TableTransformer.Span s : spans) {
        int o = base + s.start();
        if (s.tanh()) {
          for (int k = 0; k < s.width(); k++) {
            out[o + k] = (1 - y[o + k] * y[o + k]) * d[o + k];
          }
        } else {
          double dot = 0;
          for (int k = 0; k < s.width(); k++) {
            dot += d[o + k] * y[o + k];
          }
          for (int k = 0; k < s.width(); k++) {
            out[o + k] = (float) (y[o + k] * (d[o + k] - dot) / tau);
          }
        }
      }
    }
    double ce = 0;
    if (cond != null) {
      float[] x = HostArrays.floats(logits);
      float[] target = HostArrays.floats(cond);
      int condWidth = (int) cond.columns();
      float[] sm = new float[maxDiscreteWidth];
      for (int b = 0; b < rows; b++) {
        for (TableTransformer.DiscreteColumn dc : transformer.discreteColumns()) {
          int t = b * condWidth + dc.conditionOffset();
          int hot = -1;
          for (int k = 0; k < dc.width(); k++) {
            hot = target[t + k] != 0 ? k : hot;
          }
          if (hot < 0) {
            continue;
          }
          int o = b * dataWidth + dc.dataOffset();
          System.arraycopy(x, o, sm, 0, dc.width());
          softmaxInPlace(sm, 0, dc.width());
          ce -= Math.log(sm[hot] + 1e-12) / rows;
          for (int k = 0; k < dc.width(); k++) {
            out[o + k] += (sm[k] - (k == hot ? 1f : 0f)) / rows;
          }
        }
      }
    }
    ceOut[0] = ce;
    return HostArrays.matrix(out, rows, dataWidth);
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
