package io.synthgen.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LatentPathsTest {
  @Test
  void interpolationStartsAndEndsAtTheEndpoints() {
    float[] a = {0, 2, -4};
    float[] b = {4, 2, 0};
    float[][] p = LatentPaths.interpolate(a, b, 5);
    assertArrayEquals(a, p[0]);
    assertArrayEquals(b, p[4]);
    assertArrayEquals(new float[] {2, 2, -2}, p[2], 1e-6f);
  }

  @Test
  void gridSweepsOnlyTheTwoChosenDimensions() {
    float[] base = {0.5f, 0.5f, 0.5f, 0.5f};
    float[][] g = LatentPaths.grid(base, 1, 3, 2.0, 3);
    assertEquals(9, g.length);
    assertArrayEquals(new float[] {0.5f, -2f, 0.5f, -2f}, g[0], 1e-6f);
    assertArrayEquals(new float[] {0.5f, 0f, 0.5f, 2f}, g[5], 1e-6f);
    assertArrayEquals(new float[] {0.5f, 2f, 0.5f, 2f}, g[8], 1e-6f);
  }

  @Test
  void gridRejectsTheSameDimensionTwice() {
    assertThrows(IllegalArgumentException.class,
        () -> LatentPaths.grid(new float[4], 2, 2, 1, 3));
  }
}
