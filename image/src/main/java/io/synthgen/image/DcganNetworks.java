package io.synthgen.image;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping2D;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.RmsProp;

/**
 * The two DCGAN networks for 28x28 digits, following the architecture rules of Radford et al.
 * (2016): no pooling (strided convolutions down, fractional-strided convolutions up), batch
 * normalization in both networks except the generator's output and the discriminator's input
 * layer, ReLU in the generator with tanh output, LeakyReLU(0.2) in the discriminator, weights
 * from N(0, 0.02).
 *
 * <p>Generator: z (+ one-hot label) &rarr; dense C&middot;7&middot;7 &rarr; BN &rarr; ReLU &rarr;
 * [kxk/1 transposed conv to C/2 at 7x7 &rarr; BN &rarr; ReLU, and C becomes C/2; on by default,
 * {@code generator-stride1-layer = false} leaves it out] &rarr;
 * kxk/2 transposed conv to C/2 at 14x14 &rarr; BN &rarr; ReLU &rarr; kxk/2 transposed conv to 1
 * at 28x28 &rarr; tanh, with k = 4 by default. With C = 256, k = 5 and the stride-1 layer this is
 * the generator of {@code shared/eval/dcgan_reference.py} (the TensorFlow DCGAN tutorial's).
 * Discriminator: image &rarr; kxk/2 conv to D at 14x14 &rarr; LeakyReLU
 * &rarr; kxk/2 conv to 2D at 7x7 &rarr; BN &rarr; LeakyReLU &rarr; features &phi;(x) &rarr; dense
 * logit {@code w.phi(x) + b}. The conditional discriminator is a projection discriminator (Miyato
 * and Koyama, "cGANs with Projection Discriminator", ICLR 2018): its logit adds
 * {@code embed(y).phi(x)}, computed as a dense layer with 1 + 10 outputs of which the trainer
 * adds output 0 and output 1 + y.
 *
 * @implNote By default ({@code generator-dense-norm = feature}) the first batch normalization
 *     normalizes each of the C&middot;49 dense outputs (before the reshape to C maps), where the
 *     reference normalizes each of the C channels: 2&middot;(C&middot;49 &minus; C) more BN
 *     parameters, 1% of the reference-size generator, same compute; {@code channel} reshapes
 *     first and normalizes per map, as the reference does. The (transposed) convolutions use
 *     {@code ConvolutionMode.Truncate} with explicit padding (and a one-pixel crop where the
 *     padding cannot be symmetric), which gives the shapes of "same" padding but lets DL4J's
 *     oneDNN helpers run the fast kernels. DL4J M2.1 ships its
 *     oneDNN layer helpers switched off; this class switches them on (system property
 *     {@value #HELPERS_PROPERTY}{@code =false}) unless the property is set; they take effect with
 *     the oneDNN build of nd4j-native ({@code -Djavacpp.platform.extension=-onednn}), which is 3x
 *     faster here. The discriminator returns a logit (identity activation), and the losses are
 *     computed from logits by {@link DcganTrainer} for numerical stability. Convolutions followed
 *     by batch normalization have no bias (it would be cancelled).
 */
public final class DcganNetworks {
  static final double INIT_STD = 0.02;
  static final String HELPERS_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

  static {
    if (System.getProperty(HELPERS_PROPERTY) == null) {
      System.setProperty(HELPERS_PROPERTY, "false");
    }
  }

  /** Loads this class, whose initializer switches DL4J's oneDNN helpers on. */
  static void ensureHelpers() {
    // the static initializer does the work
  }

  private DcganNetworks() {}

  /** Width of the generator's input: z plus the one-hot label when conditional. */
  public static int generatorInputs(DcganConfig c) {
    return c.latentDim + (c.conditional ? DigitImages.CLASSES : 0);
  }

  /**
   * Outputs of the discriminator's last layer: the unconditional logit, plus one projection
   * output per class when conditional.
   */
  public static int discriminatorOutputs(DcganConfig c) {
    return 1 + (c.conditional ? DigitImages.CLASSES : 0);
  }

  /** The loss's optimizer at {@code factor} times the configured learning rate. */
  static IUpdater updater(DcganConfig c, double factor) {
    return c.loss == DcganConfig.Loss.WASSERSTEIN
        ? new RmsProp(c.rmspropLearningRate * factor, 0.99, 1e-8)
        : new Adam(c.learningRate * factor, c.beta1, 0.999, 1e-8);
  }

