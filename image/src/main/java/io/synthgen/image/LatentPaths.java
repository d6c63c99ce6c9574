package io.synthgen.image;

/**
 * Paths through a generator's latent space for inspecting what it learned, as in Radford et al.
 * (2016, section 6.1: "walking in the latent space"): a straight line between two latent points,
 * and a 2-D sweep of two chosen dimensions with all others fixed.
 */
public final class LatentPaths {
  private LatentPaths() {}

  /** {@code steps} points evenly spaced on the segment from {@code a} to {@code b}, ends included. */
  public static float[][] interpolate(float[] a, float[] b, int steps) {
    if (a.length != b.length || steps < 2) {
      throw new IllegalArgumentException("need two points of one size and at least 2 steps");
    }
    float[][] out = new float[steps][a.length];
    for (int s = 0; s < steps; s++) {
      float t = (float) s / (steps - 1);
      for (int i = 0; i < a.length; i++) {
        out[s][i] = (1 - t) * a[i] + t * b[i];
      }
    }
    return out;
  }

  /**
   * A {@code steps x steps} grid, row-major: {@code base} with dimension {@code rowDim} swept over
   * [-range, range] down the rows and {@code colDim} across the columns.
   */
  public static float[][] grid(float[] base, int rowDim, int colDim, double range, int steps) {
    if (rowDim == colDim || rowDim < 0 || colDim < 0 || rowDim >= base.length
        || colDim >= base.length || steps < 2) {
      throw new IllegalArgumentException("need two different dimensions in 0.."
          + (base.length - 1) + " and at least 2 steps");
    }
    float[][] out = new float[steps * steps][];
    for (int r = 0; r < steps; r++) {
      for (int c = 0; c < steps; c++) {
        float[] z = base.clone();
        z[rowDim] = (float) (-range + 2 * range * r / (steps - 1));
        z[colDim] = (float) (-range + 2 * range * c / (steps - 1));
        out[r * steps + c] = z;
      }
    }
    return out;
  }
}
