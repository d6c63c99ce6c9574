package io.synthgen.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AdamOptimizerTest {
  @Test
  void twoStepsMatchPyTorchFormula() {
    ParameterSet p = ParameterSet.builder().add("w", 1, 1).build();
    p.value("w").assign(1.0);
    AdamOptimizer adam = new AdamOptimizer(1, 0.1, 0.5, 0.9, 0.01);
    double theta = 1.0;
    double m = 0;
    double v = 0;
    double[] grads = {0.3, -0.2};
    for (int t = 1; t <= 2; t++) {
      p.flatGradients().assign(grads[t - 1]);
      adam.update(p, t);
      double g = grads[t - 1] + 0.01 * theta;
      m = 0.5 * m + 0.5 * g;
      v = 0.9 * v + 0.1 * g * g;
      theta -= 0.1 * (m / (1 - Math.pow(0.5, t))) / (Math.sqrt(v / (1 - Math.pow(0.9, t))) + 1e-8);
      assertEquals(theta, p.flatValues().getDouble(0), 1e-6);
    }
  }

  @Test
  void epsilonSitsAfterTheBiasCorrectedRootAsInPyTorch() {
    // gradients of the size of eps: where eps is added decides the step
    ParameterSet p = ParameterSet.builder().add("w", 1, 1).build();
    p.value("w").assign(0.0);
    AdamOptimizer adam = new AdamOptimizer(1, 1.0, 0.9, 0.999, 0);
    double theta = 0;
    double m = 0;
    double v = 0;
    for (int t = 1; t <= 3; t++) {
      double g = 2e-8;
      p.flatGradients().assign(g);
      adam.update(p, t);
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g * g;
      theta -= (m / (1 - Math.pow(0.9, t))) / (Math.sqrt(v / (1 - Math.pow(0.999, t))) + 1e-8);
      assertEquals(theta, p.flatValues().getDouble(0), 1e-5 * Math.abs(theta));
    }
    assertEquals(-2.0, theta, 0.01, "three steps of 2/3 each");
  }

  @Test
  void aVectorOfParametersFollowsThePyTorchFormulaElementByElement() {
    int n = 7;
    ParameterSet p = ParameterSet.builder().add("w", 1, n).build();
    java.util.SplittableRandom rng = new java.util.SplittableRandom(4);
    double[] theta = new double[n];
    for (int i = 0; i < n; i++) {
      theta[i] = rng.nextGaussian();
    }
    p.value("w").assign(org.nd4j.linalg.factory.Nd4j.createFromArray(theta).castTo(
        org.nd4j.linalg.api.buffer.DataType.FLOAT).reshape(1, n));
    AdamOptimizer adam = new AdamOptimizer(n, 2e-3, 0.5, 0.9, 1e-3);
    double[] m = new double[n];
    double[] v = new double[n];
    for (int t = 1; t <= 10; t++) {
      double[] g = new double[n];
      for (int i = 0; i < n; i++) {
        g[i] = rng.nextGaussian();
      }
      p.flatGradients().assign(org.nd4j.linalg.factory.Nd4j.createFromArray(g).castTo(
          org.nd4j.linalg.api.buffer.DataType.FLOAT));
      adam.update(p, t);
      for (int i = 0; i < n; i++) {
        double gi = (float) g[i] + 1e-3 * theta[i];
        m[i] = 0.5 * m[i] + 0.5 * gi;
        v[i] = 0.9 * v[i] + 0.1 * gi * gi;
        theta[i] -= 2e-3 * (m[i] / (1 - Math.pow(0.5, t)))
            / (Math.sqrt(v[i] / (1 - Math.pow(0.9, t))) + 1e-8);
        assertEquals(theta[i], p.flatValues().getDouble(i), 1e-5, "step " + t + " element " + i);
        assertEquals(m[i], adam.firstMoment().getDouble(i), 1e-5);
        assertEquals(v[i], adam.secondMoment().getDouble(i), 1e-5);
      }
    }
  }

  @Test
  void aZeroLearningRateLeavesTheParametersAndStillTracksTheMoments() {
    ParameterSet p = ParameterSet.builder().add("w", 1, 1).build();
    p.value("w").assign(0.25);
    AdamOptimizer adam = new AdamOptimizer(1, 0, 0.5, 0.9, 0);
    p.flatGradients().assign(0.4);
    adam.update(p, 1);
    assertEquals(0.25, p.flatValues().getDouble(0), 0);
    assertEquals(0.2, adam.firstMoment().getDouble(0), 1e-7);
  }
}
