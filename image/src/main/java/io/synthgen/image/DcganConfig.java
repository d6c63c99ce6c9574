package io.synthgen.image;

import io.synthgen.model.InvalidInputException;
import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * Hyperparameters of the digit DCGAN. Defaults follow Radford, Metz and Chintala, "Unsupervised
 * Representation Learning with Deep Convolutional Generative Adversarial Networks" (ICLR 2016):
 * z of 100 Gaussian values, batch 64, Adam with learning rate 2e-4 and beta1 0.5, weights drawn
 * from N(0, 0.02). The WGAN settings (RMSProp 5e-5, clipping at 0.01) are those of Arjovsky,
 * Chintala and Bottou, "Wasserstein GAN" (ICML 2017).
 *
 * @implNote The generator has, by default, one layer more than Radford et al.'s: a stride-1
 *     transposed convolution at 7x7, as in the TensorFlow DCGAN tutorial that
 *     {@code shared/eval/dcgan_reference.py} follows (unconditional image_eval FID 49.5 against
 *     52.2 without it, at the same images/s; README "Digits").
 */
public final class DcganConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The adversarial objective. */
  public enum Loss {
    /** Goodfellow et al. 2014's practical variant: the generator maximizes log D(G(z)). */
    NON_SATURATING,
    /** The original minimax game: the generator minimizes log(1 - D(G(z))). */
    MINIMAX,
    /** Wasserstein critic with weight clipping and RMSProp (Arjovsky et al. 2017). */
    WASSERSTEIN;

    /** The option value naming this loss. */
    public String key() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Loss parse(String v) {
      for (Loss l : values()) {
        if (l.key().equals(v)) {
          return l;
        }
      }
      throw new InvalidInputException("option 'loss' has value '" + v
          + "': use non-saturating, minimax or wasserstein");
    }
  }

  public static final OptionSpec<Boolean> CONDITIONAL = OptionSpec.ofBoolean("conditional", false,
      "class-conditional: the label is joined to z (one-hot) and projected onto the "
          + "discriminator's features (projection discriminator), so generate can ask for one "
          + "digit");
  public static final OptionSpec<String> LOSS = OptionSpec.ofString("loss", "non-saturating",
      "adversarial loss: non-saturating, minimax or wasserstein (weight clipping + RMSProp)");
  public static final OptionSpec<Integer> LATENT_DIM = OptionSpec.ofInt("latent-dim", 100, 1, 4096,
      "size of the generator's Gaussian noise input z");
  public static final OptionSpec<Integer> BATCH_SIZE = OptionSpec.ofInt("batch-size", 64, 1,
      100_000, "real images per local training step on each worker (batch-scope=global: "
          + "over all workers)");
  public static final OptionSpec<Integer> GENERATOR_CHANNELS = OptionSpec.ofInt(
      "generator-channels", 128, 2, 4096,
      "feature maps of the generator's dense 7x7 layer, halved by each transposed convolution "
          + "after it; the reference architecture of shared/eval/dcgan_reference.py uses 256");
  public static final OptionSpec<String> GENERATOR_DENSE_NORM = OptionSpec.ofChoice(
      "generator-dense-norm", "feature", List.of("feature", "channel"),
      "batch normalization after the generator's dense layer: feature (one mean and variance per "
          + "value of the 7x7xC output) or channel (one per feature map, as BatchNorm2d in the "
          + "reference architecture)");
  public static final OptionSpec<Integer> DISCRIMINATOR_CHANNELS = OptionSpec.ofInt(
      "discriminator-channels", 64, 1, 4096,
      "feature maps of the discriminator's 14x14 layer (doubled at 7x7)");
  public static final OptionSpec<Integer> KERNEL_SIZE = OptionSpec.ofInt("kernel-size", 4, 3, 7,
      "side of every (transposed) convolution kernel of both networks: 4 (Radford et al.) or 5 "
          + "(the reference architecture); odd sizes pad to 'same' shapes");
  public static final OptionSpec<Boolean> GENERATOR_STRIDE1_LAYER = OptionSpec.ofBoolean(
      "generator-stride1-layer", true,
      "a stride-1 transposed convolution at 7x7 (channels C to C/2) before the two upsampling "
          + "layers, as in the reference architecture; C must then be divisible by 4; false "
          + "gives the shallower generator of Radford et al.")
      // bundles written before the key had no such layer
      .withValueBeforeKey("false");
  public static final OptionSpec<Integer> DISCRIMINATOR_STEPS = OptionSpec.ofInt(
      "discriminator-steps", 1, 1, 100, "discriminator updates per generator update (k)");
  public static final OptionSpec<Double> LEARNING_RATE = OptionSpec.ofDouble("learning-rate",
      2e-4, 0, 1, "Adam learning rate of the generator, and of the discriminator times "
          + "discriminator-lr-factor (non-saturating and minimax losses)");
  public static final OptionSpec<Double> DISCRIMINATOR_LR_FACTOR = OptionSpec.ofDouble(
      "discriminator-lr-factor", 1, 1e-3, 1e3, "the discriminator's learning rate (Adam or "
          + "RMSProp) is the generator's times this: two time-scale updates (Heusel et al. 2017) "
          + "with e.g. learning-rate 1e-4 and factor 4; 1 = the same rate");
  public static final OptionSpec<Double> ADAM_BETA1 = OptionSpec.ofDouble("adam-beta1", 0.5, 0,
      0.999999, "Adam beta1 of both networks");
  public static final OptionSpec<Double> RMSPROP_LEARNING_RATE = OptionSpec.ofDouble(
      "rmsprop-learning-rate", 5e-5, 0, 1, "RMSProp learning rate of the generator, and of the "
          + "critic times discriminator-lr-factor (wasserstein)");
  public static final OptionSpec<Double> WEIGHT_CLIP = OptionSpec.ofDouble("weight-clip", 0.01,
      1e-6, 100, "critic weights are clipped to [-c, c] after each update (wasserstein)");
  public static final OptionSpec<Double> INSTANCE_NOISE = OptionSpec.ofDouble("instance-noise", 0,
      0, 10, "std of Gaussian noise added to real and generated images the discriminator sees "
          + "(pixels in [-1, 1]), decaying linearly to 0 over training; 0 = off");

  public static final OptionSpec<Double> GENERATOR_EMA = OptionSpec.ofDouble("generator-ema", 0,
      0, 0.99999, "decay of an exponential moving average of the generator's weights, which "
          + "generation then uses (Yazici et al. 2019), e.g. 0.999; warmed up as min(decay, "
          + "(1 + t) / (10 + t)) after t generator updates; 0 = off (the trained weights)");

  /** Every model option, in documentation order. */
  public static final List<OptionSpec<?>> SPECS = List.of(CONDITIONAL, LOSS, LATENT_DIM,
      BATCH_SIZE, GENERATOR_CHANNELS, GENERATOR_DENSE_NORM, DISCRIMINATOR_CHANNELS, KERNEL_SIZE,
      GENERATOR_STRIDE1_LAYER, DISCRIMINATOR_STEPS, LEARNING_RATE, DISCRIMINATOR_LR_FACTOR,
      ADAM_BETA1, RMSPROP_LEARNING_RATE, WEIGHT_CLIP, INSTANCE_NOISE, GENERATOR_EMA);

  public final boolean conditional;
  public final Loss loss;
  public final int latentDim;
  public final int batchSize;
  public final int generatorChannels;
  /** Batch normalization after the dense layer per feature map instead of per value. */
  public final boolean generatorChannelNorm;
  public final int discriminatorChannels;
  public final int kernelSize;
  public final boolean generatorStride1Layer;
  public final int discriminatorSteps;
  public final double learningRate;
  public final double discriminatorLrFactor;
  public final double beta1;
  public final double rmspropLearningRate;
  public final double weightClip;
  public final double instanceNoise;
  public final double generatorEma;

  private DcganConfig(Options o) {
    conditional = o.get(CONDITIONAL);
    loss = Loss.parse(o.get(LOSS));
    latentDim = o.get(LATENT_DIM);
    batchSize = o.get(BATCH_SIZE);
    generatorChannels = o.get(GENERATOR_CHANNELS);
    generatorChannelNorm = o.get(GENERATOR_DENSE_NORM).equals("channel");
    discriminatorChannels = o.get(DISCRIMINATOR_CHANNELS);
    kernelSize = o.get(KERNEL_SIZE);
    generatorStride1Layer = o.get(GENERATOR_STRIDE1_LAYER);
    discriminatorSteps = o.get(DISCRIMINATOR_STEPS);
    learningRate = o.get(LEARNING_RATE);
    discriminatorLrFactor = o.get(DISCRIMINATOR_LR_FACTOR);
    beta1 = o.get(ADAM_BETA1);
    rmspropLearningRate = o.get(RMSPROP_LEARNING_RATE);
    weightClip = o.get(WEIGHT_CLIP);
    instanceNoise = o.get(INSTANCE_NOISE);
    generatorEma = o.get(GENERATOR_EMA);
    int halvings = generatorStride1Layer ? 4 : 2;
    if (generatorChannels % halvings != 0) {
      throw new InvalidInputException("option 'generator-channels' has value "
          + generatorChannels + ": use a multiple of " + halvings + " (it is halved "
          + (generatorStride1Layer ? "twice: generator-stride1-layer is on)" : "at 14x14)"));
    }
  }

  /** Builds the configuration from validated options (cross-option rules checked here). */
  public static DcganConfig from(Options options) {
    return new DcganConfig(options);
  }

  /** Defaults with the given overrides, e.g. {@code of("conditional", "true")} (for tests). */
  public static DcganConfig of(String... keyValues) {
    Options.Builder b = Options.builder(SPECS);
    for (int i = 0; i < keyValues.length; i += 2) {
      b.set(keyValues[i], keyValues[i + 1], "code");
    }
    return from(b.build());
  }
}
