package io.synthgen.jobs.testing;

import io.synthgen.image.DigitImages;
import io.synthgen.image.IdxFormat;
import io.synthgen.image.PngCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/** Real MNIST digits from the repository's sample, written in every input format. */
public final class DigitJobFixtures {
  public static final Path SAMPLE_IMAGES = Path.of("..", "examples", "data", "digits",
      "digits-sample-images-idx3-ubyte.gz");
  public static final Path SAMPLE_LABELS = Path.of("..", "examples", "data", "digits",
      "digits-sample-labels-idx1-ubyte.gz");
  /**
   * Tiny networks and few steps: these tests are about plumbing. Without the default's stride-1
   * layer: after a dozen steps its extra batch norm (running statistics still near their start)
   * shrinks the output until every 8-bit image is the same grey, whatever z and label.
   */
  public static final String[] TINY_MODEL = {"--set", "generator-channels=8", "--set",
      "discriminator-channels=4", "--set", "generator-stride1-layer=false", "--set",
      "batch-size=16", "--set", "latent-dim=16", "--set", "averaging-frequency=3", "--set",
      "checkpoint-every=2"};

  private DigitJobFixtures() {}

  /** The first {@code n} digits of the repository's sample. */
  public static DigitImages sample(int n) throws IOException {
    DigitImages all;
    try (InputStream img = Files.newInputStream(SAMPLE_IMAGES);
        InputStream lab = Files.newInputStream(SAMPLE_LABELS)) {
      all = IdxFormat.read(img, SAMPLE_IMAGES.toString(), lab, SAMPLE_LABELS.toString());
    }
    return new DigitImages(Arrays.copyOf(all.pixels(), n * DigitImages.PIXELS),
        Arrays.copyOf(all.labels(), n));
  }

  /** Writes MNIST-named gzipped IDX files; returns the images file. */
  public static Path writeIdx(Path dir, DigitImages d) throws IOException {
    Files.createDirectories(dir);
    Path images = dir.resolve("train-images-idx3-ubyte.gz");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(images))) {
      IdxFormat.writeImages(d, o);
    }
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(
        dir.resolve("train-labels-idx1-ubyte.gz")))) {
      IdxFormat.writeLabels(d.labels(), o);
    }
    return images;
  }

  /** Writes {@code dir/<label>/<i>.png}; returns the folder. */
  public static Path writePngFolder(Path dir, DigitImages d) throws IOException {
    for (int i = 0; i < d.count(); i++) {
      Path f = dir.resolve(Integer.toString(d.labels()[i])).resolve(i + ".png");
      Files.createDirectories(f.getParent());
      Files.write(f, PngCodec.encodeDigit(d.pixels(), i));
    }
    return dir;
  }

  /** Sorted fingerprints (label and pixels) of every image: order-free comparison. */
  public static String[] fingerprints(DigitImages d) {
    String[] f = new String[d.count()];
    for (int i = 0; i < f.length; i++) {
      f[i] = (d.labelled() ? d.labels()[i] : -1) + ":" + Arrays.hashCode(d.image(i));
    }
    Arrays.sort(f);
    return f;
  }
}
