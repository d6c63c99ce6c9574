package io.synthgen.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.synthgen.model.testing.GradientCheck;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

  /** The trunk's definition in double, layer by layer: concat(ReLU(BN(xW + b)), x), then out. */
  private static double[][] referenceInference(ResidualGenerator g, INDArray x, int[] widths) {
    double[][] h = toDouble(x);
    for (int i = 0; i < widths.length; i++) {
      double[][] z = affine(h, g.parameters().value("res" + i + ".fc.W"),
          g.parameters().value("res" + i + ".fc.b"));
      float[] gamma = g.parameters().value("res" + i + ".bn.gamma").toFloatVector();
      float[] beta = g.parameters().value("res" + i + ".bn.beta").toFloatVector();
      float[] mean = g.buffers().value("res" + i + ".bn.runningMean").toFloatVector();
      float[] var = g.buffers().value("res" + i + ".bn.runningVar").toFloatVector();
      double[][] next = new double[h.length][];
      for (int r = 0; r < h.length; r++) {
        next[r] = new double[widths[i] + h[r].length];
        for (int j = 0; j < widths[i]; j++) {
          double bn = (z[r][j] - mean[j]) / Math.sqrt(var[j] + 1e-5) * gamma[j] + beta[j];
          next[r][j] = Math.max(0, bn);
        }
        System.arraycopy(h[r], 0, next[r], widths[i], h[r].length);
      }
      h = next;
    }
    return affine(h, g.parameters().value("out.W"), g.parameters().value("out.b"));
  }

  private static double[][] toDouble(INDArray x) {
    double[][] d = new double[(int) x.rows()][];
    for (int r = 0; r < d.length; r++) {
      float[] row = x.getRow(r).toFloatVector();
      d[r] = new double[row.length];
      for (int j = 0; j < row.length; j++) {
        d[r][j] = row[j];
      }
    }
    return d;
  }

  private static double[][] affine(double[][] h, INDArray w, INDArray b) {
    double[][] wd = toDouble(w);
    float[] bias = b.toFloatVector();
    double[][] y = new double[h.length][bias.length];
    for (int r = 0; r < h.length; r++) {
      for (int j = 0; j < bias.length; j++) {
        double sum = bias[j];
        for (int k = 0; k < h[r].length; k++) {
          sum += h[r][k] * wd[k][j];
        }
        y[r][j] = sum;
      }
    }
    return y;
  }

  /**
   * Architectures whose parameter blocks sit at different offsets of the flat vector (the
   * second is the shape of a private-GAN test's generator, whose output weights once sliced
   * empty).
   */
  @ParameterizedTest
  @CsvSource({"4, 6:5, 3", "21, 32, 23", "9, 16:8:4, 11"})
  void inferenceForwardIsTheLayerByLayerDefinition(int inputWidth, String hidden, int outputWidth) {
    int[] widths = java.util.Arrays.stream(hidden.split(":")).mapToInt(Integer::parseInt).toArray();
    ResidualGenerator g = new ResidualGenerator(inputWidth, widths, outputWidth);
    g.initialize(new SplittableRandom(1));
    Random rng = Nd4j.getRandomFactory().getNewRandomInstance(10);
    // running statistics and batch-norm parameters away from their initial 0/1
    for (int i = 0; i < 20; i++) {
      g.forwardTrain(Nd4j.randn(rng, 7, inputWidth).castTo(DataType.FLOAT).muli(2).addi(0.5),
          new ResidualGenerator.Pass());
    }
    INDArray flat = g.parameters().flatValues();
    flat.addi(Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(5), flat.shape())
        .castTo(DataType.FLOAT).muli(0.1));
    INDArray x = Nd4j.randn(rng, 9, inputWidth).castTo(DataType.FLOAT);
    double[][] expected = referenceInference(g, x, widths);
    float[] actual = g.forwardInference(x).data().asFloat();
    for (int r = 0; r < expected.length; r++) {
      for (int j = 0; j < outputWidth; j++) {
        assertEquals(expected[r][j], actual[r * outputWidth + j], 1e-4,
            "row " + r + ", logit " + j);
      }
    }
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
