package io.synthgen.image;

import io.synthgen.model.Seeds;
import io.synthgen.model.train.LocalTrainer;
import io.synthgen.model.train.TrainingState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One worker's DCGAN training (Radford et al. 2016) on its partition of digit images: k
 * discriminator updates (each on a fresh real and a fresh generated batch, kept in separate
 * batches so batch normalization never mixes them) then one generator update through the
 * discriminator. Parameters and optimizer state of both networks travel in the
 * {@link TrainingState} as flat vectors, so the driver averages them like any other model.
 *
 * <p>Losses, from the discriminator's logit {@code l}: non-saturating and minimax share the
 * discriminator's binary cross-entropy; the generator minimizes {@code -log D(G(z))}
 * (non-saturating) or {@code log(1 - D(G(z)))} (minimax, Goodfellow et al. 2014); Wasserstein
 * (Arjovsky et al. 2017) uses the critic score directly and clips the critic's weights after every
 * update. Optional instance noise (Sønderby et al. 2017; Arjovsky and Bottou 2017) adds Gaussian
 * noise to every image the discriminator sees, its std decaying linearly to zero at
 * {@code totalSteps}. Optionally the worker keeps an exponential moving average of the
 * generator's weights (Yazici et al., "The Unusual Effectiveness of Averaging in GAN Training",
 * ICLR 2019), averaged across workers like everything else, which generation then samples from.
 *
 * <p>Metrics per step: {@code d_loss}, {@code g_loss}, and the discriminator's accuracy on real
 * and on generated images ({@code d_real_acc}, {@code d_fake_acc}): logit above 0 (probability
 * 0.5) counts as "real"; for the Wasserstein critic, which has no probability, a score above the
 * midpoint of the batch means of real and generated scores counts as "real".
 *
 * @implNote The networks are DL4J layers driven by hand ({@code backpropGradient} with an explicit
 *     dLoss/dlogit per example, then each network's own updater), because DL4J's fit loop trains
 *     one supervised network. The per-example gradients are not divided by the batch size: DL4J's
 *     updater does that (its minibatch division), as for its own loss functions.
 */
public final class DcganTrainer implements LocalTrainer<DigitImages> {
  private static final long serialVersionUID = 1L;
  public static final String[] METRICS = {"d_loss", "g_loss", "d_real_acc", "d_fake_acc"};

  /** Images the discriminator judges (after instance noise) and their labels (or null). */
  record Batch(INDArray images, int[] labels) {}

  private final DcganConfig config;
  private final long totalSteps;

  /** {@code totalSteps}: generator steps of the whole run, for the instance-noise schedule. */
  public DcganTrainer(DcganConfig config, long totalSteps) {
    this.config = config;
    this.totalSteps = Math.max(1, totalSteps);
  }

  @Override
  public java.util.Set<String> parameterTensors() {
    return java.util.Set.of(DcganTensors.GENERATOR, DcganTensors.DISCRIMINATOR);
  }

  @Override
  public String[] metricNames() {
    return METRICS.clone();
  }

  /** Freshly initialized networks (from {@code seed}) and zero optimizer state. */
  public TrainingState initialState(long seed) {
    MultiLayerNetwork g = DcganNetworks.generator(config, Seeds.derive(seed, Seeds.INIT, 0));
    MultiLayerNetwork d = DcganNetworks.discriminator(config, Seeds.derive(seed, Seeds.INIT, 1));
    Map<String, float[]> t = tensorsOf(g, d);
    if (config.generatorEma > 0) {
      t.put(DcganTensors.GENERATOR_EMA, t.get(DcganTensors.GENERATOR).clone());
    }
    return TrainingState.of(t, 0);
  }

  /** The generator weights to sample with: the moving average when trained with one. */
  public static float[] samplingWeights(Map<String, float[]> tensors) {
    float[] ema = tensors.get(DcganTensors.GENERATOR_EMA);
    return ema != null ? ema : tensors.get(DcganTensors.GENERATOR);
  }

  static Map<String, float[]> tensorsOf(MultiLayerNetwork g, MultiLayerNetwork d) {
    Map<String, float[]> t = new LinkedHashMap<>();
    t.put(DcganTensors.GENERATOR, g.params().toFloatVector());
    t.put(DcganTensors.GENERATOR_UPDATER, g.getUpdater().getStateViewArray().toFloatVector());
    t.put(DcganTensors.DISCRIMINATOR, d.params().toFloatVector());
    t.put(DcganTensors.DISCRIMINATOR_UPDATER, d.getUpdater().getStateViewArray().toFloatVector());
    return t;
  }

  static void load(MultiLayerNetwork net, float[] params, float[] updater) {
    loadParameters(net, params);
    if (updater != null && updater.length > 0) {
      net.getUpdater().getStateViewArray().assign(Nd4j.createFromArray(updater));
    }
  }

  /**
   * Copies {@code params} into {@code net}; refuses a vector of another length (weights of another
   * architecture, which {@code assign} would otherwise broadcast or truncate silently).
   */
  static void loadParameters(MultiLayerNetwork net, float[] params) {
    if (params.length != net.numParams()) {
      throw new IllegalArgumentException("the model's weights have " + params.length
          + " values, but the network its options describe has " + net.numParams()
          + ": the bundle's options do not match its weights");
    }
    net.params().assign(Nd4j.createFromArray(params));
  }

  @Override
  public TrainingState train(TrainingState start, DigitImages part, int steps, long seed) {
    if (config.conditional) {
      part.requireLabels("the training partition");
    }
    MultiLayerNetwork g = DcganNetworks.generator(config, 0);
    MultiLayerNetwork d = DcganNetworks.discriminator(config, 0);
    load(g, start.tensor(DcganTensors.GENERATOR), start.tensor(DcganTensors.GENERATOR_UPDATER));
    load(d, start.tensor(DcganTensors.DISCRIMINATOR), start.tensor(DcganTensors.DISCRIMINATOR_UPDATER));
    Step step = new Step(g, d, part, new Random(seed));
    INDArray ema = config.generatorEma > 0
        ? Nd4j.createFromArray(start.tensor(DcganTensors.GENERATOR_EMA)) : null;
    double[] sums = new double[METRICS.length];
    for (int s = 0; s < steps; s++) {
      double[] m = step.run(start.step() + s);
      if (ema != null) {
        double decay = emaDecay(config.generatorEma, start.step() + s + 1);
        ema.muli(decay).addi(g.params().reshape(ema.shape()).mul(1 - decay));
      }
      for (int i = 0; i < sums.length; i++) {
        sums[i] += m[i];
      }
    }
    long realImages = (long) steps * config.discriminatorSteps * config.batchSize;
    Map<String, float[]> tensors = tensorsOf(g, d);
    if (ema != null) {
      tensors.put(DcganTensors.GENERATOR_EMA, ema.toFloatVector());
    }
    return new TrainingState(tensors, start.step() + steps, sums, steps, realImages, 1);
  }

  /**
   * The moving average's decay after {@code updates} generator updates: {@code min(decay,
   * (1 + updates) / (10 + updates))}, so the average forgets the first weights instead of keeping
   * {@code decay^updates} of them (TensorFlow's {@code ExponentialMovingAverage} with
   * {@code num_updates}).
   */
  static double emaDecay(double decay, long updates) {
    return Math.min(decay, (1.0 + updates) / (10.0 + updates));
  }

  /** A worker's step machinery over the given networks (for tests: fixed-batch updates). */
  Step stepper(MultiLayerNetwork g, MultiLayerNetwork d, DigitImages data, Random rng) {
    return new Step(g, d, data, rng);
  }

  /** The networks of one worker, their data and random stream. */
  final class Step {
    private final MultiLayerNetwork g;
    private final MultiLayerNetwork d;
    private final DigitImages data;
    private final Random rng;
    private final LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
    private final int b = config.batchSize;
    private INDArray lastFake;
    private int[] lastLabels;
    private int[] lastFakeLabels;

    Step(MultiLayerNetwork g, MultiLayerNetwork d, DigitImages data, Random rng) {
      this.g = g;
      this.d = d;
      this.data = data;
      this.rng = rng;
    }

    /** One generator step with its k discriminator steps; returns the step's metrics. */
    double[] run(long t) {
      double noise = config.instanceNoise * Math.max(0, 1 - (double) t / totalSteps);
      int k = config.discriminatorSteps;
      double dLoss = 0;
      double realAcc = 0;
      double fakeAcc = 0;
      for (int j = 0; j < k; j++) {
        int[] idx = new int[b];
        for (int i = 0; i < b; i++) {
          idx[i] = rng.nextInt(data.count());
        }
        int[] realLabels = data.labelled() ? DcganMath.pick(data.labels(), idx) : null;
        Batch real = new Batch(discriminatorInput(realImages(idx), noise), realLabels);
        int[] fakeLabels = config.conditional ? DcganMath.pick(data.labels(), randomIndices()) : null;
        INDArray generated;
        if (j == k - 1) {
          // the last batch keeps G's activations: the generator step reuses it
          g.setInput(generatorInput(fakeLabels));
          List<INDArray> acts = g.feedForward(true, false);
          generated = acts.get(acts.size() - 1);
          lastFakeLabels = fakeLabels;
          lastFake = generated;
        } else {
          generated = g.output(generatorInput(fakeLabels), true);
        }
        Batch fake = new Batch(discriminatorInput(generated, noise), fakeLabels);
        double[] m = discriminatorStep(real, fake, (int) (t * k + j));
        dLoss += m[0];
        realAcc += m[1];
        fakeAcc += m[2];
      }
      double gLoss = generatorStep(t, noise);
      return new double[] {dLoss / k, gLoss, realAcc / k, fakeAcc / k};
    }

    /**
     * One discriminator update on a real and a generated batch (discriminator inputs, kept in
     * separate batches for batch normalization); returns loss, real and fake accuracy before it.
     */
    double[] discriminatorStep(Batch real, Batch fake, int iteration) {
      float[] lr = logits(real);
      double[] lossR = new double[1];
      backprop(realGradient(lr, lossR));
      INDArray sumGrad = d.getFlattenedGradients().dup();
      float[] lf = logits(fake);
      double[] lossF = new double[1];
      Gradient gf = backprop(fakeGradient(lf, lossF));
      d.getFlattenedGradients().addi(sumGrad);
      d.getUpdater().update(d, gf, iteration, 0, b, noWorkspaces);
      d.params().subi(d.getFlattenedGradients().reshape(d.params().shape()));
      if (config.loss == DcganConfig.Loss.WASSERSTEIN) {
        clipCritic();
      }
      double threshold = config.loss == DcganConfig.Loss.WASSERSTEIN
          ? (DcganMath.mean(lr) + DcganMath.mean(lf)) / 2 : 0;
      return new double[] {lossR[0] + lossF[0], DcganMath.share(lr, threshold, true),
          DcganMath.share(lf, threshold, false)};
    }

    /** The discriminator's loss on a real and a generated batch, without updating it. */
    double discriminatorLoss(Batch real, Batch fake) {
      double[] loss = new double[1];
      realGradient(logits(real), loss);
      fakeGradient(logits(fake), loss);
      return loss[0];
    }

    /**
     * Updates G through the freshly updated D on the last discriminator step's generated batch
     * (as in the DCGAN reference implementations), whose activations G still holds.
     */
    private double generatorStep(long t, double noise) {
      float[] l = logits(new Batch(discriminatorInput(lastFake, noise), lastFakeLabels));
      double loss = 0;
      float[] eps = new float[b];
      for (int i = 0; i < b; i++) {
        double p = DcganMath.sigmoid(l[i]);
        switch (config.loss) {
          case NON_SATURATING -> {
            loss += DcganMath.softplus(-l[i]);
            eps[i] = (float) (p - 1);
          }
          case MINIMAX -> {
            loss -= DcganMath.softplus(l[i]);
            eps[i] = (float) -p;
          }
          case WASSERSTEIN -> {
            loss -= l[i];
            eps[i] = -1f;
          }
        }
      }
      Pair<Gradient, INDArray> throughD = d.backpropGradient(logitGradient(eps), noWorkspaces);
      Pair<Gradient, INDArray> gg = g.backpropGradient(throughD.getSecond(), noWorkspaces);
      g.getUpdater().update(g, gg.getFirst(), (int) t, 0, b, noWorkspaces);
      g.params().subi(g.getFlattenedGradients().reshape(g.params().shape()));
      return loss / b;
    }

    private int[] randomIndices() {
      int[] idx = new int[b];
      for (int i = 0; i < b; i++) {
        idx[i] = rng.nextInt(data.count());
      }
      return idx;
    }

    INDArray realImages(int[] idx) {
      float[] x = new float[b * DigitImages.PIXELS];
      byte[] px = data.pixels();
      for (int i = 0; i < b; i++) {
        int off = idx[i] * DigitImages.PIXELS;
        for (int p = 0; p < DigitImages.PIXELS; p++) {
          x[i * DigitImages.PIXELS + p] = (px[off + p] & 0xff) / 127.5f - 1f;
        }
      }
      return Nd4j.createFromArray(x).reshape(b, 1, DigitImages.SIDE, DigitImages.SIDE);
    }

    private INDArray generatorInput(int[] labels) {
      return DigitSampler.latentBatch(config, rng, labels, b);
    }

    /** Adds instance noise (when {@code noise > 0}). */
    INDArray discriminatorInput(INDArray images, double noise) {
      INDArray x = images;
      if (noise > 0) {
        float[] n = new float[(int) images.length()];
        for (int i = 0; i < n.length; i++) {
          n[i] = (float) (rng.nextGaussian() * noise);
        }
        x = images.add(Nd4j.createFromArray(n).reshape(images.shape()));
      }
      return x;
    }

    /**
     * Forward pass of D in training mode, keeping its activations for {@link #backprop}; the
     * logit is the unconditional output plus, when conditional, the projection output of the
     * image's class.
     */
    private float[] logits(Batch x) {
      d.setInput(x.images());
      List<INDArray> acts = d.feedForward(true, false);
      float[] out = acts.get(acts.size() - 1).reshape(-1).toFloatVector();
      int width = DcganNetworks.discriminatorOutputs(config);
      float[] l = new float[b];
      lastLabels = x.labels();
      for (int i = 0; i < b; i++) {
        l[i] = out[i * width] + (config.conditional ? out[i * width + 1 + lastLabels[i]] : 0f);
      }
      return l;
    }

    /** dLoss/doutputs of D from dLoss/dlogit: the logit is a sum of two outputs. */
    private INDArray logitGradient(float[] eps) {
      int width = DcganNetworks.discriminatorOutputs(config);
      float[] e = new float[b * width];
      for (int i = 0; i < b; i++) {
        e[i * width] = eps[i];
        if (config.conditional) {
          e[i * width + 1 + lastLabels[i]] = eps[i];
        }
      }
      return Nd4j.createFromArray(e).reshape(b, width);
    }

    /** Backpropagates {@code eps} (dLoss/dlogit) through the last forward pass of D. */
    private Gradient backprop(float[] eps) {
      return d.backpropGradient(logitGradient(eps), noWorkspaces).getFirst();
    }

    private float[] realGradient(float[] l, double[] loss) {
      float[] eps = new float[b];
      for (int i = 0; i < b; i++) {
        if (config.loss == DcganConfig.Loss.WASSERSTEIN) {
          loss[0] -= l[i] / (double) b;
          eps[i] = -1f;
        } else {
          loss[0] += DcganMath.softplus(-l[i]) / b;
          eps[i] = (float) (DcganMath.sigmoid(l[i]) - 1);
        }
      }
      return eps;
    }

    private float[] fakeGradient(float[] l, double[] loss) {
      float[] eps = new float[b];
      for (int i = 0; i < b; i++) {
        if (config.loss == DcganConfig.Loss.WASSERSTEIN) {
          loss[0] += l[i] / (double) b;
          eps[i] = 1f;
        } else {
          loss[0] += DcganMath.softplus(l[i]) / b;
          eps[i] = (float) DcganMath.sigmoid(l[i]);
        }
      }
      return eps;
    }

    private void clipCritic() {
      double c = config.weightClip;
      for (Map.Entry<String, INDArray> e : d.paramTable().entrySet()) {
        String key = e.getKey();
        if (key.endsWith("_W") || key.endsWith("_b") || key.endsWith("_gamma")
            || key.endsWith("_beta")) {
          INDArray v = e.getValue();
          v.assign(org.nd4j.linalg.ops.transforms.Transforms.min(
              org.nd4j.linalg.ops.transforms.Transforms.max(v, -c, true), c, true));
        }
      }
    }
  }
}