  /**
   * What both networks share: float32, N(0, 0.02) weights, the loss's optimizer at
   * {@code lrFactor} times the learning rate.
   */
  private static NeuralNetConfiguration.ListBuilder layers(DcganConfig c, long seed,
      double lrFactor) {
    return new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(DataType.FLOAT)
        .weightInit(new NormalDistribution(0, INIT_STD))
        .updater(updater(c, lrFactor))
        .list();
  }

  /** A freshly initialized generator (weights from {@code seed}). */
  public static MultiLayerNetwork generator(DcganConfig c, long seed) {
    int ch = c.generatorChannels;
    int in = generatorInputs(c);
    NeuralNetConfiguration.ListBuilder list = layers(c, seed, 1)
        .layer(new DenseLayer.Builder().nIn(in).nOut(ch * 49).hasBias(false)
            .activation(Activation.IDENTITY).build())
        .layer(new BatchNormalization.Builder().build())
        .layer(new ActivationLayer.Builder().activation(Activation.RELU).build());
    if (c.generatorStride1Layer) {
      ch /= 2;
      addTransposed(list, c, 1, ch, false, Activation.IDENTITY);
      list.layer(new BatchNormalization.Builder().build())
          .layer(new ActivationLayer.Builder().activation(Activation.RELU).build());
    }
    addTransposed(list, c, 2, ch / 2, false, Activation.IDENTITY);
    list.layer(new BatchNormalization.Builder().build())
        .layer(new ActivationLayer.Builder().activation(Activation.RELU).build());
    addTransposed(list, c, 2, 1, true, Activation.TANH);
    MultiLayerConfiguration conf = list
        .inputPreProcessor(c.generatorChannelNorm ? 1 : 3,
            new FeedForwardToCnnPreProcessor(7, 7, c.generatorChannels))
        .setInputType(InputType.feedForward(in))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /**
   * Adds a transposed convolution with {@code nOut} maps that multiplies the side by
   * {@code stride}: truncate mode with padding {@code (k - s) / 2} (rounded down) on every side,
   * then, where {@code k - s} is odd (even kernels at stride 1, odd ones at stride 2), a crop of
   * the one extra bottom row and right column, so that the side is exactly {@code s} times the
   * input's.
   *
   * @implNote This computes what DL4J's {@code ConvolutionMode.Same} computes for such kernels
   *     (and PyTorch's {@code padding=(k-s)/2, output_padding=1}), equal to within float
   *     rounding, but "same" mode leaves the oneDNN fast path: a 4x4 stride-1 or 5x5 stride-2
   *     layer at 7x7 trained 5-15 times slower. The crop has no parameters, so bundles written
   *     with "same" mode load into these networks unchanged.
   */
  private static void addTransposed(NeuralNetConfiguration.ListBuilder list, DcganConfig c,
      int stride, int nOut, boolean hasBias, Activation activation) {
    int k = c.kernelSize;
    int p = (k - stride) / 2;
    list.layer(new Deconvolution2D.Builder(k, k).stride(stride, stride).padding(p, p)
        .convolutionMode(ConvolutionMode.Truncate).nOut(nOut).hasBias(hasBias)
        .activation(activation).build());
    int extra = (k - stride) % 2;
    if (extra > 0) {
      list.layer(new Cropping2D(0, extra, 0, extra));
    }
  }

  /** A stride-2 convolution halving the side: padding {@code (k - 1) / 2}, truncate mode. */
  private static ConvolutionLayer.Builder halving(DcganConfig c) {
    int k = c.kernelSize;
    int p = (k - 1) / 2;
    return new ConvolutionLayer.Builder(k, k).stride(2, 2).padding(p, p)
        .convolutionMode(ConvolutionMode.Truncate);
  }

  /** A freshly initialized discriminator (weights from {@code seed}); outputs one logit. */
  public static MultiLayerNetwork discriminator(DcganConfig c, long seed) {
    int d = c.discriminatorChannels;
    MultiLayerConfiguration conf = layers(c, seed, c.discriminatorLrFactor)
        .layer(halving(c).nOut(d).activation(new ActivationLReLU(0.2)).build())
        .layer(halving(c).nOut(2 * d).hasBias(false).activation(Activation.IDENTITY).build())
        .layer(new BatchNormalization.Builder().build())
        .layer(new ActivationLayer.Builder().activation(new ActivationLReLU(0.2)).build())
        .layer(new DenseLayer.Builder().nOut(discriminatorOutputs(c))
            .activation(Activation.IDENTITY).build())
        .setInputType(InputType.convolutional(DigitImages.SIDE, DigitImages.SIDE, 1))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }
}
