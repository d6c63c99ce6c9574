package io.synthgen.jobs.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.image.DigitImages;
import io.synthgen.jobs.evaluate.EvaluationJob;
import io.synthgen.jobs.testing.DigitJobFixtures;
import io.synthgen.jobs.testing.JobFixtures;
import io.synthgen.jobs.testing.SharedSparkSession;
import io.synthgen.jobs.testing.ReportPageAssertions;
import io.synthgen.model.bundle.LocalBundleStore;
import io.synthgen.model.bundle.ModelBundle;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image evaluation with a digit classifier trained by the project's own job, on real digits
 * presented as "generated" ones, where the answers are known.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DigitEvaluationJobIT {
  @RegisterExtension static final SharedSparkSession SPARK =
      SharedSparkSession.local("local[2]");
  /** Share of held-out real digits below their own 1st-percentile distance: about 1%. */
  private static final double HOLDOUT_MEMORIZED_MAX = 0.03;
  @TempDir static Path dir;
  Path real;
  Path holdout;
  Path classifier;
  Path model;

  @BeforeAll
  void trainClassifier() throws Exception {
    DigitImages all = DigitJobFixtures.sample(1000);
    real = DigitJobFixtures.writeIdx(dir.resolve("real"), slice(all, 0, 700));
    holdout = DigitJobFixtures.writeIdx(dir.resolve("holdout"), slice(all, 700, 1000));
    classifier = dir.resolve("classifier");
    JobFixtures.Run r = JobFixtures.run("train", "--model", "digit-classifier", "--input",
        real.toString(), "--model-dir", classifier.toString(), "--epochs", "4", "--workers", "2",
        "--seed", "3", "--set", "batch-size=32", "--set", "averaging-frequency=5", "--master",
        "local[2]");
    assertEquals(0, r.exitCode(), r.stderr());
    model = dir.resolve("dcgan");
    ObjectNode training = ModelBundle.json().createObjectNode();
    training.put("round", 2);
    training.putArray("history").addObject().put("round", 1).put("d_loss", 1.2)
        .put("g_loss", 0.8).put("d_real_acc", 0.7).put("d_fake_acc", 0.6);
    new ModelBundle(DigitDcganFamily.NAME, 4, Map.of("conditional", "true"),
        ModelBundle.json().createObjectNode(), ModelBundle.json().createObjectNode(), training,
        Map.of()).write(new LocalBundleStore(model), 2);
  }

  private static DigitImages slice(DigitImages d, int from, int to) {
    return new DigitImages(Arrays.copyOfRange(d.pixels(), from * DigitImages.PIXELS,
        to * DigitImages.PIXELS), Arrays.copyOfRange(d.labels(), from, to));
  }

  private JobFixtures.Run evaluate(Path synthetic, Path report, String... extra) {
    String[] base = {"evaluate", "--model-dir", model.toString(), "--real", real.toString(),
        "--synthetic", synthetic.toString(), "--report", report.toString(), "--classifier",
        classifier.toString(), "--master", "local[2]"};
    return JobFixtures.run(JobFixtures.concat(base, extra));
  }

  private static JsonNode images(Path report) throws Exception {
    return ModelBundle.json().readTree(report.resolve("report.json").toFile()).path("images");
  }

  @Test
  void heldOutRealDigitsScoreAsRealOnes() throws Exception {
    Path out = dir.resolve("rep-holdout");
    JobFixtures.Run r = evaluate(holdout, out, "--holdout", holdout.toString());
    assertEquals(0, r.exitCode(), r.stderr());
    JsonNode im = images(out);
    // the same images as the reference: identical feature statistics
    assertEquals(0.0, im.path("classifier_fid").asDouble(), 1e-3);
    assertEquals(300, im.path("n_samples").asInt());
    // labelled "generated" images: accuracy on intended labels is the classifier's own accuracy
    assertEquals(im.path("real_classifier_accuracy").asDouble(),
        im.path("label_accuracy").asDouble(), 1e-9);
    assertTrue(im.path("label_accuracy").asDouble() > 0.5, im.toString());
    assertTrue(im.path("memorized_share").asDouble() <= HOLDOUT_MEMORIZED_MAX, im.toString());
    assertTrue(im.path("nn_real_l2_median").asDouble() > 1, im.toString());
    // class histogram, label accuracy, two training curves
    ReportPageAssertions.assertPageIsSelfContainedWithItsCharts(out, 4);
    Document page = Jsoup.parse(out.resolve("report.html").toFile());
    assertEquals(2, page.select("#samples img").size());
  }

  @Test
  void copiesOfTrainingDigitsAreAllMemorized() throws Exception {
    Path out = dir.resolve("rep-copies");
    JobFixtures.Run r = evaluate(real, out, "--holdout", holdout.toString(), "--gate",
        "memorized_share<=0.05");
    assertEquals(EvaluationJob.EXIT_GATE_FAILED, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("memorized_share<=0.05 (value 1)"), r.stderr());
    JsonNode im = images(out);
    assertEquals(1.0, im.path("memorized_share").asDouble(), 1e-9);
    assertEquals(0.0, im.path("nn_real_l2_median").asDouble(), 1e-9);
  }

  @Test
  void oneRepeatedDigitCoversOneClass() throws Exception {
    DigitImages one = DigitJobFixtures.sample(1);
    int n = 50;
    byte[] px = new byte[n * DigitImages.PIXELS];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(one.pixels(), 0, px, i * DigitImages.PIXELS, DigitImages.PIXELS);
      labels[i] = one.labels()[0];
    }
    Path folder = DigitJobFixtures.writePngFolder(dir.resolve("collapsed"), new DigitImages(px,
        labels));
    Path out = dir.resolve("rep-collapsed");
    JobFixtures.Run r = evaluate(folder, out);
    assertEquals(0, r.exitCode(), r.stderr());
    JsonNode im = images(out);
    assertEquals(1, im.path("classes_ge_5pct").asInt());
    assertEquals(Math.log(10), im.path("kl_from_uniform").asDouble(), 1e-4);
    assertEquals("real", im.path("fid_reference").asText());
    assertTrue(im.path("classifier_fid").asDouble() > 1, im.toString());
    assertTrue(im.path("memorized_share").isTextual(), "needs a holdout: " + im);
  }

  @Test
  void imageEvaluationWithoutAClassifierOrWithAnotherBundleIsBadInput() throws Exception {
    Path out = dir.resolve("rep-bad");
    JobFixtures.Run none = JobFixtures.run("evaluate", "--model-dir", model.toString(), "--real",
        real.toString(), "--synthetic", holdout.toString(), "--report", out.toString(),
        "--master", "local[2]");
    JobFixtures.assertRejected(none, out, "--classifier", "digit-classifier");
    JobFixtures.Run wrong = JobFixtures.run("evaluate", "--model-dir", model.toString(),
        "--real", real.toString(), "--synthetic", holdout.toString(), "--report", out.toString(),
        "--classifier", model.toString(), "--master", "local[2]");
    JobFixtures.assertRejected(wrong, out, "--classifier", "digit-dcgan");
    JobFixtures.Run generate = JobFixtures.run("generate", "--model-dir", classifier.toString(),
        "--rows", "5", "--output", out.toString(), "--master", "local[2]");
    JobFixtures.assertRejected(generate, out, "does not generate");
  }
}
