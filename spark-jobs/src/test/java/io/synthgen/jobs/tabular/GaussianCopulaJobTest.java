package io.synthgen.jobs.tabular;

import static io.synthgen.jobs.testing.JobFixtures.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.synthgen.jobs.testing.JobFixtures;
import io.synthgen.jobs.testing.SharedSparkSession;
import io.synthgen.model.bundle.LocalBundleStore;
import io.synthgen.model.bundle.ModelBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The gaussian-copula family end to end on real Spark: fit, generate, evaluate, bad input. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GaussianCopulaJobTest {
  @RegisterExtension static final SharedSparkSession SPARK =
      SharedSparkSession.local("local[2]");
  /** Latent correlations fitted with 1 or 2 workers differ only by summation order. */
  private static final double SAME_FIT = 1e-9;
  @TempDir static Path dir;
  Path table;
  Path metadata;
  Path model;

  private JobFixtures.Run train(Path modelDir, String master, String workers, String... extra) {
    return JobFixtures.run(concat(new String[] {"train", "--model", "gaussian-copula", "--input",
        table.toString(), "--metadata", metadata.toString(), "--model-dir", modelDir.toString(),
        "--workers", workers, "--seed", "5", "--master", master}, extra));
  }

  @BeforeAll
  void trainOnce() throws Exception {
    table = JobFixtures.writeTable(dir, 2000, 1);
    metadata = JobFixtures.writeMetadata(dir, "status");
    model = dir.resolve("model");
    JobFixtures.Run r = train(model, "local[2]", "2");
    assertEquals(0, r.exitCode(), r.stderr());
    assertTrue(r.stdout().contains("trained gaussian-copula on 2000 rows"), r.stdout());
  }

  private static ModelBundle bundle(Path modelDir) throws Exception {
    return ModelBundle.read(new LocalBundleStore(modelDir));
  }

  private List<Row> generate(String output, String master, String... extra) {
    return JobFixtures.generate(model, dir.resolve(output), master, extra);
  }

  @Test
  void bundleRecordsOneFittedRoundAndTheFitDoesNotDependOnTheWorkerCount() throws Exception {
    ModelBundle two = bundle(model);
    assertEquals("gaussian-copula", two.model());
    assertEquals(1, two.training().path("round").asInt());
    assertEquals(2000, two.training().path("rows").asLong());
    Path single = dir.resolve("model-1");
    JobFixtures.Run r = train(single, "local[1]", "1");
    assertEquals(0, r.exitCode(), r.stderr());
    JsonNode a = two.transformer().path("correlation");
    JsonNode b = bundle(single).transformer().path("correlation");
    assertEquals(5, a.size(), "amount, visits, channel, status and amount's null indicator");
    for (int i = 0; i < a.size(); i++) {
      for (int j = 0; j < a.size(); j++) {
        assertEquals(a.get(i).get(j).asDouble(), b.get(i).get(j).asDouble(), SAME_FIT);
      }
    }
  }

  @Test
  void conditionalGenerationIsExactAndKeepsTheRelationToTheLabel() {
    List<Row> bad = generate("cond-bad", "local[2]", "--rows", "400", "--condition",
        "status=bad", "--partitions", "3");
    List<Row> good = generate("cond-good", "local[2]", "--rows", "400", "--condition",
        "status=good", "--partitions", "3");
    assertEquals(400, bad.size());
    assertTrue(bad.stream().allMatch(r -> "bad".equals(r.getString(3))));
    assertTrue(good.stream().allMatch(r -> "good".equals(r.getString(3))));
    // real: bad rows' amounts are about ten times the good ones'; the copula keeps the direction
    // and a good part of the strength
    assertTrue(meanAmount(bad) > 2 * meanAmount(good), meanAmount(bad) + " vs "
        + meanAmount(good));
  }

  private static double meanAmount(List<Row> rows) {
    return rows.stream().filter(r -> !r.isNullAt(0)).mapToDouble(r -> r.getDouble(0)).average()
        .orElseThrow();
  }

  @Test
  void sameSeedGivesIdenticalRowsWithOneOrTwoExecutorThreadsAndExactClassBalance()
      throws Exception {
    List<Row> one = generate("det-1", "local[1]", "--rows", "1000", "--partitions", "4",
        "--seed", "9");
    List<Row> two = generate("det-2", "local[2]", "--rows", "1000", "--partitions", "4",
        "--seed", "9");
    assertEquals(one.stream().map(Row::toString).sorted().toList(),
        two.stream().map(Row::toString).sorted().toList());
    long bad = one.stream().filter(r -> "bad".equals(r.getString(3))).count();
    long realBad = Files.readAllLines(table).stream().filter(l -> l.endsWith(",bad")).count();
    assertEquals(Math.round(1000.0 * realBad / 2000), bad, 1);
    // nulls, zeros and integer types come back
    assertTrue(one.stream().anyMatch(r -> r.isNullAt(0)), "null amounts");
    assertTrue(one.stream().anyMatch(r -> !r.isNullAt(0) && r.getDouble(0) == 0), "zeros");
    assertTrue(one.stream().allMatch(r -> r.get(1) instanceof Integer));
  }

  @Test
  void generateThenEvaluateScoresTheCopulaRows() throws Exception {
    Path report = dir.resolve("report");
    JobFixtures.Run r = JobFixtures.run("generate", "--model-dir", model.toString(), "--rows",
        "2000", "--output", dir.resolve("evaluated").toString(), "--master", "local[2]",
        "--real", table.toString(), "--report", report.toString(), "--gate",
        "column_shapes>=0.9", "--gate", "column_pair_trends>=0.8");
    assertEquals(0, r.exitCode(), r.stderr() + r.stdout());
    JsonNode json = ModelBundle.json().readTree(report.resolve("report.json").toFile());
    assertEquals("gaussian-copula", json.path("model").path("name").asText());
  }

  @Test
  void resumeAndImageOptionsAreRefusedNamingTheFix() {
    JobFixtures.Run resume = train(model, "local[2]", "1", "--resume");
    assertEquals(2, resume.exitCode(), resume.stderr());
    assertTrue(resume.stderr().contains("one pass") && resume.stderr().contains("--model-dir"),
        resume.stderr());
    Path out = dir.resolve("out-balanced");
    JobFixtures.Run balanced = JobFixtures.run("generate", "--model-dir", model.toString(),
        "--rows", "10", "--output", out.toString(), "--class-balanced", "--master", "local[2]");
    JobFixtures.assertRejected(balanced, out, "--class-balanced", "gaussian-copula");
  }
}
