package io.synthgen.jobs.family;

import io.synthgen.model.bundle.ModelBundle;

/** A model family whose generator can be inspected by walking its latent space. */
public interface LatentSpaceExplorer {
  /**
   * What to draw. Latent points are those of generated images: image {@code i} under
   * {@code seed} (as written by generate).
   *
   * @param seed generation seed the image indices refer to
   * @param condition LABEL=VALUE for conditional models, or null (then one row per class)
   * @param interpolate two image indices to interpolate between, or null
   * @param gridDims two latent dimensions to sweep, or null
   * @param baseIndex the image whose latent point the grid starts from
   * @param range the grid sweeps each dimension over [-range, range]
   * @param steps images per row (interpolation) or per side (grid)
   */
  record ExploreRequest(long seed, String condition, long[] interpolate, int[] gridDims,
      long baseIndex, double range, int steps) {}

  /** Renders the requested walk as a PNG image. */
  byte[] explore(ModelBundle bundle, ExploreRequest request);
}
