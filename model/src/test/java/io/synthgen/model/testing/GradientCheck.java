package io.synthgen.model.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Central finite differences against analytic gradients, for tests of hand-written backprop. */
public final class GradientCheck {
  /** Relative tolerance for float32 central differences. */
  public static final double RELATIVE_TOLERANCE = 0.05;
  /** Absolute slack for near-zero gradients. */
  public static final double ABSOLUTE_TOLERANCE = 2e-3;

  private GradientCheck() {}

  /**
   * Checks {@code samples} random coordinates of {@code values} (a flat vector): the analytic
   * gradient {@code analytic} against (f(x+h) - f(x-h)) / 2h.
   */
  public static void check(INDArray values, INDArray analytic, DoubleSupplier f, int samples,
      long seed, double h) {
    SplittableRandom rng = new SplittableRandom(seed);
    int n = (int) values.length();
    for (int s = 0; s < samples; s++) {
      int i = rng.nextInt(n);
      double orig = values.getDouble(i);
      values.putScalar(i, orig + h);
      double plus = f.getAsDouble();
      values.putScalar(i, orig - h);
      double minus = f.getAsDouble();
      values.putScalar(i, orig);
      double numeric = (plus - minus) / (2 * h);
      double exact = analytic.getDouble(i);
      double err = Math.abs(numeric - exact);
      assertTrue(err <= ABSOLUTE_TOLERANCE + RELATIVE_TOLERANCE * Math.max(Math.abs(numeric),
              Math.abs(exact)),
          "coordinate " + i + ": analytic " + exact + " vs numeric " + numeric);
    }
  }
}
