package io.synthgen.model.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A Wasserstein critic over packs of samples, as in CTGAN: {@code pac} rows are concatenated into
 * one input (PacGAN, Lin et al., NeurIPS 2018), then blocks of Linear, LeakyReLU(0.2) and
 * Dropout, and a linear score. Trained with the WGAN-GP loss (Gulrajani et al., "Improved Training
 * of Wasserstein GANs", NeurIPS 2017).
 *
 * @implNote The gradient penalty needs the gradient of an input gradient. Instead of a
 *     double-backprop engine, the input gradient of this piecewise-linear network is written out
 *     in closed form (a chain of matrix products with fixed LeakyReLU slopes and dropout masks), and
 *     its parameter gradient is derived by hand. Tests check both against finite differences.
 */
public final class PacCritic {
  private static final double SLOPE = 0.2;
  private final int pac;
  private final int sampleWidth;
  private final double dropout;
  private final List<Linear> hidden = new ArrayList<>();
  private final Linear score;
  private final ParameterSet params;

  public PacCritic(int sampleWidth, int pac, int[] hiddenWidths, double dropout) {
    this.pac = pac;
    this.sampleWidth = sampleWidth;
    this.dropout = dropout;
    ParameterSet.Builder p = ParameterSet.builder();
    int width = sampleWidth * pac;
    for (int i = 0; i < hiddenWidths.length; i++) {
      hidden.add(new Linear(p, "hidden" + i, width, hiddenWidths[i]));
      width = hiddenWidths[i];
    }
    score = new Linear(p, "score", width, 1);
    params = p.build();
  }

  public void initialize(SplittableRandom rng) {
    for (Linear l : hidden) {
      l.initialize(params, rng);
    }
    score.initialize(params, rng);
  }

  public ParameterSet parameters() {
    return params;
  }

  public int pac() {
    return pac;
  }

  /** Reshapes [batch, width] samples into [batch / pac, pac * width] packs. */
  public INDArray pack(INDArray samples) {
    if (samples.rows() % pac != 0) {
      throw new IllegalArgumentException("batch " + samples.rows() + " is not a multiple of pac " + pac);
    }
    return samples.dup('c').reshape('c', samples.rows() / pac, (long) pac * sampleWidth);
  }

  /** Forward state of one pass, with its dropout masks (null masks = inference, no dropout). */
  public final class Pass {
    final INDArray input;
    final List<INDArray> preActivations = new ArrayList<>();
    final List<INDArray> masks = new ArrayList<>();
    final List<INDArray> outputs = new ArrayList<>();

    Pass(INDArray input) {
      this.input = input;
    }
  }

  /** Draws dropout masks (scaled by 1/(1-p)) for a batch of {@code packs} from {@code rng}. */
  public List<INDArray> drawMasks(long packs, Random rng) {
    List<INDArray> masks = new ArrayList<>();
    for (Linear l : hidden) {
      if (dropout <= 0) {
        masks.add(null);
      } else {
        INDArray u = Nd4j.rand(rng, packs, l.out()).castTo(DataType.FLOAT);
        masks.add(u.gte(dropout).castTo(DataType.FLOAT).muli(1.0 / (1.0 - dropout)));
      }
    }
    return masks;
  }

  /** Scores packed input [packs, pac*width] with the given dropout masks; returns [packs, 1]. */
  public INDArray forward(INDArray packed, List<INDArray> masks, Pass[] passOut) {
    Pass pass = new Pass(packed);
    INDArray h = packed;
    for (int i = 0; i < hidden.size(); i++) {
      INDArray pre = hidden.get(i).forward(params, h);
      INDArray a = Activations.leakyRelu(pre, SLOPE, true);
      if (masks.get(i) != null) {
        a.muli(masks.get(i));
      }
      pass.preActivations.add(pre);
      pass.masks.add(masks.get(i));
      pass.outputs.add(a);
      h = a;
    }
    if (passOut != null) {
      passOut[0] = pass;
    }
    return score.forward(params, h);
  }

  private INDArray slopeMask(INDArray pre) {
    return pre.gt(0).castTo(DataType.FLOAT).muli(1 - SLOPE).addi(SLOPE);
  }

  /** d(output_i)/d(pre_i) of hidden layer {@code i} in {@code pass}: slopes times dropout mask. */
  private INDArray localSlopes(Pass pass, int i) {
    INDArray local = slopeMask(pass.preActivations.get(i));
    if (pass.masks.get(i) != null) {
      local.muli(pass.masks.get(i));
    }
    return local;
  }

  /**
   * The closed-form input gradient of a pass, each pack's score seeded with 1: per hidden layer
   * its local slopes and {@code q_i}, and the gradient {@code g} [packs, pac*width].
   */
  private record InputGradient(INDArray[] local, INDArray[] q, INDArray g) {}

  /**
   * Forward chain of the input gradient: {@code v_L = W_score^T} broadcast, {@code q_i = v_i *
   * local_i}, {@code v_{i-1} = q_i W_i^T}; {@code g = q_0 W_0^T}.
   */
  private InputGradient inputGradient(Pass pass, long packs) {
    int layers = hidden.size();
    INDArray[] local = new INDArray[layers];
    INDArray[] q = new INDArray[layers];
    INDArray wScore = params.value(score.weightName()); // [h, 1]
    INDArray v = Nd4j.ones(DataType.FLOAT, packs, 1).mmul(wScore.transpose());
    for (int i = layers - 1; i >= 0; i--) {
      local[i] = localSlopes(pass, i);
      q[i] = v.mul(local[i]);
      v = q[i].mmul(params.value(hidden.get(i).weightName()).transpose());
    }
    return new InputGradient(local, q, v);
  }

  /**
   * Back-propagates dL/dscore through the pass; accumulates parameter gradients when
   * {@code accumulate}, returns dL/dinput (packed shape) when {@code needInputGradient}.
   */
  public INDArray backward(Pass pass, INDArray dScore, boolean accumulate, boolean needInputGradient) {
    int last = hidden.size() - 1;
    INDArray top = last >= 0 ? pass.outputs.get(last) : pass.input;
    INDArray d = score.backward(params, top, dScore, accumulate, needInputGradient || last >= 0);
    for (int i = last; i >= 0; i--) {
      d.muli(localSlopes(pass, i));
      INDArray in = i == 0 ? pass.input : pass.outputs.get(i - 1);
      d = hidden.get(i).backward(params, in, d, accumulate, needInputGradient || i > 0);
    }
    return d;
  }

  /**
   * WGAN-GP penalty {@code lambda * mean((||dD/dx(xhat)||_2 - 1)^2)} over packs of {@code packed}
   * (interpolated samples); accumulates its parameter gradient and returns the penalty.
   */
  public double gradientPenalty(INDArray packed, List<INDArray> masks, double lambda) {
    Pass[] holder = new Pass[1];
    forward(packed, masks, holder);
    long packs = packed.rows();
    int layers = hidden.size();
    InputGradient chain = inputGradient(holder[0], packs);
    INDArray[] local = chain.local();
    INDArray[] q = chain.q();
    INDArray g = chain.g(); // [packs, pac*width]
    INDArray norms = Transforms.sqrt(g.mul(g).sum(true, 1), false); // [packs, 1]
    INDArray dev = norms.sub(1.0);
    double penalty = lambda * dev.mul(dev).meanNumber().doubleValue();
    // dGP/dg = lambda / packs * 2 (n - 1) / n * g
    INDArray coef = dev.mul(2.0 * lambda / packs).divi(norms.add(1e-12));
    INDArray dv = g.mulColumnVector(coef);
    for (int i = 0; i < layers; i++) {
      INDArray w = params.value(hidden.get(i).weightName());
      // v_{i-1} = q_i W_i^T  =>  dW_i += dv^T q_i ; dq_i = dv W_i
      Nd4j.gemm(dv, q[i], params.gradient(hidden.get(i).weightName()), true, false, 1.0, 1.0);
      INDArray dq = dv.mmul(w);
      dv = dq.muli(local[i]);
    }
    // v_L = 1 W_score^T  =>  dW_score += sum over packs of dv, transposed.
    params.gradient(score.weightName()).addi(dv.sum(true, 0).transpose());
    return penalty;
  }

  /**
   * DP-SGD's critic gradient (Abadi et al., "Deep Learning with Differential Privacy", CCS
   * 2016): for every pack {@code p} the gradient of its own loss {@code score(fake_p) - w_p
   * score(real_p) + w_p lambda (||dD/dx(interp_p)||_2 - 1)^2}, clipped to L2 norm {@code clip},
   * summed over packs into the parameters' gradients (added to what they hold). All inputs are
   * packed [packs, pac*width]; row {@code p} of {@code interp} interpolates rows {@code p} of
   * {@code real} and {@code fake}; {@code realWeight} [packs, 1] is 1 for a pack with real rows
   * and 0 for one without (its unit is the generated pack alone). The generated term is clipped
   * with the real ones so that the two sides of the Wasserstein loss keep their balance. Returns
   * the packs' unclipped gradient norms.
   *
   * @implNote Per-pack gradients are never materialized ("ghost clipping", Goodfellow 2015; Li et
   *     al., ICLR 2022). A dense layer's per-pack gradient is a sum of rank-1 terms, {@code in_p
   *     (x) d_p} for each score term's backward pass and {@code dv_p (x) q_p} for the penalty's
   *     (see {@link #gradientPenalty}), so its squared norm is {@code sum_{s,t} (a_s . a_t)(b_s .
   *     b_t)} over the pairs {@code a (x) b}, plus the bias's {@code |sum d|^2}. Every backward
   *     chain is linear in its per-pack seed, so scaling pack {@code p}'s seeds by {@code min(1,
   *     clip / norm_p)} scales its whole gradient: the clipped sum is accumulated in one pass with
   *     the scaled rows.
   */
  public INDArray clippedPackGradients(INDArray fake, List<INDArray> fakeMasks, INDArray real,
      List<INDArray> realMasks, INDArray interp, List<INDArray> interpMasks,
      INDArray realWeight, double lambda, double clip) {
    long packs = fake.rows();
    int layers = hidden.size();
    ScoreTerm fakeTerm = scoreTerm(fake, fakeMasks, Nd4j.ones(DataType.FLOAT, packs, 1));
    ScoreTerm realTerm = scoreTerm(real, realMasks, realWeight.neg());
    // Penalty term: its input-gradient chain (q_i), then per-pack seeds dv_i of each layer.
    Pass[] holder = new Pass[1];
    forward(interp, interpMasks, holder);
    InputGradient chain = inputGradient(holder[0], packs);
    INDArray[] local = chain.local();
    INDArray[] q = chain.q();
    INDArray v = chain.g();
    INDArray norms = Transforms.sqrt(v.mul(v).sum(true, 1), false);
    INDArray coef = norms.sub(1.0).muli(2.0 * lambda).divi(norms.add(1e-12)).muli(realWeight);
    INDArray[] dvs = new INDArray[layers + 1];
    INDArray dv = v.mulColumnVector(coef);
    for (int i = 0; i < layers; i++) {
      dvs[i] = dv;
      dv = dv.mmul(params.value(hidden.get(i).weightName())).muli(local[i]);
    }
    dvs[layers] = dv;
    // Squared per-pack norms, layer by layer: every pair of rank-1 terms.
    INDArray sq = Nd4j.zeros(DataType.FLOAT, packs, 1);
    for (int i = 0; i < layers; i++) {
      INDArray[] a = {fakeTerm.ins[i], realTerm.ins[i], dvs[i]};
      INDArray[] b = {fakeTerm.deltas[i], realTerm.deltas[i], q[i]};
      for (int s1 = 0; s1 < a.length; s1++) {
        for (int t = s1; t < a.length; t++) {
          INDArray term = rowDot(a[s1], a[t]).muli(rowDot(b[s1], b[t]));
          sq.addi(s1 == t ? term : term.muli(2.0));
        }
      }
      INDArray bias = fakeTerm.deltas[i].add(realTerm.deltas[i]);
      sq.addi(rowDot(bias, bias));
    }
    INDArray top = fakeTerm.ins[layers].mulColumnVector(fakeTerm.dScore)
        .addi(realTerm.ins[layers].mulColumnVector(realTerm.dScore)).addi(dvs[layers]);
    INDArray topBias = fakeTerm.dScore.add(realTerm.dScore);
    sq.addi(rowDot(top, top)).addi(topBias.mul(topBias));
    INDArray packNorms = Transforms.sqrt(sq, true);
    INDArray factor = Transforms.min(packNorms.add(1e-12).rdiv(clip), 1.0, false);
    // The clipped sum: every per-pack seed scaled by its factor.
    for (int i = 0; i < layers; i++) {
      String w = hidden.get(i).weightName();
      for (ScoreTerm term : List.of(fakeTerm, realTerm)) {
        INDArray scaled = term.deltas[i].mulColumnVector(factor);
        Nd4j.gemm(term.ins[i], scaled, params.gradient(w), true, false, 1.0, 1.0);
        params.gradient(hidden.get(i).biasName()).addi(scaled.sum(true, 0));
      }
      Nd4j.gemm(dvs[i].mulColumnVector(factor), q[i], params.gradient(w), true, false, 1.0, 1.0);
    }
    for (ScoreTerm term : List.of(fakeTerm, realTerm)) {
      INDArray scaledScore = term.dScore.mul(factor);
      Nd4j.gemm(term.ins[layers], scaledScore, params.gradient(score.weightName()), true, false,
          1.0, 1.0);
      params.gradient(score.biasName()).addi(scaledScore.sum(true, 0));
    }
    params.gradient(score.weightName()).addi(dvs[layers].mulColumnVector(factor).sum(true, 0)
        .transpose());
    return packNorms;
  }

  /** One score term of a per-pack loss: per layer its inputs and deltas, and its seed. */
  private record ScoreTerm(INDArray[] ins, INDArray[] deltas, INDArray dScore) {}

  /** Forward {@code x}, then the per-layer deltas of seed {@code dScore} (not accumulated). */
  private ScoreTerm scoreTerm(INDArray x, List<INDArray> masks, INDArray dScore) {
    int layers = hidden.size();
    Pass[] holder = new Pass[1];
    forward(x, masks, holder);
    Pass p = holder[0];
    INDArray[] ins = new INDArray[layers + 1];
    INDArray[] deltas = new INDArray[layers + 1];
    ins[layers] = layers > 0 ? p.outputs.get(layers - 1) : p.input;
    deltas[layers] = dScore;
    INDArray d = dScore.mmul(params.value(score.weightName()).transpose());
    for (int i = layers - 1; i >= 0; i--) {
      d.muli(localSlopes(p, i));
      deltas[i] = d;
      ins[i] = i == 0 ? p.input : p.outputs.get(i - 1);
      if (i > 0) {
        d = d.mmul(params.value(hidden.get(i).weightName()).transpose());
      }
    }
    return new ScoreTerm(ins, deltas, dScore);
  }

  private static INDArray rowDot(INDArray a, INDArray b) {
    return a.mul(b).sum(true, 1);
  }
}
