package io.synthgen.image;

import io.synthgen.model.InvalidInputException;
import java.io.Serializable;
import java.util.Arrays;

/**
 * A set of 28x28 grayscale digit images as unsigned bytes (0 = background, 255 = ink, row-major,
 * image after image, as in MNIST), with optional labels 0..9. Plain arrays, so it crosses Spark
 * with any serializer and holds one worker's whole partition compactly (784 bytes an image).
 *
 * @param pixels {@code count * 784} bytes
 * @param labels {@code count} labels in 0..9, or null when the images are unlabelled
 */
public record DigitImages(byte[] pixels, int[] labels) implements Serializable {
  public static final int SIDE = 28;
  public static final int PIXELS = SIDE * SIDE;
  public static final int CLASSES = 10;

  public DigitImages {
    if (pixels.length % PIXELS != 0) {
      throw new IllegalArgumentException(pixels.length + " bytes is not a whole number of "
          + SIDE + "x" + SIDE + " images");
    }
    if (labels != null) {
      if (labels.length != pixels.length / PIXELS) {
        throw new IllegalArgumentException(labels.length + " labels for "
            + pixels.length / PIXELS + " images");
      }
      for (int l : labels) {
        if (l < 0 || l >= CLASSES) {
          throw new IllegalArgumentException("label " + l + " outside 0..9");
        }
      }
    }
  }

  public int count() {
    return pixels.length / PIXELS;
  }

  public boolean labelled() {
    return labels != null;
  }

  /** The 784 bytes of image {@code i} (a copy). */
  public byte[] image(int i) {
    return Arrays.copyOfRange(pixels, i * PIXELS, (i + 1) * PIXELS);
  }

  /** Images per class (all zero when unlabelled). */
  public long[] classCounts() {
    long[] c = new long[CLASSES];
    if (labels != null) {
      for (int l : labels) {
        c[l]++;
      }
    }
    return c;
  }

  /** Fails with a message naming {@code source} when there are no labels. */
  public void requireLabels(String source) {
    if (labels == null) {
      throw new InvalidInputException("images from '" + source + "' have no labels, which "
          + "conditional=true needs: give labels (IDX labels file, PNG sub-folders 0..9 or a "
          + "label column) or train with conditional=false");
    }
  }

  /** Concatenates several sets (all labelled or all unlabelled). */
  public static DigitImages concat(java.util.List<DigitImages> parts) {
    int n = 0;
    boolean labelled = !parts.isEmpty();
    for (DigitImages p : parts) {
      n += p.count();
      labelled &= p.labelled();
    }
    byte[] px = new byte[n * PIXELS];
    int[] lb = labelled ? new int[n] : null;
    int at = 0;
    for (DigitImages p : parts) {
      System.arraycopy(p.pixels, 0, px, at * PIXELS, p.pixels.length);
      if (lb != null) {
        System.arraycopy(p.labels, 0, lb, at, p.count());
      }
      at += p.count();
    }
    return new DigitImages(px, lb);
  }
}
