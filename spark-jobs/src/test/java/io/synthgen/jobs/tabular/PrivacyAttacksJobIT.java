package io.synthgen.jobs.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.jobs.evaluate.EvaluationJob;
import io.synthgen.jobs.testing.JobFixtures;
import io.synthgen.model.bundle.LocalBundleStore;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.tabular.TableMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The privacy attacks of the table evaluation on synthetic rows whose answer is known: an exact
 * copy of the training rows (every attack finds it, a membership gate fails) and rows drawn
 * independently from the process that drew the training rows (the attacks see chance level, the
 * gate passes). The bundle is written by the test with three training values planted in it: the
 * range ends of {@code x}, as a model keeps them without metadata bounds, and one value of
 * {@code y} in its config.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivacyAttacksJobIT {
  private static final int ROWS = 600;
  private static final String GATE = "membership_auc<=0.55";
  @TempDir static Path dir;
  Path model;
  Path train;
  Path holdout;
  List<double[]> trainRows;
  String[] trainStatus;

  /**
   * Rows of x ~ N(0, 1) and y lognormal (5% missing; both unique doubles, written exactly), n a
   * whole number (not continuous), a channel, and status: 'bad' (~60%) more likely for high x.
   */
  private static List<String> draw(int rows, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      double x = rng.nextGaussian();
      String y = rng.nextDouble() < 0.05 ? "" : Double.toString(Math.exp(1 + 0.5
          * rng.nextGaussian()));
      int n = rng.nextInt(21);
      String channel = new String[] {"web", "shop", "phone"}[rng.nextInt(3)];
      boolean bad = rng.nextDouble() < 1 / (1 + Math.exp(-2 * x - 1 + 0.3 * n / 10.0));
      out.add(x + "," + y + "," + n + "," + channel + "," + (bad ? "bad" : "good"));
    }
    return out;
  }

  private static Path csv(String name, List<String> rows) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, "x,y,n,channel,status\n" + String.join("\n", rows) + "\n");
    return p;
  }

  @BeforeAll
  void tables() throws Exception {
    List<String> rows = draw(ROWS, 1);
    train = csv("train.csv", rows);
    holdout = csv("holdout.csv", draw(ROWS, 2));
    trainRows = new ArrayList<>();
    trainStatus = new String[ROWS];
    for (int i = 0; i < ROWS; i++) {
      String[] f = rows.get(i).split(",", -1);
      trainRows.add(new double[] {Double.parseDouble(f[0]),
          f[1].isEmpty() ? Double.NaN : Double.parseDouble(f[1])});
      trainStatus[i] = f[4];
    }
    double minX = trainRows.stream().mapToDouble(r -> r[0]).min().orElseThrow();
    double maxX = trainRows.stream().mapToDouble(r -> r[0]).max().orElseThrow();
    ObjectNode transformer = ModelBundle.json().createObjectNode();
    transformer.putObject("x").put("min", minX).put("max", maxX);
    transformer.putObject("y").putArray("modes").add(1.0).add(2.5);
    ObjectNode training = ModelBundle.json().createObjectNode();
    training.put("round", 1);
    training.put("rows", ROWS);
    model = dir.resolve("model");
    new ModelBundle(TabularGanFamily.NAME, 5, Map.of("epochs", "3", "planted",
        Double.toString(plantedY())), new TableMetadata("status", "bad", List.of("channel"),
        List.of("x", "y", "n")).toJson(), transformer, training, Map.of())
        .write(new LocalBundleStore(model), 1);
  }

  /** The value of y planted in the bundle's config: the first training row's non-null y. */
  private double plantedY() {
    return trainRows.stream().mapToDouble(r -> r[1]).filter(v -> !Double.isNaN(v)).findFirst()
        .orElseThrow();
  }

  private JobFixtures.Run evaluate(Path synthetic, Path report, boolean withHoldout) {
    List<String> args = new ArrayList<>(List.of("evaluate", "--model-dir", model.toString(),
        "--real", train.toString(), "--synthetic", synthetic.toString(), "--report",
        report.toString(), "--utility-iterations", "1", "--master", "local[2]", "--gate", GATE));
    if (withHoldout) {
      args.addAll(List.of("--holdout", holdout.toString()));
    }
    return JobFixtures.run(args.toArray(new String[0]));
  }

  private static JsonNode report(Path reportDir) throws Exception {
    return ModelBundle.json().readTree(reportDir.resolve("report.json").toFile());
  }

  @Test
  void anExactCopyOfTheTrainingRowsIsFoundByTheAttacksAndFailsTheMembershipGate()
      throws Exception {
    List<String> copy = new ArrayList<>(Files.readAllLines(train).subList(1, ROWS + 1));
    Collections.shuffle(copy, new java.util.Random(7));
    Path out = dir.resolve("rep-copy");
    JobFixtures.Run r = evaluate(csv("copy.csv", copy), out, true);
    assertEquals(EvaluationJob.EXIT_GATE_FAILED, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("gate failed: " + GATE), r.stderr());
    JsonNode j = report(out);
    JsonNode m = j.path("metrics");
    // every member is at distance 0 from its copy; no holdout row is (unique doubles)
    assertTrue(m.path("membership_auc").asDouble() >= 0.95, m.toString());
    assertTrue(m.path("membership_auc_positive").asDouble() >= 0.95, m.toString());
    JsonNode mi = j.path("privacy").path("membership_inference");
    assertEquals(ROWS, mi.path("n_members").asInt());
    assertEquals(1.0, mi.path("member_share_at_zero").asDouble());
    // all synthetic values of x and y are training values, no holdout value is: ratio n_h + 1
    assertEquals(1.0, m.path("value_copy_share").asDouble());
    assertTrue(m.path("value_copy_ratio").asDouble() >= 10, m.toString());
    JsonNode vc = j.path("privacy").path("value_copying");
    assertEquals(List.of("x", "y"), names(vc.path("continuous_columns")));
    assertEquals(ROWS + 1, vc.path("per_column").path("x").path("ratio").asDouble(), 1e-6);
    // the attacker trained on the copy has seen the training rows themselves
    assertTrue(m.path("attribute_inference_advantage").asDouble() > 0, m.toString());
    assertBundleScanAsPlanted(j);
    assertPageExplainsTheAttacks(out, false);
  }

  @Test
  void rowsDrawnIndependentlyFromTheSameProcessLookLikeThePopulation() throws Exception {
    Path out = dir.resolve("rep-independent");
    JobFixtures.Run r = evaluate(csv("independent.csv", draw(ROWS, 3)), out, true);
    assertEquals(0, r.exitCode(), r.stderr());
    JsonNode j = report(out);
    JsonNode m = j.path("metrics");
    assertEquals(0.5, m.path("membership_auc").asDouble(), 0.1, m.toString());
    assertEquals(0.5, m.path("membership_auc_positive").asDouble(), 0.1, m.toString());
    assertEquals(0.0, m.path("value_copy_share").asDouble(), 0.01, m.toString());
    assertTrue(m.path("value_copy_ratio").asDouble() <= 1.5, m.toString());
    assertEquals(0.0, m.path("attribute_inference_advantage").asDouble(), 0.05, m.toString());
    assertTrue(j.path("privacy").path("attribute_inference").path("note").asText()
        .contains("DisclosureProtection"));
    assertBundleScanAsPlanted(j);
    assertTrue(j.path("gates").get(0).path("passed").asBoolean());
  }

  @Test
  void withoutAHoldoutTheAttacksThatNeedOneAreSkippedAndTheirGateFails() throws Exception {
    Path out = dir.resolve("rep-no-holdout");
    JobFixtures.Run r = evaluate(csv("independent-2.csv", draw(ROWS, 4)), out, false);
    assertEquals(EvaluationJob.EXIT_GATE_FAILED, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("gate failed: " + GATE + " (value n/a)"), r.stderr());
    JsonNode j = report(out);
    JsonNode p = j.path("privacy");
    assertTrue(p.path("membership_inference").path("skipped").asText().contains("--holdout"));
    assertTrue(p.path("attribute_inference").path("skipped").asText().contains("--holdout"));
    assertTrue(j.path("metrics").path("membership_auc").isNull());
    assertTrue(j.path("metrics").path("value_copy_ratio").isNull());
    assertEquals(0.0, j.path("metrics").path("value_copy_share").asDouble(), 0.01);
    assertTrue(p.path("value_copying").path("note").asText().contains("synthetic shares only"));
    assertBundleScanAsPlanted(j);
    assertPageExplainsTheAttacks(out, true);
  }

  /** min x, max x and one y: 3 values, their cells among all non-null x and y cells. */
  private void assertBundleScanAsPlanted(JsonNode j) {
    double minX = trainRows.stream().mapToDouble(r -> r[0]).min().orElseThrow();
    double maxX = trainRows.stream().mapToDouble(r -> r[0]).max().orElseThrow();
    double y = plantedY();
    long cells = 0;
    long hits = 0;
    long positiveHits = 0;
    for (int i = 0; i < ROWS; i++) {
      double[] row = trainRows.get(i);
      cells += Double.isNaN(row[1]) ? 1 : 2;
      int h = (row[0] == minX || row[0] == maxX ? 1 : 0) + (row[1] == y ? 1 : 0);
      hits += h;
      positiveHits += "bad".equals(trainStatus[i]) ? h : 0;
    }
    JsonNode m = j.path("metrics");
    assertEquals(1, m.path("bundle_training_values").asLong(), "the planted y; x's range ends "
        + "are expected without declared bounds: " + m);
    assertEquals(hits / (double) cells, m.path("bundle_training_value_share").asDouble(), 1e-6);
    JsonNode s = j.path("privacy").path("bundle_scan");
    assertEquals(2, s.path("per_column").path("x").path("range_ends_in_bundle").asInt());
    assertEquals(3, s.path("distinct_training_values").asInt(), s.toString());
    assertFalse(s.path("per_column").path("x").path("bounds_declared").asBoolean());
    assertEquals(1, s.path("distinct_beyond_expected_range_ends").asLong(), s.toString());
    assertEquals(3, s.path("distinct_non_integral").asLong(), s.toString());
    assertEquals(positiveHits, s.path("positive_class").path("training_cells_in_bundle")
        .asLong());
    assertTrue(s.path("note").asText().contains("range ends"));
  }

  private static void assertPageExplainsTheAttacks(Path reportDir, boolean skipped)
      throws Exception {
    Document doc = Jsoup.parse(reportDir.resolve("report.html").toFile());
    String table = doc.select("#attacks").text();
    assertTrue(doc.select("#privacy-attacks").text().contains("Privacy attacks"));
    assertTrue(doc.select("#privacy-attacks + p").text().contains("not that no attack can "
        + "succeed"));
    for (String attack : List.of("Membership inference", "Value copying",
        "Attribute inference of the label", "Training values in the bundle")) {
      assertTrue(table.contains(attack), attack + " in " + table);
    }
    assertEquals(skipped, table.contains("skipped: no --holdout given"), table);
    // each figure has a line on what it means and what it does not
    for (var row : doc.select("#attacks tr:gt(0)")) {
      if (row.select("td").size() == 6) {
        assertFalse(row.select("td").get(4).text().isBlank(), row.text());
        assertFalse(row.select("td").get(5).text().isBlank(), row.text());
      }
    }
  }

  private static List<String> names(JsonNode a) {
    List<String> out = new ArrayList<>();
    a.forEach(n -> out.add(n.asText()));
    return out;
  }
}

