package io.synthgen.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.synthgen.model.testing.GradientCheck;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

class ResidualGeneratorTest {
  private static ResidualGenerator generator() {
    ResidualGenerator g = new ResidualGenerator(4, new int[] {6, 5}, 3);
    g.initialize(new SplittableRandom(1));
    return g;
  }

  private static INDArray input(long seed) {
    Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
    return Nd4j.randn(rng, 7, 4).castTo(DataType.FLOAT);
  }

  @Test
  void trainingBackwardMatchesFiniteDifferencesThroughBatchNorm() {
    ResidualGenerator g = generator();
    INDArray x = input(2);
    INDArray weights = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(3), 7, 3)
        .castTo(DataType.FLOAT);
    g.parameters().zeroGradients();
    ResidualGenerator.Pass pass = new ResidualGenerator.Pass();
    g.forwardTrain(x, pass);
    g.backward(weights, pass);
    INDArray analytic = g.parameters().flatGradients().dup();
    GradientCheck.check(g.parameters().flatValues(), analytic,
        () -> g.forwardTrain(x, new ResidualGenerator.Pass()).mul(weights).sumNumber().doubleValue(),
        40, 4, 1e-3);
  }

  @Test
  void inferenceUsesRunningStatisticsSoOutputIsBatchIndependent() {
    ResidualGenerator g = generator();
    for (int i = 0; i < 20; i++) {
      g.forwardTrain(input(10 + i), new ResidualGenerator.Pass());
    }
    INDArray x = input(99);
    INDArray all = g.forwardInference(x);
    INDArray firstRowAlone = g.forwardInference(x.getRow(0, true));
    assertArrayEquals(all.getRow(0).toFloatVector(), firstRowAlone.getRow(0).toFloatVector(), 1e-5f);
  }

  @Test
  void batchStatisticsForwardEqualsTrainingForwardAndLeavesRunningStatisticsAlone() {
    ResidualGenerator g = generator();
    for (int i = 0; i < 5; i++) {
      g.forwardTrain(input(10 + i), new ResidualGenerator.Pass());
    }
    float[] running = g.buffers().flatValues().toFloatVector();
    INDArray x = input(42);
    INDArray sampled = g.forwardBatchStatistics(x);
    assertArrayEquals(running, g.buffers().flatValues().toFloatVector(), 0f);
    INDArray trained = g.forwardTrain(x, new ResidualGenerator.Pass());
    assertArrayEquals(trained.data().asFloat(), sampled.data().asFloat(), 1e-5f);
  }

  @Test
  void parameterBlocksAreViewsOfTheFlatVector() {
    ResidualGenerator g = generator();
    g.parameters().value("out.b").assign(7f);
    long size = g.parameters().size();
    assertEquals(7f, g.parameters().flatValues().getFloat(size - 1));
  }
}
