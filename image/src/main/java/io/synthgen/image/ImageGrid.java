package io.synthgen.image;

import java.util.Arrays;

/** Tiles digit images into one grayscale PNG, row by row, with a thin gray gutter. */
public final class ImageGrid {
  static final int GUTTER = 2;
  static final byte GUTTER_SHADE = (byte) 96;

  private ImageGrid() {}

  /**
   * Renders the first {@code rows * cols} images of {@code images} (fewer leave blank cells) as a
   * PNG grid, image {@code r * cols + c} in row {@code r}, column {@code c}.
   */
  public static byte[] render(DigitImages images, int rows, int cols) {
    int s = DigitImages.SIDE;
    int w = cols * s + (cols + 1) * GUTTER;
    int h = rows * s + (rows + 1) * GUTTER;
    byte[] canvas = new byte[w * h];
    Arrays.fill(canvas, GUTTER_SHADE);
    int n = Math.min(images.count(), rows * cols);
    byte[] px = images.pixels();
    for (int i = 0; i < n; i++) {
      int x0 = GUTTER + (i % cols) * (s + GUTTER);
      int y0 = GUTTER + (i / cols) * (s + GUTTER);
      for (int y = 0; y < s; y++) {
        System.arraycopy(px, i * DigitImages.PIXELS + y * s, canvas, (y0 + y) * w + x0, s);
      }
    }
    for (int i = n; i < rows * cols; i++) {
      int x0 = GUTTER + (i % cols) * (s + GUTTER);
      int y0 = GUTTER + (i / cols) * (s + GUTTER);
      for (int y = 0; y < s; y++) {
        Arrays.fill(canvas, (y0 + y) * w + x0, (y0 + y) * w + x0 + s, (byte) 0);
      }
    }
    return PngCodec.encode(canvas, 0, w, h);
  }
}
