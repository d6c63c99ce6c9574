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
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DcganTrainerTest {
  @Test
  void generatorMakesTanhImagesOfDigitShape() {
    DcganConfig c = DcganConfig.of();
    MultiLayerNetwork g = DcganNetworks.generator(c, 1);
    INDArray out = g.output(Nd4j.randn(org.nd4j.linalg.api.buffer.DataType.FLOAT, 5, 100), false);
    assertArrayEquals(new long[] {5, 1, 28, 28}, out.shape());
    assertTrue(out.maxNumber().doubleValue() <= 1 && out.minNumber().doubleValue() >= -1);
    assertTrue(out.std(true).getDouble(0) > 0, "images vary");
  }

  @Test
  void discriminatorGivesOneLogitPerImageAndConditionalOneAddsAProjectionPerClass() {
    MultiLayerNetwork d = DcganNetworks.discriminator(DcganConfig.of(), 1);
    assertArrayEquals(new long[] {3, 1},
        d.output(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 1, 28, 28)).shape());
    DcganConfig cond = DcganConfig.of("conditional", "true");
    assertEquals(110, DcganNetworks.generatorInputs(cond));
    MultiLayerNetwork dc = DcganNetworks.discriminator(cond, 1);
    assertArrayEquals(new long[] {2, 11},
        dc.output(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 1, 28, 28)).shape());
  }

  @Test
  void discriminatorStepReducesItsLossOnAFixedBatch() {
    for (String[] variant : new String[][] {{"non-saturating", "false"},
        {"wasserstein", "false"}, {"non-saturating", "true"}}) {
      String loss = variant[0] + (variant[1].equals("true") ? " conditional" : "");
      // a wide clip keeps the clipping from undoing the step this test is about
      DcganConfig c = DigitFixtures.tiny("loss", variant[0], "conditional", variant[1],
          "learning-rate", "0.001", "rmsprop-learning-rate", "0.001", "weight-clip", "1");
      DcganTrainer trainer = new DcganTrainer(c, 100);
      MultiLayerNetwork g = DcganNetworks.generator(c, 1);
      MultiLayerNetwork d = DcganNetworks.discriminator(c, 2);
      DigitImages data = DigitFixtures.blobs(64, 3);
      DcganTrainer.Step step = trainer.stepper(g, d, data, new Random(4));
      int[] idx = new int[c.batchSize];
      Arrays.setAll(idx, i -> i);
      int[] labels = c.conditional ? DcganTrainer.pick(data.labels(), idx) : null;
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
    DcganConfig c = DigitFixtures.tiny("loss", "wasserstein", "weight-clip", "0.005",
        "rmsprop-learning-rate", "0.01");
    DcganTrainer t = new DcganTrainer(c, 10);
    TrainingState s = t.train(t.initialState(1), DigitFixtures.blobs(40, 1), 3, 2);
    MultiLayerNetwork d = DcganNetworks.discriminator(c, 0);
    DcganTrainer.load(d, s.tensor(DcganTrainer.DISCRIMINATOR), null);
    double maxW = d.paramTable().entrySet().stream().filter(e -> e.getKey().endsWith("_W"))
        .mapToDouble(e -> e.getValue().amaxNumber().doubleValue()).max().orElseThrow();
    assertTrue(maxW <= 0.005 + 1e-7, "max |W| " + maxW);
  }

  @Test
  void trainingAdvancesTheStepAndReportsFiniteMetricsForEveryLoss() {
    for (String loss : new String[] {"non-saturating", "minimax", "wasserstein"}) {
      DcganConfig c = DigitFixtures.tiny("loss", loss, "discriminator-steps", "2",
          "instance-noise", "0.1", "conditional", "true");
      DcganTrainer t = new DcganTrainer(c, 10);
      TrainingState start = t.initialState(1);
      TrainingState end = t.train(start, DigitFixtures.blobs(40, 1), 3, 2);
      assertEquals(3, end.step());
      assertEquals(3L * 2 * c.batchSize, end.rowsSeen());
      for (int i = 0; i < DcganTrainer.METRICS.length; i++) {
        assertTrue(Double.isFinite(end.metricMean(i)), loss + " " + DcganTrainer.METRICS[i]);
      }
      double acc = end.metricMean(2);
      assertTrue(acc >= 0 && acc <= 1);
      assertFalse(Arrays.equals(start.tensor(DcganTrainer.GENERATOR),
          end.tensor(DcganTrainer.GENERATOR)), loss + ": generator changed");
      assertEquals(start.tensor(DcganTrainer.DISCRIMINATOR_UPDATER).length,
          end.tensor(DcganTrainer.DISCRIMINATOR_UPDATER).length);
    }
  }

  @Test
  void trainingIsDeterministicForASeed() {
    DcganConfig c = DigitFixtures.tiny();
    DcganTrainer t = new DcganTrainer(c, 10);
    DigitImages data = DigitFixtures.blobs(40, 1);
    TrainingState a = t.train(t.initialState(1), data, 2, 9);
    TrainingState b = t.train(t.initialState(1), data, 2, 9);
    assertArrayEquals(a.tensor(DcganTrainer.GENERATOR), b.tensor(DcganTrainer.GENERATOR));
  }

  @Test
  void conditionalTrainingNeedsLabels() {
    DcganConfig c = DigitFixtures.tiny("conditional", "true");
    DcganTrainer t = new DcganTrainer(c, 10);
    DigitImages unlabelled = new DigitImages(DigitFixtures.blobs(20, 1).pixels(), null);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> t.train(t.initialState(1), unlabelled, 1, 1));
    assertTrue(e.getMessage().contains("conditional=false"), e.getMessage());
  }

  @Test
  void conditionalGeneratorOutputDependsOnTheLabel() {
    DcganConfig c = DigitFixtures.tiny("conditional", "true");
    DcganTrainer t = new DcganTrainer(c, 10);
    TrainingState s = t.train(t.initialState(1), DigitFixtures.blobs(40, 1), 2, 2);
    DigitSampler sampler = new DigitSampler(c, s.tensor(DcganTrainer.GENERATOR));
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
  void samplerReproducesAnImageFromSeedAndIndexAlone() {
    DcganConfig c = DigitFixtures.tiny();
    DcganTrainer t = new DcganTrainer(c, 10);
    DigitSampler sampler = new DigitSampler(c, t.initialState(3).tensor(DcganTrainer.GENERATOR));
    DigitImages batch = sampler.sample(11, 100, 5, null);
    DigitImages single = sampler.sample(11, 103, 1, null);
    assertArrayEquals(batch.image(3), single.image(0));
    assertFalse(Arrays.equals(batch.image(3), sampler.sample(12, 103, 1, null).image(0)));
  }

  @Test
  void generatorMovingAverageTrailsTheTrainedWeights() {
    DcganConfig c = DigitFixtures.tiny("generator-ema", "0.5", "learning-rate", "0.01");
    DcganTrainer t = new DcganTrainer(c, 10);
    TrainingState start = t.initialState(1);
    assertArrayEquals(start.tensor(DcganTrainer.GENERATOR),
        start.tensor(DcganTrainer.GENERATOR_EMA));
    TrainingState end = t.train(start, DigitFixtures.blobs(40, 1), 3, 2);
    float[] g0 = start.tensor(DcganTrainer.GENERATOR);
    float[] g = end.tensor(DcganTrainer.GENERATOR);
    float[] ema = end.tensor(DcganTrainer.GENERATOR_EMA);
    double moved = 0;
    double emaMoved = 0;
    for (int i = 0; i < g.length; i++) {
      moved += Math.abs(g[i] - g0[i]);
      emaMoved += Math.abs(ema[i] - g0[i]);
    }
    assertTrue(emaMoved > 0 && emaMoved < moved, "ema moved " + emaMoved + " of " + moved);
    assertTrue(DcganTrainer.samplingWeights(end.tensors()) == ema, "generation uses the average");
    assertEquals(null, new DcganTrainer(DigitFixtures.tiny(), 10).initialState(1).tensors()
        .get(DcganTrainer.GENERATOR_EMA), "off by default");
  }
}
