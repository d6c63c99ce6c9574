package io.synthgen.jobs.image;

import static io.synthgen.jobs.testing.JobFixtures.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.image.DigitImages;
import io.synthgen.image.IdxFormat;
import io.synthgen.jobs.testing.DigitJobFixtures;
import io.synthgen.jobs.testing.JobFixtures;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad digit inputs: exit code 2, the file and what is wrong named, no model written. */
class DigitBadInputJobTest {
  @TempDir Path dir;

  private JobFixtures.Run train(Path input, String... extra) {
    String[] base = {"train", "--model", "digit-dcgan", "--input", input.toString(),
        "--model-dir", dir.resolve("model").toString(), "--epochs", "1", "--workers", "1",
        "--master", "local[1]"};
    return JobFixtures.run(concat(concat(base, DigitJobFixtures.TINY_MODEL), extra));
  }

  private void assertRejected(JobFixtures.Run r, String... fragments) {
    JobFixtures.assertRejected(r, dir.resolve("model"), fragments);
  }

  @Test
  void corruptIdxHeaderNamesTheFile() throws Exception {
    Path f = dir.resolve("broken-images-idx3-ubyte");
    Files.write(f, new byte[] {0, 0, 8, 9, 0, 0, 0, 1});
    assertRejected(train(f), "broken-images-idx3-ubyte", "corrupt IDX header", "0x00000809");
  }

  @Test
  void labelCountMismatchNamesBothFiles() throws Exception {
    DigitImages d = DigitJobFixtures.sample(20);
    Path images = DigitJobFixtures.writeIdx(dir.resolve("idx"), d);
    try (OutputStream o = Files.newOutputStream(dir.resolve("short-labels-idx1-ubyte"))) {
      IdxFormat.writeLabels(new int[] {1, 2, 3}, o);
    }
    assertRejected(train(images, "--set", "labels=" + dir.resolve("short-labels-idx1-ubyte")),
        "short-labels-idx1-ubyte", "train-images-idx3-ubyte.gz", "3 labels", "20 images");
  }

  @Test
  void wrongImageSizeInPngFolderNamesTheFile() throws Exception {
    DigitJobFixtures.writePngFolder(dir.resolve("png"), DigitJobFixtures.sample(6));
    java.awt.image.BufferedImage big = new java.awt.image.BufferedImage(32, 32,
        java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    javax.imageio.ImageIO.write(big, "png", dir.resolve("png").resolve("3").resolve("big.png")
        .toFile());
    assertRejected(train(dir.resolve("png")), "big.png", "32x32", "28x28");
  }

  @Test
  void conditionalTrainingOnUnlabelledImagesIsRejected() throws Exception {
    Path images = DigitJobFixtures.writeIdx(dir.resolve("idx"), DigitJobFixtures.sample(20));
    Files.delete(dir.resolve("idx").resolve("train-labels-idx1-ubyte.gz"));
    assertRejected(train(images, "--conditional"), "train-images-idx3-ubyte.gz", "labels",
        "conditional=false");
  }

  @Test
  void emptyPngFolderIsRejected() throws Exception {
    Files.createDirectories(dir.resolve("nothing"));
    assertRejected(train(dir.resolve("nothing")), "nothing", "no images");
  }

  @Test
  void conditionOnUnconditionalModelAndClassBalancedTablesAreRejected() throws Exception {
    Path images = DigitJobFixtures.writeIdx(dir.resolve("idx"), DigitJobFixtures.sample(40));
    Path model = dir.resolve("uncond");
    JobFixtures.Run r = JobFixtures.run(concat(new String[] {"train", "--model", "digit-dcgan",
        "--input", images.toString(), "--model-dir", model.toString(), "--epochs", "1",
        "--workers", "1", "--master", "local[1]"}, DigitJobFixtures.TINY_MODEL));
    assertEquals(0, r.exitCode(), r.stderr());
    r = JobFixtures.run("generate", "--model-dir", model.toString(), "--rows", "5",
        "--condition", "label=3", "--output", dir.resolve("out").toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.stderr().contains("conditional=false") && r.stderr().contains("label=3"),
        r.stderr());
    assertFalse(Files.exists(dir.resolve("out")));
  }
}
