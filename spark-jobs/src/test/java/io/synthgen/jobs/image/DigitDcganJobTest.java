package io.synthgen.jobs.image;

import static io.synthgen.jobs.testing.JobFixtures.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.image.DigitImages;
import io.synthgen.image.PngCodec;
import io.synthgen.jobs.testing.DigitJobFixtures;
import io.synthgen.jobs.testing.JobFixtures;
import io.synthgen.jobs.testing.SharedSparkSession;
import io.synthgen.model.bundle.LocalBundleStore;
import io.synthgen.model.bundle.ModelBundle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Train a tiny conditional digit DCGAN once with real Spark local[2]; exercise every job on it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DigitDcganJobTest {
  @RegisterExtension static final SharedSparkSession SPARK =
      SharedSparkSession.local("local[2]");
  @TempDir static Path dir;
  Path model;

  @BeforeAll
  void trainOnce() throws Exception {
    Path input = DigitJobFixtures.writeIdx(dir.resolve("idx"), DigitJobFixtures.sample(192));
    model = dir.resolve("model");
    JobFixtures.Run r = JobFixtures.run(concat(new String[] {"train", "--model", "digit-dcgan",
        "--conditional", "--input", input.toString(), "--model-dir", model.toString(),
        "--epochs", "2", "--workers", "2", "--seed", "3", "--master", "local[2]"},
        DigitJobFixtures.TINY_MODEL));
    assertEquals(0, r.exitCode(), r.stderr());
  }

  private static BufferedImage png(byte[] bytes) throws Exception {
    return ImageIO.read(new ByteArrayInputStream(bytes));
  }

  private List<Row> generate(String output, String... extra) {
    JobFixtures.Run r = JobFixtures.run(concat(new String[] {"generate", "--model-dir",
        model.toString(), "--output", dir.resolve(output).toString(), "--master", "local[2]"},
        extra));
    assertEquals(0, r.exitCode(), r.stderr());
    return JobFixtures.readParquet(dir.resolve(output));
  }

  @Test
  void trainingWritesHistoryWithDiscriminatorAccuracyAndSampleGrids() throws Exception {
    ModelBundle b = ModelBundle.read(new LocalBundleStore(model));
    var training = b.training();
    // 192 images, batch 16 over 2 workers (batch-scope global, digit-dcgan's default): 8 rows
    // per worker step, 12 steps per epoch, 2 epochs, 3 steps per round = 8 rounds
    assertEquals(8, training.path("round").asInt());
    assertEquals("global", b.config().get("batch-scope"), "the family's default");
    var last = training.path("history").get(7);
    for (String m : new String[] {"d_loss", "g_loss", "d_real_acc", "d_fake_acc"}) {
      assertTrue(last.has(m), m + " in " + last);
    }
    assertEquals("true", b.config().get("conditional"));
    assertEquals(10, b.transformer().path("classCounts").size());
    for (int round : new int[] {2, 4}) {
      Path grid = model.resolve(String.format(DigitDcganFamily.GRID_NAME, round));
      BufferedImage img = png(Files.readAllBytes(grid));
      assertEquals(10 * 28 + 11 * 2, img.getWidth());
      assertEquals(img.getWidth(), img.getHeight());
    }
  }

  @Test
  void resumeContinuesTheScheduleWithTheRecordedModelOptions() throws Exception {
    Path copy = JobFixtures.copyDirectory(model, dir.resolve("resumed"));
    Path input = dir.resolve("idx").resolve("train-images-idx3-ubyte.gz");
    JobFixtures.Run r = JobFixtures.run("train", "--resume", "--input", input.toString(),
        "--model-dir", copy.toString(), "--epochs", "3", "--workers", "2", "--master",
        "local[2]");
    assertEquals(0, r.exitCode(), r.stderr());
    ModelBundle b = ModelBundle.read(new LocalBundleStore(copy));
    assertEquals(NAME_OF_FAMILY, b.model());
    assertEquals(12, b.training().path("round").asInt(),
        "8 rounds + 4 more for the third epoch");
    assertEquals(12, b.training().path("history").size());
    assertEquals("8", b.config().get("generator-channels"), "model keys come from the bundle");
    assertTrue(Files.exists(copy.resolve(String.format(DigitDcganFamily.GRID_NAME, 6))));
  }

  private static final String NAME_OF_FAMILY = DigitDcganFamily.NAME;

  @Test
  void classBalancedGenerationIsExactDecodableAndIndependentOfPartitioning() throws Exception {
    List<Row> three = generate("balanced3", "--rows", "37", "--class-balanced", "--partitions",
        "3", "--preview", dir.resolve("preview.png").toString());
    List<Row> two = generate("balanced2", "--rows", "37", "--class-balanced", "--partitions",
        "2");
    assertEquals(37, three.size());
    Map<Long, byte[]> byIndex = new HashMap<>();
    Map<Integer, Integer> perClass = new TreeMap<>();
    for (Row r : three) {
      byte[] image = r.getAs("image");
      BufferedImage img = png(image);
      assertEquals(28, img.getWidth());
      assertEquals(28, img.getHeight());
      long index = r.getAs("index");
      assertEquals(3L, (long) r.getAs("seed"));
      assertEquals(index % 10, (int) r.getAs("label"));
      perClass.merge(r.getAs("label"), 1, Integer::sum);
      byIndex.put(index, image);
    }
    assertEquals(37, byIndex.size(), "indices 0..36 each once");
    for (int c = 0; c < 10; c++) {
      assertEquals(c < 7 ? 4 : 3, perClass.get(c), "class " + c);
    }
    for (Row r : two) {
      assertArrayEquals(byIndex.get((long) r.getAs("index")), (byte[]) r.getAs("image"),
          "image " + r.getAs("index") + " depends on (seed, index) only");
    }
    BufferedImage preview = png(Files.readAllBytes(dir.resolve("preview.png")));
    assertEquals(4 * 28 + 5 * 2, preview.getHeight(), "37 images: 4 rows of 10");
  }

  @Test
  void conditionGivesEveryImageTheLabelAndAnotherSeedOtherImages() {
    List<Row> sevens = generate("sevens", "--rows", "20", "--condition", "label=7", "--seed",
        "11");
    assertEquals(20, sevens.size());
    assertTrue(sevens.stream().allMatch(r -> (int) r.getAs("label") == 7));
    List<Row> other = generate("sevens12", "--rows", "20", "--condition", "label=7", "--seed",
        "12");
    byte[] a = sevens.stream().filter(r -> (long) r.getAs("index") == 0).findFirst()
        .orElseThrow().getAs("image");
    byte[] b = other.stream().filter(r -> (long) r.getAs("index") == 0).findFirst()
        .orElseThrow().getAs("image");
    assertFalse(java.util.Arrays.equals(a, b));
  }

  @Test
  void aBundleWrittenBeforeTheStride1KeyGeneratesWithoutTheLayer() throws Exception {
    // the fixture trains without the stride-1 layer, as every model did before the key existed
    Path old = JobFixtures.copyDirectory(model, dir.resolve("model-before-stride1-key"));
    Path manifest = old.resolve("bundle.json");
    var json = (com.fasterxml.jackson.databind.node.ObjectNode) ModelBundle.json()
        .readTree(manifest.toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("config"))
        .remove("generator-stride1-layer");
    ModelBundle.json().writeValue(manifest.toFile(), json);
    Files.deleteIfExists(old.resolve(".bundle.json.crc"));
    List<Row> expected = generate("before-key-expected", "--rows", "6", "--seed", "5");
    JobFixtures.Run r = JobFixtures.run("generate", "--model-dir", old.toString(), "--rows", "6",
        "--seed", "5", "--output", dir.resolve("before-key").toString(), "--master", "local[2]");
    assertEquals(0, r.exitCode(), r.stderr());
    List<Row> actual = JobFixtures.readParquet(dir.resolve("before-key"));
    assertEquals(6, actual.size());
    for (Row a : actual) {
      long index = a.getAs("index");
      Row e = expected.stream().filter(x -> (long) x.getAs("index") == index).findFirst()
          .orElseThrow();
      assertArrayEquals((byte[]) e.getAs("image"), (byte[]) a.getAs("image"), "image " + index);
    }
  }

  @Test
  void pngOutputWritesOneFilePerImageAndTheirLabels() throws Exception {
    JobFixtures.Run r = JobFixtures.run("generate", "--model-dir", model.toString(), "--rows",
        "15", "--output", dir.resolve("pngs").toString(), "--output-format", "png",
        "--master", "local[2]");
    assertEquals(0, r.exitCode(), r.stderr());
    try (var files = Files.list(dir.resolve("pngs"))) {
      assertEquals(15, files.filter(f -> f.toString().endsWith(".png")).count());
    }
    byte[] first = Files.readAllBytes(dir.resolve("pngs").resolve("000000000.png"));
    assertEquals(DigitImages.PIXELS, PngCodec.decodeDigit(first, "000000000.png").length);
    List<String> labels = Files.readAllLines(dir.resolve("pngs").resolve("labels.txt"));
    assertEquals(15, labels.size());
    assertTrue(labels.stream().allMatch(l -> l.matches("[0-9]")));
  }

  @Test
  void exploreDrawsInterpolationsPerClassAndAGrid() throws Exception {
    JobFixtures.Run r = JobFixtures.run("explore", "--model-dir", model.toString(), "--output",
        dir.resolve("walk.png").toString(), "--interpolate", "0,5", "--steps", "8");
    assertEquals(0, r.exitCode(), r.stderr());
    BufferedImage walk = png(Files.readAllBytes(dir.resolve("walk.png")));
    assertEquals(8 * 28 + 9 * 2, walk.getWidth());
    assertEquals(10 * 28 + 11 * 2, walk.getHeight(), "one row per class");
    r = JobFixtures.run("explore", "--model-dir", model.toString(), "--output",
        dir.resolve("grid.png").toString(), "--grid", "0,1", "--steps", "5", "--condition",
        "label=2");
    assertEquals(0, r.exitCode(), r.stderr());
    BufferedImage grid = png(Files.readAllBytes(dir.resolve("grid.png")));
    assertEquals(5 * 28 + 6 * 2, grid.getWidth());
    assertEquals(grid.getWidth(), grid.getHeight());
  }

  @Test
  void badGenerateAndExploreRequestsAreRejected() {
    JobFixtures.Run r = JobFixtures.run("generate", "--model-dir", model.toString(), "--rows",
        "5", "--condition", "label=12", "--output", dir.resolve("bad1").toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.stderr().contains("label=12") && r.stderr().contains("0..9"), r.stderr());
    assertFalse(Files.exists(dir.resolve("bad1")));
    r = JobFixtures.run("generate", "--model-dir", model.toString(), "--rows", "5",
        "--output-format", "csv", "--output", dir.resolve("bad2").toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.stderr().contains("'csv'") && r.stderr().contains("png"), r.stderr());
    assertFalse(Files.exists(dir.resolve("bad2")));
    r = JobFixtures.run("explore", "--model-dir", model.toString(), "--output",
        dir.resolve("bad.png").toString(), "--grid", "0,99", "--condition", "label=1");
    assertEquals(2, r.exitCode());
    assertTrue(r.stderr().contains("0,99") && r.stderr().contains("0..15"), r.stderr());
    assertFalse(Files.exists(dir.resolve("bad.png")));
  }
}
