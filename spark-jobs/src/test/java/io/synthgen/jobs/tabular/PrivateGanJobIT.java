package io.synthgen.jobs.tabular;

import static io.synthgen.jobs.testing.JobFixtures.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.synthgen.jobs.runtime.ExitCodes;
import io.synthgen.jobs.testing.JobFixtures;
import io.synthgen.jobs.testing.SharedSparkSession;
import io.synthgen.model.bundle.LocalBundleStore;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.tabular.gan.TabularGanTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tabular-gan} with {@code privacy.epsilon} on real Spark: DP-SGD on the critic with the
 * transformer released through noisy histograms; the budget is recorded, equal on 1, 2 and 4
 * workers, gated by evaluate, and never exceeded by a resumed run; the keys that read real rows
 * outside DP-SGD are off.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivateGanJobIT {
  @RegisterExtension static final SharedSparkSession SPARK =
      SharedSparkSession.local("local[2]");
  /** The budget is spent to the bisection's precision, never more. */
  private static final double SPENT = 1e-4;
  @TempDir static Path dir;
  Path table;
  Path metadata;
  Path model;

  /** A small, fast GAN: 2,000 rows, batch 200, 4 epochs. */
  private JobFixtures.Run train(Path modelDir, String workers, String... extra) {
    return JobFixtures.run(concat(new String[] {"train", "--model", "tabular-gan", "--input",
        table.toString(), "--metadata", metadata.toString(), "--model-dir", modelDir.toString(),
        "--workers", workers, "--seed", "5", "--master", "local[2]", "--epochs", "4",
        "--set", "averaging-frequency=5", "--set", "privacy.epsilon=3", "--set", "batch-size=200",
        "--set", "generator-dims=32", "--set", "critic-dims=32", "--set", "embedding-dim=16",
        "--set", "output.pilot-rows=500"}, extra));
  }

  @BeforeAll
  void trainOnce() throws Exception {
    table = JobFixtures.writeTable(dir, 2000, 1);
    metadata = JobFixtures.writeBoundedMetadata(dir);
    model = dir.resolve("model");
    JobFixtures.Run r = train(model, "2");
    assertEquals(0, r.exitCode(), r.stderr());
    assertTrue(r.stdout().contains("differential privacy: epsilon 3.000, delta 1.0e-05"),
        r.stdout());
  }

  private static ModelBundle bundle(Path modelDir) throws Exception {
    return ModelBundle.read(new LocalBundleStore(modelDir));
  }

  private static JsonNode critic(JsonNode privacy) {
    for (JsonNode m : privacy.path("mechanisms")) {
      if (m.path("name").asText().equals("critic")) {
        return m;
      }
    }
    throw new AssertionError("no critic mechanism in " + privacy);
  }

  @Test
  void theBundleRecordsTheTransformerReleaseAndTheCriticsDpSgd() throws Exception {
    ModelBundle b = bundle(model);
    JsonNode p = b.training().path("privacy");
    assertEquals(3, p.path("epsilon").asDouble(), SPENT);
    assertTrue(p.path("epsilon").asDouble() <= 3 + 1e-9);
    assertEquals(2, p.path("mechanisms").size());
    JsonNode critic = critic(p);
    assertEquals("sampled gaussian", critic.path("mechanism").asText());
    long rows = b.training().path("rows").asLong();
    assertEquals(2000, rows, 150, "a noisy row count near the real one");
    // global batch: 200 rows a step over all workers, so the rate is 200 / rows
    assertEquals(200.0 / rows, critic.path("sampling_rate").asDouble(), 1e-9);
    // 4 epochs of 2000/200 steps, 2 critic updates each, whole rounds of 5 steps
    assertEquals(80, critic.path("count").asLong());
  }

  @Test
  void keysThatReadRealRowsOutsideDpSgdAreOffAndTheCriticsLossesAreNotReleased()
      throws Exception {
    ModelBundle b = bundle(model);
    assertEquals("0.0", b.config().get("classifier-loss-weight"));
    assertEquals("0.0", b.config().get("correlation-loss-weight"));
    assertEquals("false", b.config().get("label-paired-conditions"));
    assertEquals("1", b.config().get("pac"), "a row is its own unit unless pac is set");
    assertFalse(b.transformer().has(TabularGanTensors.MARGINALS_BY_LABEL), "no per-class distributions");
    for (JsonNode round : b.training().path("history")) {
      assertTrue(round.has("g_loss"));
      assertFalse(round.has("d_loss") || round.has("gp"), round.toString());
    }
  }

  @Test
  void oneTwoAndFourWorkersSpendTheSameBudgetWithTheSameNoise() throws Exception {
    Path one = dir.resolve("model-1");
    Path four = dir.resolve("model-4");
    assertEquals(0, train(one, "1").exitCode());
    assertEquals(0, train(four, "4").exitCode());
    JsonNode two = bundle(model).training().path("privacy");
    for (Path other : List.of(one, four)) {
      JsonNode p = bundle(other).training().path("privacy");
      assertEquals(two.path("epsilon").asDouble(), p.path("epsilon").asDouble(), 1e-12, other
          .toString());
      assertEquals(critic(two).path("noise_multiplier").asDouble(),
          critic(p).path("noise_multiplier").asDouble(), 1e-12);
      assertEquals(critic(two).path("count").asLong(), critic(p).path("count").asLong());
      assertEquals(critic(two).path("sampling_rate").asDouble(),
          critic(p).path("sampling_rate").asDouble(), 1e-12);
    }
  }

  @Test
  void generatedRowsAreExactInCountAndUseOnlyReleasedCategories() throws Exception {
    List<Row> rows = JobFixtures.generate(model, dir.resolve("rows"), "local[2]", "--rows",
        "700");
    assertEquals(700, rows.size());
    Set<String> channels = rows.stream().map(r -> r.getString(r.fieldIndex("channel")))
        .collect(Collectors.toSet());
    assertTrue(Set.of("web", "shop", "phone").containsAll(channels), channels.toString());
    long bad = rows.stream().filter(r -> "bad".equals(r.getString(r.fieldIndex("status"))))
        .count();
    assertTrue(bad > 0 && bad < 700, "both classes generated: " + bad);
  }

  @Test
  void anEpsilonGatePassesForThePrivateGan() throws Exception {
    Path report = dir.resolve("report");
    JobFixtures.Run ok = JobFixtures.run("generate", "--model-dir", model.toString(), "--rows",
        "400", "--output", dir.resolve("gated").toString(), "--master", "local[2]", "--real",
        table.toString(), "--report", report.toString(), "--gate", "epsilon<=3");
    assertEquals(0, ok.exitCode(), ok.stderr());
    JsonNode json = ModelBundle.json().readTree(report.resolve("report.json").toFile());
    assertEquals(3, json.path("metrics").path("epsilon").asDouble(), SPENT);
  }

  @Test
  void resumingPastTheBudgetIsRefusedAndLeavesTheModelAsItWas() throws Exception {
    Path copy = JobFixtures.copyDirectory(model, dir.resolve("resumed"));
    String before = Files.readString(copy.resolve("bundle.json"));
    JobFixtures.Run r = JobFixtures.run("train", "--model", "tabular-gan", "--input",
        table.toString(), "--metadata", metadata.toString(), "--model-dir", copy.toString(),
        "--master", "local[2]", "--resume", "--epochs", "8");
    assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.stdout() + r.stderr());
    assertTrue(r.stderr().contains("privacy budget"), r.stderr());
    assertEquals(before, Files.readString(copy.resolve("bundle.json")));
  }

  @Test
  void aNumericColumnWithoutBoundsIsRefusedByName() throws Exception {
    Path plain = JobFixtures.writeMetadata(dir, "status");
    Path out = dir.resolve("no-bounds");
    JobFixtures.Run r = JobFixtures.run("train", "--model", "tabular-gan", "--input",
        table.toString(), "--metadata", plain.toString(), "--model-dir", out.toString(),
        "--master", "local[2]", "--set", "privacy.epsilon=1");
    assertEquals(ExitCodes.BAD_INPUT, r.exitCode());
    assertTrue(r.stderr().contains("column 'amount'") && r.stderr().contains("bounds"),
        r.stderr());
    assertFalse(Files.exists(out.resolve("bundle.json")));
  }
}
