package io.synthgen.image;

import java.util.Random;

/** Tiny, seeded digit fixtures: blobs whose position depends on the label. */
final class DigitImageFixtures {
  private DigitImageFixtures() {}

  /** {@code n} labelled 28x28 images: a bright 6x6 square placed by label, plus noise. */
  static DigitImages blobs(int n, long seed) {
    Random r = new Random(seed);
    byte[] px = new byte[n * DigitImages.PIXELS];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % DigitImages.CLASSES;
      int x0 = 2 + 2 * labels[i];
      int y0 = 4 + r.nextInt(12);
      for (int y = 0; y < 6; y++) {
        for (int x = 0; x < 6; x++) {
          px[i * DigitImages.PIXELS + (y0 + y) * DigitImages.SIDE + x0 + x] =
              (byte) (200 + r.nextInt(56));
        }
      }
    }
    return new DigitImages(px, labels);
  }

  /** A tiny network configuration for fast tests. */
  static DcganConfig tiny(String... overrides) {
    String[] base = {"generator-channels", "8", "discriminator-channels", "4", "batch-size", "16",
        "latent-dim", "12"};
    String[] all = new String[base.length + overrides.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(overrides, 0, all, base.length, overrides.length);
    return DcganConfig.of(all);
  }
}
