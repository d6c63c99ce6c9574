package io.synthgen.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.InvalidInputException;
import io.synthgen.model.train.TrainingState;
import java.util.Arrays;
import java.util.Random;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class DcganTrainerTest {
  @Test
  void generatorMakesTanhImagesOfDigitShape() {
    DcganConfig c = DcganConfig.of();
    MultiLayerNetwork g = DcganNetworks.generator(c, 1);
    INDArray out = g.output(Nd4j.randn(DataType.FLOAT, 5, 100), false);
    assertArrayEquals(new long[] {5, 1, 28, 28}, out.shape());
    assertTrue(out.maxNumber().doubleValue() <= 1 && out.minNumber().doubleValue() >= -1);
    assertTrue(out.std(true).getDouble(0) > 0, "images vary");
  }

  @Test
  void discriminatorGivesOneLogitPerImageAndConditionalOneAddsAProjectionPerClass() {
    MultiLayerNetwork d = DcganNetworks.discriminator(DcganConfig.of(), 1);
    assertArrayEquals(new long[] {3, 1},
        d.output(Nd4j.rand(DataType.FLOAT, 3, 1, 28, 28)).shape());
    DcganConfig cond = DcganConfig.of("conditional", "true");
    assertEquals(110, DcganNetworks.generatorInputs(cond));
    MultiLayerNetwork dc = DcganNetworks.discriminator(cond, 1);
    assertArrayEquals(new long[] {2, 11},
        dc.output(Nd4j.rand(DataType.FLOAT, 2, 1, 28, 28)).shape());
  }

  /** Trainable parameters: DL4J also stores each BN layer's running mean and variance. */
  private static long trainableParameters(MultiLayerNetwork net) {
    long n = net.numParams();
    for (org.deeplearning4j.nn.api.Layer layer : net.getLayers()) {
      if (layer instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization) {
        n -= 2 * layer.paramTable().get("mean").length();
      }
    }
    return n;
  }

  @Test
  void referenceArchitectureHasTheParameterCountsOfThePyTorchReference() {
    // shared/eval/dcgan_reference.py: G = 100*12544 + BN(256) + 256*128*25 + BN(128)
    // + 128*64*25 + BN(64) + 64*25 + 1 = 2,280,897; D = 25*64 + 64 + 64*128*25 + BN(128)
    // + 6272 + 1 = 212,993
    DcganConfig ref = DcganConfig.of("generator-channels", "256", "kernel-size", "5",
        "generator-stride1-layer", "true");
    MultiLayerNetwork g = DcganNetworks.generator(ref, 1);
    MultiLayerNetwork d = DcganNetworks.discriminator(ref, 1);
    // plus the first BN's: it normalizes each of the 256*49 dense outputs, not each channel
    assertEquals(2_280_897 + 2 * (256 * 49 - 256), trainableParameters(g));
    assertEquals(212_993, trainableParameters(d));
    INDArray images = g.output(Nd4j.randn(DataType.FLOAT, 3, 100), false);
    assertArrayEquals(new long[] {3, 1, 28, 28}, images.shape());
    assertArrayEquals(new long[] {3, 1}, d.output(images).shape());
    // the default: dense 128x7x7, a 4x4 stride-1 layer to 64 maps, then 32 maps at 14x14
    assertEquals(100 * 6272 + 2 * 6272 + 128 * 64 * 16 + 2 * 64 + 64 * 32 * 16 + 2 * 32
        + 32 * 16 + 1, trainableParameters(DcganNetworks.generator(DcganConfig.of(), 1)));
    // without the stride-1 layer (Radford et al.'s depth): 0.77 M
    assertEquals(100 * 6272 + 2 * 6272 + 128 * 64 * 16 + 2 * 64 + 64 * 16 + 1,
        trainableParameters(DcganNetworks.generator(
            DcganConfig.of("generator-stride1-layer", "false"), 1)));
  }

  @Test
  void channelDenseNormGivesExactlyThePyTorchReferenceGenerator() {
    DcganConfig ref = DcganConfig.of("generator-channels", "256", "kernel-size", "5",
        "generator-stride1-layer", "true", "generator-dense-norm", "channel");
    MultiLayerNetwork g = DcganNetworks.generator(ref, 1);
    assertEquals(2_280_897, trainableParameters(g));
    // one mean per feature map: a batch's normalized dense output has mean beta (0) in each map,
    // while one 7x7 position of a map is centred only by the per-value (feature) variant
    DcganConfig small = DigitImageFixtures.tiny("generator-dense-norm", "channel");
    INDArray z = Nd4j.randn(DataType.FLOAT, 16, 12);
    INDArray perChannel = normalizedDenseOutput(small, z);
    assertArrayEquals(new long[] {16, small.generatorChannels, 7, 7}, perChannel.shape());
    assertEquals(0, perChannel.mean(0, 2, 3).amaxNumber().doubleValue(), 1e-4);
    assertTrue(cornerMean(perChannel) > 1e-3, "per map, one position is not centred");
    INDArray perFeature = normalizedDenseOutput(DigitImageFixtures.tiny(), z)
        .reshape(16, small.generatorChannels, 7, 7);
    assertEquals(0, cornerMean(perFeature), 1e-4);
    DcganTrainer t = new DcganTrainer(small, 10);
    TrainingState end = t.train(t.initialState(1), DigitImageFixtures.blobs(40, 1), 2, 2);
    assertTrue(Double.isFinite(end.metricMean(1)));
  }

  /** The generator's first batch-norm output (training mode) for latent batch {@code z}. */
  private static INDArray normalizedDenseOutput(DcganConfig c, INDArray z) {
    return DcganNetworks.generator(c, 3).feedForward(z, true).get(2);
  }

  /** Largest absolute batch mean, over the maps, of the values at position (0, 0). */
  private static double cornerMean(INDArray maps) {
    return maps.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0),
        NDArrayIndex.point(0)).mean(0).amaxNumber().doubleValue();
  }

  @Test
  void unknownDenseNormIsRefusedNamingTheOption() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> DcganConfig.of("generator-dense-norm", "layer"));
    assertTrue(e.getMessage().contains("'generator-dense-norm'"), e.getMessage());
    assertTrue(e.getMessage().contains("'layer'"), e.getMessage());
    assertTrue(e.getMessage().contains("one of feature, channel"), e.getMessage());
  }

  @Test
  void everyKernelSizeKeepsTheDigitShapeAndTrains() {
    for (String k : new String[] {"3", "4", "5", "6", "7"}) {
      for (String stride1 : new String[] {"false", "true"}) {
        DcganConfig c = DigitImageFixtures.tiny("kernel-size", k, "generator-stride1-layer",
            stride1);
        DcganTrainer t = new DcganTrainer(c, 10);
        TrainingState end = t.train(t.initialState(1), DigitImageFixtures.blobs(40, 1), 1, 2);
        assertTrue(Double.isFinite(end.metricMean(0)), "k=" + k + " stride1=" + stride1);
        INDArray out = DcganNetworks.generator(c, 1).output(
            Nd4j.randn(DataType.FLOAT, 2, 12), false);
        assertArrayEquals(new long[] {2, 1, 28, 28}, out.shape(), "k=" + k);
      }
    }
  }

  /**
   * Relative difference allowed between two float implementations of one convolution: oneDNN's
   * kernels differ by CPU (1e-6 here, 3.2e-4 on another x86 host), while cropping the wrong side
   * differs by about 1.
   */
  private static final double FLOAT_KERNEL_TOLERANCE = 5e-3;

  @Test
  void croppedTransposedConvolutionsComputeWhatSameModeComputed() {
    // bundles written when odd k - s used ConvolutionMode.Same must load and generate the same
    for (String k : new String[] {"3", "4", "5"}) {
      DcganConfig c = DigitImageFixtures.tiny("kernel-size", k, "generator-stride1-layer", "true");
      MultiLayerNetwork g = DcganNetworks.generator(c, 5);
      MultiLayerNetwork same = sameModeGenerator(c);
      same.params().assign(g.params());
      INDArray z = Nd4j.randn(DataType.FLOAT, 4, 12);
      INDArray expected = same.output(z, false);
      assertArrayEquals(expected.shape(), g.output(z, false).shape(), "k=" + k);
      double scale = expected.amaxNumber().doubleValue();
      assertTrue(scale > 0, "k=" + k);
      assertEquals(0, g.output(z, false).sub(expected).amaxNumber().doubleValue() / scale,
          FLOAT_KERNEL_TOLERANCE, "k=" + k + ": largest difference relative to the largest output");
    }
  }

  /** The stride-1 generator as built before the crop: odd k - s in DL4J's "same" mode. */
  private static MultiLayerNetwork sameModeGenerator(DcganConfig c) {
    int ch = c.generatorChannels;
    NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
        .dataType(DataType.FLOAT).list()
        .layer(new DenseLayer.Builder().nOut(ch * 49).hasBias(false)
            .activation(Activation.IDENTITY).build())
        .layer(batchNorm()).layer(relu())
        .layer(sameModeTransposed(c, 1, ch / 2, false)).layer(batchNorm()).layer(relu())
        .layer(sameModeTransposed(c, 2, ch / 4, false)).layer(batchNorm()).layer(relu())
        .layer(sameModeTransposed(c, 2, 1, true));
    MultiLayerNetwork n = new MultiLayerNetwork(list
        .inputPreProcessor(3, new FeedForwardToCnnPreProcessor(7, 7, ch))
        .setInputType(InputType.feedForward(c.latentDim))
        .build());
    n.init();
    return n;
  }

  private static Layer sameModeTransposed(DcganConfig c, int stride, int nOut, boolean last) {
    int k = c.kernelSize;
    Deconvolution2D.Builder b = new Deconvolution2D.Builder(k, k).stride(stride, stride)
        .nOut(nOut).hasBias(last).activation(last ? Activation.TANH : Activation.IDENTITY);
    if ((k - stride) % 2 == 0) {
      int p = (k - stride) / 2;
      return b.padding(p, p).convolutionMode(ConvolutionMode.Truncate).build();
    }
    return b.convolutionMode(ConvolutionMode.Same).build();
  }

  private static Layer batchNorm() {
    return new BatchNormalization.Builder().build();
  }

  private static Layer relu() {
    return new ActivationLayer.Builder()
        .activation(Activation.RELU).build();
  }

  @Test
  void stride1LayerNeedsChannelsDivisibleByFour() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> DcganConfig.of("generator-channels", "6", "generator-stride1-layer", "true"));
    assertTrue(e.getMessage().contains("'generator-channels' has value 6"), e.getMessage());
    assertTrue(e.getMessage().contains("multiple of 4"), e.getMessage());
  }

  @Test
  void discriminatorStepReducesItsLossOnAFixedBatch() {
    for (String[] variant : new String[][] {{"non-saturating", "false"},
        {"wasserstein", "false"}, {"non-saturating", "true"}}) {
      String loss = variant[0] + (variant[1].equals("true") ? " conditional" : "");
      // a wide clip keeps the clipping from undoing the step this test is about
      DcganConfig c = DigitImageFixtures.tiny("loss", variant[0], "conditional", variant[1],
          "learning-rate", "0.001", "rmsprop-learning-rate", "0.001", "weight-clip", "1");
      DcganTrainer trainer = new DcganTrainer(c, 100);
      MultiLayerNetwork g = DcganNetworks.generator(c, 1);
      MultiLayerNetwork d = DcganNetworks.discriminator(c, 2);
      DigitImages data = DigitImageFixtures.blobs(64, 3);
      DcganTrainer.Step step = trainer.stepper(g, d, data, new Random(4));
      int[] idx = new int[c.batchSize];
      Arrays.setAll(idx, i -> i);
      int[] labels = c.conditional ? DcganMath.pick(data.labels(), idx) : null;
      DcganTrainer.Batch real = new DcganTrainer.Batch(step.realImages(idx), labels);
      DcganTrainer.Batch fake = new DcganTrainer.Batch(g.output(
          DigitSampler.latentBatch(c, new Random(5), labels, c.batchSize), true), labels);
      double before = step.discriminatorLoss(real, fake);
      step.discriminatorStep(real, fake, 0);
      double after = step.discriminatorLoss(real, fake);
      assertTrue(after < before, loss + ": loss " + before + " -> " + after);
    }
  }

  @Test
  void wassersteinCriticWeightsStayClipped() {
    DcganConfig c = DigitImageFixtures.tiny("loss", "wasserstein", "weight-clip", "0.005",
        "rmsprop-learning-rate", "0.01");
    DcganTrainer t = new DcganTrainer(c, 10);
    TrainingState s = t.train(t.initialState(1), DigitImageFixtures.blobs(40, 1), 3, 2);
    MultiLayerNetwork d = DcganNetworks.discriminator(c, 0);
    DcganTrainer.load(d, s.tensor(DcganTensors.DISCRIMINATOR), null);
    double maxW = d.paramTable().entrySet().stream().filter(e -> e.getKey().endsWith("_W"))
        .mapToDouble(e -> e.getValue().amaxNumber().doubleValue()).max().orElseThrow();
    assertTrue(maxW <= 0.005 + 1e-7, "max |W| " + maxW);
  }

  @Test
  void trainingAdvancesTheStepAndReportsFiniteMetricsForEveryLoss() {
    for (String loss : new String[] {"non-saturating", "minimax", "wasserstein"}) {
      DcganConfig c = DigitImageFixtures.tiny("loss", loss, "discriminator-steps", "2",
          "instance-noise", "0.1", "conditional", "true");
      DcganTrainer t = new DcganTrainer(c, 10);
      TrainingState start = t.initialState(1);
      TrainingState end = t.train(start, DigitImageFixtures.blobs(40, 1), 3, 2);
      assertEquals(3, end.step());
      assertEquals(3L * 2 * c.batchSize, end.rowsSeen());
      for (int i = 0; i < DcganTrainer.METRICS.length; i++) {
        assertTrue(Double.isFinite(end.metricMean(i)), loss + " " + DcganTrainer.METRICS[i]);
      }
      double acc = end.metricMean(2);
      assertTrue(acc >= 0 && acc <= 1);
      assertFalse(Arrays.equals(start.tensor(DcganTensors.GENERATOR),
          end.tensor(DcganTensors.GENERATOR)), loss + ": generator changed");
      assertEquals(start.tensor(DcganTensors.DISCRIMINATOR_UPDATER).length,
          end.tensor(DcganTensors.DISCRIMINATOR_UPDATER).length);
    }
  }

  @Test
  void trainingIsDeterministicForASeed() {
    DcganConfig c = DigitImageFixtures.tiny();
    DcganTrainer t = new DcganTrainer(c, 10);
    DigitImages data = DigitImageFixtures.blobs(40, 1);
    TrainingState a = t.train(t.initialState(1), data, 2, 9);
    TrainingState b = t.train(t.initialState(1), data, 2, 9);
    assertArrayEquals(a.tensor(DcganTensors.GENERATOR), b.tensor(DcganTensors.GENERATOR));
  }

  @Test
  void conditionalTrainingNeedsLabels() {
    DcganConfig c = DigitImageFixtures.tiny("conditional", "true");
    DcganTrainer t = new DcganTrainer(c, 10);
    DigitImages unlabelled = new DigitImages(DigitImageFixtures.blobs(20, 1).pixels(), null);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> t.train(t.initialState(1), unlabelled, 1, 1));
    assertTrue(e.getMessage().contains("conditional=false"), e.getMessage());
  }

  @Test
  void conditionalGeneratorOutputDependsOnTheLabel() {
    // 16 maps: at the fixture's 8, two steps leave the deeper default's output too faint for the
    // label to change an 8-bit pixel
    DcganConfig c = DigitImageFixtures.tiny("conditional", "true", "generator-channels", "16");
    DcganTrainer t = new DcganTrainer(c, 10);
    TrainingState s = t.train(t.initialState(1), DigitImageFixtures.blobs(40, 1), 2, 2);
    DigitSampler sampler = new DigitSampler(c, s.tensor(DcganTensors.GENERATOR));
    float[] z = sampler.latent(7, 0);
    DigitImages three = sampler.render(new float[][] {z}, new int[] {3});
    DigitImages seven = sampler.render(new float[][] {z}, new int[] {7});
    int differing = 0;
    for (int i = 0; i < DigitImages.PIXELS; i++) {
      if (three.pixels()[i] != seven.pixels()[i]) {
        differing++;
      }
    }
    assertTrue(differing > 0, "the label changes the image");
    assertArrayEquals(three.pixels(), sampler.render(new float[][] {z}, new int[] {3}).pixels());
  }

  @Test
  void samplerRefusesWeightsOfAnotherArchitecture() {
    DcganConfig shallow = DigitImageFixtures.tiny("generator-stride1-layer", "false");
    float[] weights = DcganNetworks.generator(shallow, 1).params().toFloatVector();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DigitSampler(DigitImageFixtures.tiny(), weights));
    assertTrue(e.getMessage().contains(weights.length + " values"), e.getMessage());
    new DigitSampler(shallow, weights); // the matching options load them
  }

  @Test
  void samplerReproducesAnImageFromSeedAndIndexAlone() {
    DcganConfig c = DigitImageFixtures.tiny();
    DcganTrainer t = new DcganTrainer(c, 10);
    DigitSampler sampler = new DigitSampler(c, t.initialState(3).tensor(DcganTensors.GENERATOR));
    DigitImages batch = sampler.sample(11, 100, 5, null);
    DigitImages single = sampler.sample(11, 103, 1, null);
    assertArrayEquals(batch.image(3), single.image(0));
    assertFalse(Arrays.equals(batch.image(3), sampler.sample(12, 103, 1, null).image(0)));
  }

  @Test
  void generatorMovingAverageTrailsTheTrainedWeights() {
    DcganConfig c = DigitImageFixtures.tiny("generator-ema", "0.5", "learning-rate", "0.01");
    DcganTrainer t = new DcganTrainer(c, 10);
    TrainingState start = t.initialState(1);
    assertArrayEquals(start.tensor(DcganTensors.GENERATOR),
        start.tensor(DcganTensors.GENERATOR_EMA));
    TrainingState end = t.train(start, DigitImageFixtures.blobs(40, 1), 3, 2);
    float[] g0 = start.tensor(DcganTensors.GENERATOR);
    float[] ema = end.tensor(DcganTensors.GENERATOR_EMA);
    double moved = l1Distance(g0, end.tensor(DcganTensors.GENERATOR));
    double emaMoved = l1Distance(g0, ema);
    assertTrue(emaMoved > 0 && emaMoved < moved, "ema moved " + emaMoved + " of " + moved);
    assertTrue(DcganTrainer.samplingWeights(end.tensors()) == ema, "generation uses the average");
    assertEquals(null, new DcganTrainer(DigitImageFixtures.tiny(), 10).initialState(1).tensors()
        .get(DcganTensors.GENERATOR_EMA), "off by default");
  }

  @Test
  void generatorMovingAverageForgetsTheInitialWeightsWhileWarmingUp() {
    // without the warm-up 0.999^20 = 98% of the average would still be the initial weights
    DcganConfig c = DigitImageFixtures.tiny("generator-ema", "0.999", "learning-rate", "0.01");
    DcganTrainer t = new DcganTrainer(c, 10);
    TrainingState start = t.initialState(1);
    TrainingState end = t.train(start, DigitImageFixtures.blobs(40, 1), 20, 2);
    float[] g0 = start.tensor(DcganTensors.GENERATOR);
    double moved = l1Distance(g0, end.tensor(DcganTensors.GENERATOR));
    double emaMoved = l1Distance(g0, end.tensor(DcganTensors.GENERATOR_EMA));
    assertTrue(emaMoved > 0.5 * moved, "ema moved " + emaMoved + " of " + moved);
    assertEquals(2.0 / 11, DcganTrainer.emaDecay(0.999, 1), 1e-12, "first update");
    assertEquals(0.999, DcganTrainer.emaDecay(0.999, 1_000_000), 1e-12, "the configured decay");
  }

  @Test
  void discriminatorLearnsAtItsFactorOfTheGeneratorsRate() {
    // Adam's first step moves each parameter by about the learning rate, whatever its gradient
    double[] dMoved = new double[2];
    double[] gMoved = new double[2];
    String[] factors = {"1", "4"};
    for (int f = 0; f < 2; f++) {
      DcganConfig c = DigitImageFixtures.tiny("discriminator-lr-factor", factors[f]);
      DcganTrainer t = new DcganTrainer(c, 10);
      TrainingState start = t.initialState(1);
      TrainingState end = t.train(start, DigitImageFixtures.blobs(40, 1), 1, 2);
      // the first layer's weights only: batch norm's running statistics, also in the parameter
      // vector, move by the batch's statistics, not by the learning rate
      dMoved[f] = firstWeightsMoved(DcganNetworks.discriminator(c, 0),
          start.tensor(DcganTensors.DISCRIMINATOR), end.tensor(DcganTensors.DISCRIMINATOR));
      gMoved[f] = firstWeightsMoved(DcganNetworks.generator(c, 0),
          start.tensor(DcganTensors.GENERATOR), end.tensor(DcganTensors.GENERATOR));
    }
    assertEquals(4, dMoved[1] / dMoved[0], 0.2, "discriminator step ratio");
    assertEquals(1, gMoved[1] / gMoved[0], 0.2, "generator step ratio");
  }

  private static double l1Distance(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs(a[i] - b[i]);
    }
    return sum;
  }

  /** L1 distance between the first layer's weights of {@code net} loaded with each vector. */
  private static double firstWeightsMoved(MultiLayerNetwork net, float[] before, float[] after) {
    DcganTrainer.loadParameters(net, before);
    INDArray w0 = net.getParam("0_W").dup();
    DcganTrainer.loadParameters(net, after);
    return net.getParam("0_W").sub(w0).norm1Number().doubleValue();
  }
}
