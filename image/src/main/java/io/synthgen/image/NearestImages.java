package io.synthgen.image;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Distance (L2, pixels scaled to [0, 1]) from each of a fixed set of query images to its nearest
 * reference image, fed reference images partition by partition and merged by element-wise
 * minimum: the memorization signal of the image evaluation. A candidate stops accumulating as
 * soon as it is farther than the best so far.
 */
public final class NearestImages implements Serializable {
  private static final long serialVersionUID = 1L;
  private final double[] best;

  public NearestImages(int queries) {
    best = new double[queries];
    Arrays.fill(best, Double.POSITIVE_INFINITY);
  }

  /** Offers every image of {@code reference} to every query ({@code queries}: 784 bytes each). */
  public NearestImages offer(byte[] queries, DigitImages reference) {
    int px = DigitImages.PIXELS;
    byte[] ref = reference.pixels();
    double scale = 1.0 / (255.0 * 255.0);
    for (int q = 0; q < best.length; q++) {
      int qo = q * px;
      double b = best[q] * best[q] / scale;
      for (int r = 0; r < reference.count(); r++) {
        int ro = r * px;
        long d = 0;
        for (int p = 0; p < px && d < b; p++) {
          int diff = (queries[qo + p] & 0xff) - (ref[ro + p] & 0xff);
          d += (long) diff * diff;
        }
        if (d < b) {
          b = d;
        }
      }
      best[q] = Math.sqrt(b * scale);
    }
    return this;
  }

  public NearestImages merge(NearestImages o) {
    for (int q = 0; q < best.length; q++) {
      best[q] = Math.min(best[q], o.best[q]);
    }
    return this;
  }

  public double[] distances() {
    return best.clone();
  }
}
