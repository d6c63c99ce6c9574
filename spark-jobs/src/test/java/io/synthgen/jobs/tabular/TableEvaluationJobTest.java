package io.synthgen.jobs.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.jobs.evaluate.EvaluationJob;
import io.synthgen.jobs.testing.JobFixtures;
import io.synthgen.jobs.testing.SharedSparkSession;
import io.synthgen.jobs.testing.ReportPageAssertions;
import io.synthgen.model.bundle.LocalBundleStore;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.tabular.TableMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The evaluate job on tiny hand-made tables whose scores are known. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TableEvaluationJobTest {
  @RegisterExtension static final SharedSparkSession SPARK =
      SharedSparkSession.local("local[2]");
  private static final double EXACT = 1e-9;
  @TempDir static Path dir;
  Path model;
  Path real;

  /** x, y numeric (one missing x), color categorical (one missing), status label. */
  private static final String REAL = "x,y,color,status\n"
      + "1,10,red,good\n2,20,blue,good\n3,25,red,bad\n4,41,blue,good\n,50,red,good\n"
      + "6,58,,bad\n7,70,blue,good\n8,79,red,good\n9,95,blue,bad\n10,99,red,good\n";

  @BeforeAll
  void bundle() throws Exception {
    model = dir.resolve("model");
    ObjectNode training = ModelBundle.json().createObjectNode();
    training.put("round", 3);
    training.put("rows", 10);
    ArrayNode history = training.putArray("history");
    for (int r = 1; r <= 3; r++) {
      ObjectNode h = history.addObject();
      h.put("round", r);
      h.put("epoch", r);
      h.put("d_loss", 1.0 / r);
      h.put("g_loss", 2.0 - r * 0.1);
      h.put("d_real_acc", 0.5 + 0.1 * r);
      h.put("d_fake_acc", 0.6);
      h.put("rowsPerSecond", 100);
      h.put("broadcast_mb", 1.25);
      h.put("aggregated_mb", 2.5);
      h.put("broadcast_s", 0.01 * r);
      h.put("local_s", 0.5);
      h.put("sync_s", 0.1);
      h.put("drift", 0.3 / r);
      h.put("drift_rel", 0.2);
    }
    new ModelBundle(TabularGanFamily.NAME, 11, Map.of("epochs", "3"),
        new TableMetadata("status", "bad", List.of("color"), List.of("x", "y")).toJson(),
        ModelBundle.json().createObjectNode(), training, Map.of())
        .write(new LocalBundleStore(model), 3);
    real = csv("real.csv", REAL);
  }

  private static Path csv(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private JobFixtures.Run evaluate(Path synthetic, Path report, String... extra) {
    List<String> args = new ArrayList<>(List.of("evaluate", "--model-dir", model.toString(),
        "--real", real.toString(), "--synthetic", synthetic.toString(), "--report",
        report.toString(), "--master", "local[2]"));
    args.addAll(List.of(extra));
    return JobFixtures.run(args.toArray(new String[0]));
  }

  private static JsonNode report(Path reportDir) throws Exception {
    return ModelBundle.json().readTree(reportDir.resolve("report.json").toFile());
  }

  @Test
  void identicalDataScoresOneOnEveryFidelityMetricAndIsAllCopies() throws Exception {
    Path out = dir.resolve("rep-identical");
    JobFixtures.Run r = evaluate(real, out);
    assertEquals(0, r.exitCode(), r.stderr());
    JsonNode j = report(out);
    assertEquals(1.0, j.path("metrics").path("column_shapes").asDouble(), EXACT);
    assertEquals(1.0, j.path("metrics").path("column_pair_trends").asDouble(), EXACT);
    j.path("column_shapes").path("per_column").forEach(v -> assertEquals(1.0, v.asDouble(),
        EXACT));
    assertEquals(6, j.path("column_pair_trends").path("n_pairs").asInt());
    assertEquals(10, j.path("metrics").path("exact_copies").asLong());
    assertEquals(1.0, j.path("metrics").path("exact_copy_share").asDouble(), EXACT);
    assertEquals(0.0, j.path("metrics").path("dcr_synthetic_median").asDouble(), EXACT);
    assertEquals(0.0, j.path("metrics").path("rows_out_of_range").asDouble(), EXACT);
    assertEquals(0.0, j.path("metrics").path("max_missing_rate_diff").asDouble(), EXACT);
    assertEquals(0.3, j.path("validity").path("summary").path("positive_rate_synthetic")
        .asDouble(), EXACT);
    assertEquals("skipped", j.path("utility").fieldNames().next());
  }

  @Test
  void disjointCategoriesAndShiftedNumbersScoreZero() throws Exception {
    // same x and y, colours never seen in the real table, and labels kept
    Path syn = csv("disjoint.csv", REAL.replace("red", "green").replace("blue", "black")
        .replace(",,bad", ",green,bad"));
    Path out = dir.resolve("rep-disjoint");
    JobFixtures.Run r = evaluate(syn, out);
    assertEquals(0, r.exitCode(), r.stderr());
    JsonNode j = report(out);
    // the real color has 10% missing, the synthetic none: TVD over {red, blue, missing} vs
    // {green, black} is 1
    assertEquals(0.0, j.path("column_shapes").path("per_column").path("color").asDouble(), EXACT);
    assertEquals(1.0, j.path("column_shapes").path("per_column").path("x").asDouble(), EXACT);
    JsonNode colorStatus = pair(j, "color|status");
    assertEquals(0.0, colorStatus.path("score").asDouble(), EXACT);
    assertEquals(0.0, pair(j, "x|color").path("score").asDouble(), EXACT);
    assertEquals(1.0, pair(j, "x|y").path("score").asDouble(), EXACT);
    assertEquals(1.0, j.path("metrics").path("rows_unknown_category").asDouble(), EXACT);
    assertEquals(0, j.path("metrics").path("exact_copies").asLong());

    Path shifted = csv("shifted.csv", "x,y,color,status\n100,10,red,good\n200,20,blue,bad\n");
    Path out2 = dir.resolve("rep-shifted");
    assertEquals(0, evaluate(shifted, out2).exitCode());
    JsonNode s = report(out2);
    assertEquals(0.0, s.path("column_shapes").path("per_column").path("x").asDouble(), EXACT);
    assertEquals(1.0, s.path("metrics").path("rows_out_of_range").asDouble(), EXACT);
  }

  private static JsonNode pair(JsonNode report, String name) {
    for (JsonNode p : report.path("column_pair_trends").path("per_pair")) {
      if (p.path("pair").asText().equals(name)) {
        return p;
      }
    }
    throw new AssertionError("no pair " + name + " in " + report.path("column_pair_trends"));
  }

  @Test
  void aCopiedRealRowIsCountedAsAnExactCopyAndSitsAtDistanceZero() throws Exception {
    Path syn = csv("one-copy.csv", "x,y,color,status\n1.5,12,red,good\n2.5,33,blue,good\n"
        + "3,25,red,bad\n5.5,61,red,good\n");
    Path out = dir.resolve("rep-copy");
    JobFixtures.Run r = evaluate(syn, out);
    assertEquals(0, r.exitCode(), r.stderr());
    JsonNode j = report(out);
    assertEquals(1, j.path("metrics").path("exact_copies").asLong());
    assertEquals(0.25, j.path("metrics").path("exact_copy_share").asDouble(), EXACT);
    assertEquals(0.25, j.path("privacy").path("share_dcr_zero_synthetic").asDouble(), EXACT);
    assertEquals(4, j.path("privacy").path("n_synthetic_sampled").asInt());
    // no holdout: the threshold is 0, so exactly the copy is flagged
    assertEquals(0.25, j.path("metrics").path("dcr_flagged_share").asDouble(), EXACT);
  }

  @Test
  void failedGateExitsThreeNamingItAndStillWritesTheReport() throws Exception {
    Path out = dir.resolve("rep-gate-fail");
    JobFixtures.Run r = evaluate(real, out, "--gate", "column_shapes>=0.99", "--gate",
        "exact_copies<=0");
    assertEquals(EvaluationJob.EXIT_GATE_FAILED, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("gate failed: exact_copies<=0 (value 10)"), r.stderr());
    assertFalse(r.stderr().contains("column_shapes>=0.99"), r.stderr());
    JsonNode j = report(out);
    assertFalse(j.path("passed").asBoolean());
    assertTrue(j.path("gates").get(0).path("passed").asBoolean());
    assertFalse(j.path("gates").get(1).path("passed").asBoolean());

    Path ok = dir.resolve("rep-gate-pass");
    JobFixtures.Run p = evaluate(real, ok, "--gate", "column_shapes>=0.99", "--gate",
        "exact_copy_share<=1");
    assertEquals(0, p.exitCode(), p.stderr());
    assertTrue(p.stdout().contains("all 2 gates passed"), p.stdout());
    assertTrue(report(ok).path("passed").asBoolean());
  }

  @Test
  void gateOnAnUnknownMetricIsBadInputAndWritesNothing() {
    Path out = dir.resolve("rep-gate-unknown");
    JobFixtures.assertRejected(evaluate(real, out, "--gate", "column_shape>=0.9"), out,
        "--gate", "column_shape", "column_shapes");
    Path out2 = dir.resolve("rep-gate-syntax");
    JobFixtures.assertRejected(evaluate(real, out2, "--gate", "column_shapes=0.9"), out2,
        "--gate", "column_shapes=0.9", "METRIC>=NUMBER");
  }

  @Test
  void badInputsAreRejectedNamingFileAndColumnAndLeaveNoReport() throws Exception {
    Path out = dir.resolve("rep-bad");
    Path noY = csv("no-y.csv", "x,color,status\n1,red,good\n");
    JobFixtures.assertRejected(evaluate(noY, out), out, "no-y.csv", "[y]", "--synthetic");
    Path noLabel = csv("no-label.csv", "x,y,color\n1,2,red\n");
    JobFixtures.assertRejected(evaluate(noLabel, out), out, "no-label.csv",
        "label column 'status'");
    Path empty = csv("empty.csv", "x,y,color,status\n");
    JobFixtures.assertRejected(evaluate(empty, out), out, "empty.csv", "no rows");
    Path text = csv("text.csv", "x,y,color,status\n1,lots,red,good\n");
    JobFixtures.assertRejected(evaluate(text, out), out, "text.csv", "'y'", "'lots'");
    JobFixtures.assertRejected(evaluate(dir.resolve("absent.csv"), out), out, "absent.csv",
        "--synthetic");
    JobFixtures.Run noReal = JobFixtures.run("evaluate", "--model-dir", model.toString(),
        "--synthetic", real.toString(), "--report", out.toString(), "--master", "local[2]");
    JobFixtures.assertRejected(noReal, out, "--real");
  }

  @Test
  void utilityTrainsOnRealSyntheticAndAugmentedRowsAndScoresOnTheHoldout() throws Exception {
    Path d = Files.createDirectories(dir.resolve("utility"));
    Path trainDir = Files.createDirectories(d.resolve("train"));
    Path holdDir = Files.createDirectories(d.resolve("hold"));
    Path synDir = Files.createDirectories(d.resolve("syn"));
    Path train = JobFixtures.writeTable(trainDir, 400, 1);
    Path hold = JobFixtures.writeTable(holdDir, 300, 2);
    Path syn = JobFixtures.writeTable(synDir, 400, 3);
    Path meta = JobFixtures.writeMetadata(d, "status");
    Path m = d.resolve("model");
    new ModelBundle(TabularGanFamily.NAME, 5, Map.of(), TableMetadata.parse(
        Files.readString(meta), meta.toString()).toJson(), ModelBundle.json().createObjectNode(),
        ModelBundle.json().createObjectNode(), Map.of()).write(new LocalBundleStore(m), 1);
    Path out = d.resolve("report");
    JobFixtures.Run r = JobFixtures.run("evaluate", "--model-dir", m.toString(), "--real",
        train.toString(), "--holdout", hold.toString(), "--synthetic", syn.toString(),
        "--report", out.toString(), "--utility-iterations", "5", "--master", "local[2]");
    assertEquals(0, r.exitCode(), r.stderr());
    JsonNode j = report(out);
    JsonNode metrics = j.path("metrics");
    // 'bad' rows have high amounts and few visits: the label is learnable from real rows
    assertTrue(metrics.path("trtr_roc_auc").asDouble() > 0.8, metrics.toString());
    // synthetic rows from the same process carry the same signal
    assertEquals(1.0, metrics.path("tstr_roc_auc_ratio").asDouble(), 0.1);
    JsonNode aug = j.path("utility").path("augmented");
    assertTrue(aug.path("n_added").asLong() > 0, aug.toString());
    assertTrue(j.path("utility").path("classifier").asText().contains("GBTClassifier"));
    // holdout gives the privacy baseline and threshold
    assertEquals(300, j.path("privacy").path("n_holdout_sampled").asInt());
    assertTrue(metrics.has("dcr_ratio"));
    assertEquals("1st percentile of the holdout rows' distances",
        j.path("privacy").path("threshold_source").asText());
    ReportPageAssertions.assertPageIsSelfContainedWithItsCharts(out, 4 + 2 + 1);
    assertTabularSections(out, true);
  }

  @Test
  void reportCarriesProvenanceTimingsAndTrainingHistory() throws Exception {
    Path out = dir.resolve("rep-provenance");
    assertEquals(0, evaluate(real, out, "--seed", "99").exitCode());
    JsonNode j = report(out);
    assertEquals(EvaluationJob.FORMAT, j.path("report").path("format").asText());
    assertEquals(model.toString(), j.path("model").path("dir").asText());
    assertEquals(11, j.path("model").path("seed").asLong());
    assertEquals(99, j.path("evaluation_seed").asLong());
    assertEquals(real.toString(), j.path("inputs").path("real").asText());
    assertEquals(3, j.path("training").path("history").size());
    for (String stage : new String[] {"load", "column_shapes", "column_pair_trends", "privacy",
        "total"}) {
      assertTrue(j.path("timings_s").has(stage), stage);
    }
    // 4 histograms + 2 heatmaps + DCR histogram + 4 training charts: losses, accuracy, round
    // time and drift (the telemetry has charts of its own, not lines among the losses)
    ReportPageAssertions.assertPageIsSelfContainedWithItsCharts(out, 4 + 2 + 1 + 4);
    String page = Files.readString(out.resolve("report.html"));
    assertTrue(page.contains("1.25 MB broadcast, 2.50 MB aggregated"), "bytes per round stated");
    String lossChart = page.substring(page.indexOf("Losses per round"),
        page.indexOf("Discriminator accuracy"));
    assertTrue(lossChart.contains("g_loss") && !lossChart.contains("local_s")
        && !lossChart.contains("drift"), "losses chart holds losses only");
    String timeChart = page.substring(page.indexOf("Seconds per round"),
        page.indexOf("Worker drift"));
    assertTrue(timeChart.contains("local_s") && timeChart.contains("sync_s"), "round time chart");
    assertTrue(page.substring(page.indexOf("Worker drift")).contains("drift_rel"), "drift chart");
    assertTabularSections(out, false);
  }

  @Test
  void pageRendersItsChartsInAHeadlessBrowser() throws Exception {
    String browser = java.util.stream.Stream.of("chromium", "chromium-browser", "google-chrome")
        .flatMap(b -> java.util.stream.Stream.of(System.getenv("PATH").split(":"))
            .map(d -> Path.of(d, b)))
        .filter(Files::isExecutable).map(Path::toString).findFirst().orElse(null);
    org.junit.jupiter.api.Assumptions.assumeTrue(browser != null,
        "no chromium on PATH: the page is checked as HTML by the other tests");
    Path out = dir.resolve("rep-browser");
    assertEquals(0, evaluate(csv("browser-syn.csv", REAL.replace("red", "blue")), out)
        .exitCode());
    Path page = out.resolve("report.html");
    Path shot = dir.resolve("page.png");
    List<String> common = List.of(browser, "--headless", "--no-sandbox", "--disable-gpu",
        "--hide-scrollbars", "--window-size=1200,2600");
    List<String> screenshot = new ArrayList<>(common);
    screenshot.add("--screenshot=" + shot);
    screenshot.add(page.toUri().toString());
    assertEquals(0, new ProcessBuilder(screenshot).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor());
    List<String> dump = new ArrayList<>(common);
    dump.add("--dump-dom");
    dump.add(page.toUri().toString());
    Process p = new ProcessBuilder(dump).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String dom = new String(p.getInputStream().readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor());
    // the browser built the same SVG charts the file holds (parsed as SVG, not as text)
    int charts = Jsoup.parse(Files.readString(page)).select("svg.chart").size();
    assertEquals(charts, Jsoup.parse(dom).select("svg.chart").size());
    // and painted them: real (blue) and synthetic (orange) bars, heatmap red cells
    java.awt.image.BufferedImage img = ImageIO.read(shot.toFile());
    assertTrue(pixels(img, 0x1f77b4) > 500, "real bars painted");
    assertTrue(pixels(img, 0xff7f0e) > 500, "synthetic bars painted");
    assertTrue(pixels(img, 0xff0000) > 100, "heatmap diagonal painted");
  }

  private static int pixels(java.awt.image.BufferedImage img, int rgb) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int c = img.getRGB(x, y) & 0xffffff;
        n += Math.abs((c >> 16) - (rgb >> 16)) + Math.abs(((c >> 8) & 255) - ((rgb >> 8) & 255))
            + Math.abs((c & 255) - (rgb & 255)) < 12 ? 1 : 0;
      }
    }
    return n;
  }

  /** The tabular sections: histograms, two heatmaps, worst pairs, the utility table or not. */
  static void assertTabularSections(Path reportDir, boolean utility) throws Exception {
    Document doc = Jsoup.parse(reportDir.resolve("report.html").toFile());
    assertFalse(doc.select("#histograms svg").isEmpty());
    assertEquals(2, doc.select("#heatmaps svg").size());
    assertFalse(doc.select("#worst-pairs").isEmpty());
    assertEquals(utility ? 1 : 0, doc.select("#utility + p + table").size());
  }
}
