package io.synthgen.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.testing.GradientCheck;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MlpClassifierTest {
  /** Share of a separable problem's rows a trained classifier must get right. */
  private static final double MIN_ACCURACY = 0.95;

  private static MlpClassifier classifier(int in, int classes) {
    MlpClassifier c = new MlpClassifier(in, new int[] {6, 5}, classes);
    c.initialize(new SplittableRandom(3));
    return c;
  }

  private static INDArray input(int rows, int width, long seed) {
    return Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(seed), rows, width)
        .castTo(DataType.FLOAT);
  }

  @Test
  void inputGradientOfTheCrossEntropyMatchesFiniteDifferences() {
    MlpClassifier c = classifier(4, 3);
    INDArray x = input(7, 4, 1);
    int[] y = {0, 1, 2, 2, 1, 0, 1};
    MlpClassifier.Pass pass = c.forward(x);
    INDArray dx = c.backward(pass, MlpClassifier.crossEntropy(pass, y).gradient(), false, true);
    GradientCheck.check(x.reshape(-1), dx.reshape(-1),
        () -> MlpClassifier.crossEntropy(c.forward(x), y).value(), 20, 7, 1e-2);
  }

  @Test
  void parameterGradientOfTheCrossEntropyMatchesFiniteDifferences() {
    MlpClassifier c = classifier(4, 3);
    INDArray x = input(7, 4, 2);
    int[] y = {2, 1, 0, 0, 1, 2, 1};
    c.parameters().zeroGradients();
    MlpClassifier.Pass pass = c.forward(x);
    c.backward(pass, MlpClassifier.crossEntropy(pass, y).gradient(), true, false);
    GradientCheck.check(c.parameters().flatValues(), c.parameters().flatGradients(),
        () -> MlpClassifier.crossEntropy(c.forward(x), y).value(), 30, 8, 1e-2);
  }

  @Test
  void crossEntropyOfUniformLogitsIsLogOfTheClassCount() {
    MlpClassifier.Pass pass = new MlpClassifier(2, new int[0], 4).forward(Nd4j.zeros(
        DataType.FLOAT, 3, 2));
    assertEquals(Math.log(4), MlpClassifier.crossEntropy(pass, new int[] {0, 3, 1}).value(),
        1e-6);
  }

  @Test
  void learnsASeparableProblem() {
    MlpClassifier c = classifier(2, 2);
    AdamOptimizer adam = new AdamOptimizer(c.parameters().size(), 1e-2, 0.9, 0.999, 0);
    INDArray x = input(200, 2, 5);
    int[] y = new int[200];
    for (int r = 0; r < y.length; r++) {
      y[r] = x.getDouble(r, 0) + x.getDouble(r, 1) > 0 ? 1 : 0;
    }
    for (int step = 1; step <= 300; step++) {
      c.parameters().zeroGradients();
      MlpClassifier.Pass pass = c.forward(x);
      c.backward(pass, MlpClassifier.crossEntropy(pass, y).gradient(), true, false);
      adam.update(c.parameters(), step);
    }
    INDArray predicted = c.forward(x).logits().argMax(1);
    int right = 0;
    for (int r = 0; r < y.length; r++) {
      right += predicted.getInt(r) == y[r] ? 1 : 0;
    }
    assertTrue(right >= MIN_ACCURACY * y.length, right + " of " + y.length + " right");
  }

  @Test
  void oneClassIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new MlpClassifier(3, new int[] {4}, 1));
    assertTrue(e.getMessage().contains("2 classes"), e.getMessage());
  }
}
