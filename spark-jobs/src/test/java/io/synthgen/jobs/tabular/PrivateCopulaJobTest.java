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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gaussian-copula} with {@code privacy.epsilon} on real Spark: the guarantee is recorded
 * in the bundle, printed by train, gated by evaluate, independent of the worker count; missing
 * public bounds are refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivateCopulaJobTest {
  @RegisterExtension static final SharedSparkSession SPARK =
      SharedSparkSession.local("local[2]");
  /** The budget is spent to the bisection's precision, never more. */
  private static final double SPENT = 1e-4;
  /** Share error of a category after noise (sigma about 30 rows of 2,000 at epsilon 1). */
  private static final double SHARE_AFTER_NOISE = 0.06;
  @TempDir static Path dir;
  Path table;
  Path metadata;
  Path model;

  private JobFixtures.Run train(Path modelDir, String master, String workers, Path meta,
      String... extra) {
    return JobFixtures.run(concat(new String[] {"train", "--model", "gaussian-copula", "--input",
        table.toString(), "--metadata", meta.toString(), "--model-dir", modelDir.toString(),
        "--workers", workers, "--seed", "5", "--master", master, "--set", "privacy.epsilon=1"},
        extra));
  }

  @BeforeAll
  void trainOnce() throws Exception {
    table = JobFixtures.writeTable(dir, 2000, 1);
    metadata = JobFixtures.writeBoundedMetadata(dir);
    model = dir.resolve("model");
    JobFixtures.Run r = train(model, "local[2]", "2", metadata);
    assertEquals(0, r.exitCode(), r.stderr());
    assertTrue(r.stdout().contains("differential privacy: epsilon 1.000, delta 1.0e-05"),
        r.stdout());
  }

  private static JsonNode privacy(Path modelDir) throws Exception {
    return ModelBundle.read(new LocalBundleStore(modelDir)).training().path("privacy");
  }

  @Test
  void theBundleRecordsEpsilonDeltaAndBothMechanisms() throws Exception {
    JsonNode p = privacy(model);
    assertEquals(1, p.path("epsilon").asDouble(), SPENT);
    assertTrue(p.path("epsilon").asDouble() <= 1 + 1e-9);
    assertEquals(1e-5, p.path("delta").asDouble(), 1e-20, "2,000 rows: 10^-(4+1)");
    assertEquals(2, p.path("mechanisms").size());
    double shares = 0;
    for (JsonNode m : p.path("mechanisms")) {
      shares += m.path("share").asDouble();
    }
    assertEquals(1, shares, 1e-9);
    long rows = ModelBundle.read(new LocalBundleStore(model)).training().path("rows").asLong();
    assertEquals(2000, rows, 150, "a noisy row count near the real one");
  }

  @Test
  void theSameBudgetGivesTheSameModelOnOneOrTwoWorkers() throws Exception {
    Path single = dir.resolve("model-1");
    JobFixtures.Run r = train(single, "local[1]", "1", metadata);
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals(privacy(model).path("epsilon").asDouble(),
        privacy(single).path("epsilon").asDouble());
    JsonNode a = ModelBundle.read(new LocalBundleStore(model)).transformer().path("correlation");
    JsonNode b = ModelBundle.read(new LocalBundleStore(single)).transformer()
        .path("correlation");
    for (int i = 0; i < a.size(); i++) {
      for (int j = 0; j < a.size(); j++) {
        assertEquals(a.get(i).get(j).asDouble(), b.get(i).get(j).asDouble(), 1e-9);
      }
    }
  }

  @Test
  void generatedRowsKeepTheCategoryShares() {
    List<Row> rows = JobFixtures.generate(model, dir.resolve("rows"), "local[2]", "--rows",
        "2000");
    Map<String, Long> channels = rows.stream().collect(Collectors.groupingBy(
        r -> r.getString(r.fieldIndex("channel")), Collectors.counting()));
    for (String c : List.of("web", "shop", "phone")) {
      assertEquals(1.0 / 3, channels.getOrDefault(c, 0L) / 2000.0, SHARE_AFTER_NOISE, c);
    }
    long bad = rows.stream().filter(r -> "bad".equals(r.getString(r.fieldIndex("status"))))
        .count();
    assertEquals(0.2, bad / 2000.0, SHARE_AFTER_NOISE);
  }

  @Test
  void anEpsilonGatePassesForThePrivateModelAndFailsWithoutPrivacy() throws Exception {
    Path report = dir.resolve("report");
    JobFixtures.Run ok = JobFixtures.run("generate", "--model-dir", model.toString(), "--rows",
        "500", "--output", dir.resolve("gated").toString(), "--master", "local[2]", "--real",
        table.toString(), "--report", report.toString(), "--gate", "epsilon<=3");
    assertEquals(0, ok.exitCode(), ok.stderr());
    JsonNode json = ModelBundle.json().readTree(report.resolve("report.json").toFile());
    assertEquals(1, json.path("metrics").path("epsilon").asDouble(), SPENT);
    assertEquals(2, json.path("model").path("privacy").path("mechanisms").size());
    assertTrue(Files.readString(report.resolve("report.html")).contains("-DP"));

    Path plain = dir.resolve("plain");
    JobFixtures.Run t = JobFixtures.run("train", "--model", "gaussian-copula", "--input",
        table.toString(), "--metadata", metadata.toString(), "--model-dir", plain.toString(),
        "--master", "local[2]");
    assertEquals(0, t.exitCode(), t.stderr());
    assertTrue(t.stdout().contains("differential privacy: none"), t.stdout());
    assertEquals("none", privacy(plain).path("epsilon").asText());
    Path plainReport = dir.resolve("plain-report");
    JobFixtures.Run gated = JobFixtures.run("generate", "--model-dir", plain.toString(),
        "--rows", "500", "--output", dir.resolve("plain-rows").toString(), "--master",
        "local[2]", "--real", table.toString(), "--report", plainReport.toString(), "--gate",
        "epsilon<=3");
    assertEquals(ExitCodes.GATE_FAILED, gated.exitCode(), gated.stderr());
    assertTrue(gated.stderr().contains("without differential privacy"), gated.stderr());
    JsonNode plainJson = ModelBundle.json().readTree(
        plainReport.resolve("report.json").toFile());
    assertEquals("none", plainJson.path("model").path("privacy").path("epsilon").asText());
  }

  @Test
  void aNumericColumnWithoutPublicBoundsIsRefused() throws Exception {
    Path unbounded = JobFixtures.writeMetadata(dir, "status");
    Path out = dir.resolve("refused");
    JobFixtures.Run r = train(out, "local[2]", "2", unbounded);
    assertEquals(2, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("'amount'") && r.stderr().contains("bounds"), r.stderr());
    assertFalse(Files.exists(out.resolve("bundle.json")), "no bundle written");
  }

  @Test
  void aFamilyWithoutDifferentialPrivacyRefusesTheKeyByName() {
    Path out = dir.resolve("digits-refused");
    JobFixtures.Run r = JobFixtures.run("train", "--model", "digit-dcgan", "--input",
        table.toString(), "--model-dir", out.toString(), "--master", "local[2]", "--set",
        "privacy.epsilon=1");
    JobFixtures.assertRejected(r, out, "privacy.epsilon", "digit-dcgan",
        "no differentially private training yet", "tabular-gan");
  }

  @Test
  void aDeltaOutOfRangeIsRefusedNamingTheKey() {
    Path out = dir.resolve("bad-delta");
    JobFixtures.Run r = train(out, "local[2]", "2", metadata, "--set", "privacy.delta=0.5");
    JobFixtures.assertRejected(r, out, "privacy.delta", "0.5");
  }
}
