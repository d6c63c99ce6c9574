package io.synthgen.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.synthgen.model.testing.GradientCheck;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

class PacCriticTest {
  private static final int WIDTH = 3;
  private static final int PAC = 2;

  private static PacCritic critic() {
    PacCritic c = new PacCritic(WIDTH, PAC, new int[] {5, 4}, 0.5);
    c.initialize(new SplittableRandom(3));
    return c;
  }

  private static INDArray packedInput(PacCritic c, long seed) {
    Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
    return c.pack(Nd4j.randn(rng, 8, WIDTH).castTo(DataType.FLOAT));
  }

  @Test
  void inputGradientMatchesFiniteDifferences() {
    PacCritic c = critic();
    INDArray x = packedInput(c, 1);
    List<INDArray> masks = c.drawMasks(x.rows(), Nd4j.getRandomFactory().getNewRandomInstance(2));
    PacCritic.Pass[] pass = new PacCritic.Pass[1];
    c.forward(x, masks, pass);
    INDArray dx = c.backward(pass[0], Nd4j.ones(DataType.FLOAT, x.rows(), 1), false, true);
    GradientCheck.check(x.reshape(-1), dx.reshape(-1),
        () -> c.forward(x, masks, null).sumNumber().doubleValue(), 12, 7, 1e-2);
  }

  @Test
  void parameterGradientOfScoreMatchesFiniteDifferences() {
    PacCritic c = critic();
    INDArray x = packedInput(c, 4);
    List<INDArray> masks = c.drawMasks(x.rows(), Nd4j.getRandomFactory().getNewRandomInstance(5));
    PacCritic.Pass[] pass = new PacCritic.Pass[1];
    c.parameters().zeroGradients();
    c.forward(x, masks, pass);
    c.backward(pass[0], Nd4j.ones(DataType.FLOAT, x.rows(), 1), true, false);
    GradientCheck.check(c.parameters().flatValues(), c.parameters().flatGradients(),
        () -> c.forward(x, masks, null).sumNumber().doubleValue(), 25, 8, 1e-2);
  }

  @Test
  void gradientPenaltyParameterGradientMatchesFiniteDifferences() {
    PacCritic c = critic();
    INDArray x = packedInput(c, 9);
    List<INDArray> masks = c.drawMasks(x.rows(), Nd4j.getRandomFactory().getNewRandomInstance(6));
    c.parameters().zeroGradients();
    c.gradientPenalty(x, masks, 10.0);
    INDArray analytic = c.parameters().flatGradients().dup();
    GradientCheck.check(c.parameters().flatValues(), analytic,
        () -> c.gradientPenalty(x, masks, 10.0), 40, 9, 5e-3);
  }

  @Test
  void gradientPenaltyValueUsesTheInputGradientNorm() {
    PacCritic c = critic();
    INDArray x = packedInput(c, 11);
    List<INDArray> masks = c.drawMasks(x.rows(), Nd4j.getRandomFactory().getNewRandomInstance(12));
    PacCritic.Pass[] pass = new PacCritic.Pass[1];
    c.forward(x, masks, pass);
    INDArray g = c.backward(pass[0], Nd4j.ones(DataType.FLOAT, x.rows(), 1), false, true);
    double expected = 0;
    for (int r = 0; r < g.rows(); r++) {
      double n = g.getRow(r).norm2Number().doubleValue();
      expected += (n - 1) * (n - 1);
    }
    expected = 10.0 * expected / g.rows();
    assertEquals(expected, c.gradientPenalty(x, masks, 10.0), 1e-4 * Math.max(1, expected));
  }

  @Test
  void packRejectsBatchNotMultipleOfPac() {
    PacCritic c = critic();
    assertThrows(IllegalArgumentException.class, () -> c.pack(Nd4j.zeros(DataType.FLOAT, 3, WIDTH)));
  }
}
