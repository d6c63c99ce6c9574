package io.synthgen.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  /** One pack's rows of every mask (null masks stay null). */
  private static List<INDArray> maskRow(List<INDArray> masks, int p) {
    List<INDArray> out = new java.util.ArrayList<>();
    for (INDArray m : masks) {
      out.add(m == null ? null : m.getRow(p, true).dup());
    }
    return out;
  }

  /**
   * The reference: each pack's gradient computed on its own by the ordinary backward passes and
   * penalty (score of the fake pack, minus the real pack's score and plus the penalty when the
   * pack has real rows), clipped to {@code clip}, summed.
   */
  private static INDArray perPackClippedSum(PacCritic c, INDArray fake, List<INDArray> fakeMasks,
      INDArray real, List<INDArray> realMasks, INDArray interp, List<INDArray> interpMasks,
      double[] hasReal, double lambda, double clip, double[] norms) {
    INDArray sum = Nd4j.zeros(DataType.FLOAT, c.parameters().size());
    for (int p = 0; p < real.rows(); p++) {
      c.parameters().zeroGradients();
      PacCritic.Pass[] pass = new PacCritic.Pass[1];
      c.forward(fake.getRow(p, true).dup(), maskRow(fakeMasks, p), pass);
      c.backward(pass[0], Nd4j.valueArrayOf(new long[] {1, 1}, 1.0, DataType.FLOAT), true,
          false);
      if (hasReal[p] > 0) {
        c.forward(real.getRow(p, true).dup(), maskRow(realMasks, p), pass);
        c.backward(pass[0], Nd4j.valueArrayOf(new long[] {1, 1}, -1.0, DataType.FLOAT), true,
            false);
        c.gradientPenalty(interp.getRow(p, true).dup(), maskRow(interpMasks, p), lambda);
      }
      INDArray g = c.parameters().flatGradients().dup();
      norms[p] = g.norm2Number().doubleValue();
      sum.addi(g.muli(Math.min(1.0, clip / norms[p])));
    }
    return sum;
  }

  @Test
  void clippedPackGradientsEqualTheSumOfEachPacksClippedGradient() {
    PacCritic c = critic();
    INDArray fake = packedInput(c, 20);
    INDArray real = packedInput(c, 21);
    INDArray interp = packedInput(c, 22);
    Random rng = Nd4j.getRandomFactory().getNewRandomInstance(23);
    List<INDArray> fakeMasks = c.drawMasks(real.rows(), rng);
    List<INDArray> realMasks = c.drawMasks(real.rows(), rng);
    List<INDArray> interpMasks = c.drawMasks(real.rows(), rng);
    double[] hasReal = {1, 0, 1, 1};
    INDArray weight = Nd4j.createFromArray(hasReal).castTo(DataType.FLOAT).reshape(4, 1);
    double[] norms = new double[(int) real.rows()];
    perPackClippedSum(c, fake, fakeMasks, real, realMasks, interp, interpMasks, hasReal, 10.0,
        1e9, norms);
    double[] sorted = norms.clone();
    java.util.Arrays.sort(sorted);
    // A clip between the smallest and largest norm: some packs are clipped, some are not.
    double clip = (sorted[0] + sorted[sorted.length - 1]) / 2;
    INDArray expected = perPackClippedSum(c, fake, fakeMasks, real, realMasks, interp,
        interpMasks, hasReal, 10.0, clip, norms);
    c.parameters().zeroGradients();
    INDArray got = c.clippedPackGradients(fake, fakeMasks, real, realMasks, interp, interpMasks,
        weight, 10.0, clip);
    for (int p = 0; p < norms.length; p++) {
      assertEquals(norms[p], got.getDouble(p, 0), 1e-3 * norms[p], "norm of pack " + p);
    }
    INDArray diff = c.parameters().flatGradients().sub(expected);
    assertEquals(0.0, diff.norm2Number().doubleValue(), 1e-4 * expected.norm2Number().doubleValue(),
        "clipped sum");
  }

  @Test
  void clippedPackGradientsAddNoMoreThanClipPerPack() {
    PacCritic c = critic();
    INDArray fake = packedInput(c, 30);
    INDArray real = packedInput(c, 31);
    INDArray interp = packedInput(c, 32);
    Random rng = Nd4j.getRandomFactory().getNewRandomInstance(33);
    c.parameters().zeroGradients();
    c.clippedPackGradients(fake, c.drawMasks(real.rows(), rng), real,
        c.drawMasks(real.rows(), rng), interp, c.drawMasks(real.rows(), rng),
        Nd4j.ones(DataType.FLOAT, real.rows(), 1), 10.0, 0.01);
    assertTrue(c.parameters().flatGradients().norm2Number().doubleValue()
        <= 0.01 * real.rows() * (1 + 1e-5));
  }
}
