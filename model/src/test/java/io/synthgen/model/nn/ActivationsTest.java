package io.synthgen.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ActivationsTest {
  private static final float[] MIXED = {-3f, -0.5f, -0f, 0f, 0.25f, 2f, -1e-30f, 1e30f};

  @Test
  void leakyReluScalesNegativesAndKeepsTheRest() {
    INDArray x = Nd4j.createFromArray(MIXED).reshape(2, 4);
    INDArray y = Activations.leakyRelu(x, 0.2, true);
    float[] expected = new float[MIXED.length];
    for (int i = 0; i < MIXED.length; i++) {
      expected[i] = MIXED[i] < 0 ? 0.2f * MIXED[i] : MIXED[i];
    }
    assertArrayEquals(expected, y.data().asFloat(), 0f);
    assertArrayEquals(MIXED, x.data().asFloat(), 0f, "dup leaves the input alone");
  }

  @Test
  void leakyReluInPlaceOverwritesItsInput() {
    INDArray x = Nd4j.createFromArray(MIXED).reshape(2, 4);
    INDArray y = Activations.leakyRelu(x, 0.2, false);
    assertSame(x, y);
    assertArrayEquals(new float[] {-0.6f, -0.1f}, new float[] {x.getFloat(0), x.getFloat(1)},
        1e-7f);
  }

  @Test
  void aSlopeOutsideTheOpenUnitIntervalIsRefused() {
    INDArray x = Nd4j.createFromArray(MIXED);
    assertThrows(IllegalArgumentException.class, () -> Activations.leakyRelu(x, 1.5, true));
    assertThrows(IllegalArgumentException.class, () -> Activations.leakyRelu(x, 0, true));
  }
}
