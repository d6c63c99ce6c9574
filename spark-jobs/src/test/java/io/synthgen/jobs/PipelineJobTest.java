package io.synthgen.jobs;

import static io.synthgen.jobs.testing.JobFixtures.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.synthgen.jobs.pipeline.PipelineRun;
import io.synthgen.jobs.testing.JobFixtures;
import io.synthgen.jobs.testing.SharedSparkSession;
import io.synthgen.model.bundle.ModelBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduled pipeline end to end on local[2]: a date's run trains, generates the rare class,
 * evaluates and publishes; the same date again reuses the model and replaces the partition with
 * the same rows; {@code --skip-complete} leaves it alone; a failed gate publishes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineJobTest {
  @RegisterExtension static final SharedSparkSession SPARK =
      SharedSparkSession.local("local[2]");
  @TempDir static Path dir;
  Path table;
  Path metadata;

  @BeforeAll
  void writeTable() throws Exception {
    table = JobFixtures.writeTable(dir, 600, 3);
    metadata = JobFixtures.writeMetadata(dir, "status");
  }

  /** A copula pipeline run of {@code date} on the table in {@code dir} (written if absent). */
  static JobFixtures.Run pipeline(Path dir, Path models, Path output, String date,
      String... extra) throws Exception {
    Path table = dir.resolve("table.csv");
    Path metadata = dir.resolve("table.json");
    if (!Files.exists(table)) {
      JobFixtures.writeTable(dir, 600, 3);
      JobFixtures.writeMetadata(dir, "status");
    }
    return JobFixtures.run(concat(new String[] {"pipeline", "--run-date", date, "--input",
        table.toString(), "--metadata", metadata.toString(), "--model", "gaussian-copula",
        "--workers", "2", "--models", models.toString(), "--output", output.toString(),
        "--partitions", "2", "--master", "local[2]"}, extra));
  }

  private JobFixtures.Run pipeline(Path models, Path output, String date, String... extra)
      throws Exception {
    return pipeline(dir, models, output, date, extra);
  }

  static JsonNode json(Path file) throws Exception {
    return ModelBundle.json().readTree(file.toFile());
  }

  static TreeSet<String> names(Path d) throws Exception {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static List<String> sortedRows(Path d) {
    return JobFixtures.readParquet(d).stream().map(Row::toString).sorted().toList();
  }

  @Test
  void aDateRunTwicePublishesTheSameRowsOnceAndReusesItsModel() throws Exception {
    Path models = dir.resolve("twice-models");
    Path output = dir.resolve("twice-out");
    Path partition = output.resolve("run_date=2026-11-30");
    JobFixtures.Run first = pipeline(models, output, "2026-11-30", "--target-ratio", "0.5",
        "--gate", "rows_unknown_category<=0");
    assertEquals(0, first.exitCode(), first.stderr());
    JsonNode run = json(partition.resolve("_run.json"));
    assertEquals("published", run.path("status").asText());
    assertFalse(run.path("model").path("reused").asBoolean());
    assertTrue(Files.exists(models.resolve("trained=2026-11-30/bundle.json")));
    assertEquals(20261130L, run.path("seed").asLong());
    // bad share 0.5 of training rows + generated ones: bad + n = 0.5 (600 + n)
    Map<String, Long> classes = ModelBundle.json().convertValue(
        run.path("counts").path("training_classes"),
        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Long>>() {});
    long bad = classes.get("bad");
    long expected = 600 - 2 * bad;
    assertEquals(expected, run.path("counts").path("generated").asLong());
    List<Row> rows = JobFixtures.readParquet(partition);
    assertEquals(expected, rows.size());
    assertTrue(rows.stream().allMatch(r -> "bad".equals(r.getAs("status"))));
    // the report compares the rows with the real rows of their class
    JsonNode report = json(partition.resolve("_report/report.json"));
    assertEquals(bad, report.path("rows").path("real").asLong());
    assertTrue(run.path("metrics").path("column_shapes").asDouble() > 0.5, run.toString());
    assertTrue(run.path("versions").path("spark").asText().startsWith("3.5"));
    assertTrue(run.path("durations_s").path("total").asDouble() > 0);

    List<String> firstRows = sortedRows(partition);
    JobFixtures.Run again = pipeline(models, output, "2026-11-30", "--target-ratio", "0.5",
        "--gate", "rows_unknown_category<=0");
    assertEquals(0, again.exitCode(), again.stderr());
    JsonNode rerun = json(partition.resolve("_run.json"));
    assertTrue(rerun.path("model").path("reused").asBoolean());
    assertEquals(0, rerun.path("model").path("age_days").asInt());
    assertEquals(firstRows, sortedRows(partition), "a rerun of the date writes the same rows");
    assertEquals(new TreeSet<>(List.of("_runs", "run_date=2026-11-30")), names(output),
        "nothing staged is left beside the partitions");

    String published = Files.readString(partition.resolve("_run.json"));
    JobFixtures.Run skipped = pipeline(models, output, "2026-11-30", "--rows", "7",
        "--skip-complete");
    assertEquals(0, skipped.exitCode(), skipped.stderr());
    assertTrue(skipped.stdout().contains("skipped"), skipped.stdout());
    assertEquals(published, Files.readString(partition.resolve("_run.json")));
    assertEquals("skipped",
        json(output.resolve("_runs/run_date=2026-11-30.json")).path("status").asText());

    // three days later the model is young enough; the whole output reads as one table
    JobFixtures.Run later = pipeline(models, output, "2026-12-03", "--rows", "40");
    assertEquals(0, later.exitCode(), later.stderr());
    JsonNode laterRun = json(output.resolve("run_date=2026-12-03/_run.json"));
    assertEquals(3, laterRun.path("model").path("age_days").asInt());
    assertEquals("2026-11-30", laterRun.path("model").path("trained").asText());
    Map<String, Long> perDate = JobFixtures.withReader(s -> s.read().parquet(output.toString())
        .collectAsList()).stream().collect(Collectors.groupingBy(
            r -> r.getAs("run_date").toString(), Collectors.counting()));
    assertEquals(Map.of("2026-11-30", expected, "2026-12-03", 40L), perDate);
  }

  @Test
  void conditionsNarrowTheGeneratedRowsOfTheClassAndTheRunRecordKeepsThem() throws Exception {
    Path models = dir.resolve("cond-models");
    Path output = dir.resolve("cond-out");
    JobFixtures.Run r = pipeline(models, output, "2026-12-01", "--rows", "300", "--condition",
        "channel in (web,shop)", "--condition", "amount>=400");
    assertEquals(0, r.exitCode(), r.stderr());
    Path partition = output.resolve("run_date=2026-12-01");
    List<Row> rows = JobFixtures.readParquet(partition);
    assertEquals(300, rows.size());
    assertTrue(rows.stream().allMatch(x -> "bad".equals(x.getAs("status"))
        && !"phone".equals(x.getAs("channel")) && x.getAs("amount") != null
        && ((Number) x.getAs("amount")).doubleValue() >= 400), "every row meets all conditions");
    JsonNode run = json(partition.resolve("_run.json"));
    assertEquals("[\"status=bad\",\"channel in (web,shop)\",\"amount>=400\"]",
        run.path("counts").path("conditions").toString());
    assertTrue(run.path("metrics").path("column_shapes").isNumber(), run.toString());
    JobFixtures.Run bad = pipeline(models, dir.resolve("cond-bad"), "2026-12-01", "--rows", "10",
        "--condition", "channel>=3");
    JobFixtures.assertRejected(bad, dir.resolve("cond-bad").resolve("run_date=2026-12-01"),
        "'channel>=3'", "categorical");
  }

  @Test
  void aFailedGatePublishesNothingAndKeepsThePreviousPartition() throws Exception {
    Path models = dir.resolve("gate-models");
    Path output = dir.resolve("gate-out");
    Path partition = output.resolve("run_date=2026-11-30");
    assertEquals(0, pipeline(models, output, "2026-11-30", "--rows", "30").exitCode());
    String before = Files.readString(partition.resolve("_run.json"));
    JobFixtures.Run r = pipeline(models, output, "2026-11-30", "--rows", "50", "--gate",
        "column_shapes>=0.9999");
    assertEquals(3, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("nothing published"), r.stderr());
    assertEquals(before, Files.readString(partition.resolve("_run.json")));
    assertEquals(30, JobFixtures.readParquet(partition).size());
    JsonNode attempt = json(output.resolve("_runs/run_date=2026-11-30.json"));
    assertEquals("gate_failed", attempt.path("status").asText());
    assertFalse(attempt.path("gates").isMissingNode(), attempt.toString());
    assertEquals(new TreeSet<>(List.of("_runs", "run_date=2026-11-30")), names(output));
  }

  @Test
  void anIcebergTableHoldsEachRunDateOnceHoweverOftenItRuns() throws Exception {
    Path models = dir.resolve("ice-models");
    Path output = dir.resolve("ice-out");
    String warehouse = dir.resolve("ice-warehouse").toString();
    for (int attempt = 0; attempt < 2; attempt++) {
      JobFixtures.Run r = pipeline(models, output, "2026-11-30", "--rows", "25",
          "--iceberg-table", "fraud.augment", "--iceberg-warehouse", warehouse);
      assertEquals(0, r.exitCode(), r.stderr());
    }
    assertEquals(0, pipeline(models, output, "2026-12-01", "--rows", "15", "--iceberg-table",
        "fraud.augment", "--iceberg-warehouse", warehouse).exitCode());
    assertEquals(Map.of("2026-11-30", 25L, "2026-12-01", 15L),
        JobFixtures.rowsPerRunDate(warehouse, "fraud.augment"));
    JsonNode run = json(output.resolve("run_date=2026-12-01/_run.json"));
    assertTrue(run.path("iceberg").path("snapshot_id").asLong() != 0, run.toString());
    JobFixtures.assertRejected(pipeline(models, dir.resolve("ice-bad"), "2026-11-30", "--rows",
        "5", "--iceberg-table", "fraud.augment"), dir.resolve("ice-bad"),
        "--iceberg-warehouse");
  }

  @Test
  void badPipelineOptionsAreRefusedByNameAndWriteNothing() throws Exception {
    Path models = dir.resolve("bad-models");
    Path output = dir.resolve("bad-out");
    JobFixtures.assertRejected(pipeline(models, output, "2026-13-01", "--rows", "5"), output,
        "--run-date", "2026-13-01", "YYYY-MM-DD");
    JobFixtures.assertRejected(pipeline(models, output, "2026-11-30", "--target-ratio", "0.1"),
        output, "--target-ratio", "already makes up");
    JobFixtures.assertRejected(pipeline(models, output, "2026-11-30", "--target-ratio", "1.5"),
        output, "--target-ratio", "1.5");
    JobFixtures.assertRejected(pipeline(models, output, "2026-11-30", "--rows", "5", "--class",
        "maybe"), output, "--class", "maybe", "[good, bad]");
    JobFixtures.assertRejected(pipeline(models, output, "2026-11-30"), output, "--rows",
        "--target-ratio");
  }

  @Test
  void aTrainStepRefusedByItsInputFailsWithExit2AndWritesNoRunRecord() throws Exception {
    Path models = dir.resolve("refused-models");
    Path output = dir.resolve("refused-out");
    JobFixtures.Run r = pipeline(models, output, "2026-11-30", "--rows", "5", "--set",
        "no-such-key=1");
    // the step's own message, as synth train prints it, then the pipeline's
    JobFixtures.assertRejected(r, output, "synth train: error: unknown option 'no-such-key'",
        "synth pipeline: the train step failed (exit 2): nothing published for 2026-11-30; "
            + "run record (none: bad input)");
  }

  @Test
  void rowsForRatioReachesTheShareExactlyOrJustAbove() {
    // (100 + 400) / (600 + 400) = 0.5 exactly
    assertEquals(400, PipelineRun.rowsForRatio(Map.of("a", 100L, "b", 500L), "a", 0.5));
    // 10.7 rows would make 0.125: 11 make 111 / 886 = 0.1253
    assertEquals(11, PipelineRun.rowsForRatio(Map.of("a", 100L, "b", 775L), "a", 0.125));
  }
}
