package io.synthgen.jobs.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.jobs.testing.JobFixtures;
import io.synthgen.jobs.runtime.FaultInjection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generation task that fails on every attempt, mid-write (after some of its rows went to
 * Parquet): the job fails, nothing is visible at the output path or beside it, and a rerun
 * writes the rows of a clean run with the same seed.
 */
class FailedGenerationJobTest {
  @TempDir Path dir;

  private List<String> sortedRows(Path out) {
    return JobFixtures.readParquet(out).stream().map(Row::toString).sorted().toList();
  }

  @Test
  void aTaskThatFailsForGoodPublishesNothingAndARerunWritesTheCleanRows() throws Exception {
    Path table = JobFixtures.writeTable(dir, 500, 8);
    Path metadata = JobFixtures.writeMetadata(dir, "status");
    Path model = dir.resolve("model");
    assertEquals(0, JobFixtures.run("train", "--model", "gaussian-copula", "--input",
        table.toString(), "--metadata", metadata.toString(), "--model-dir", model.toString(),
        "--master", "local[2]").exitCode());
    Path outputs = Files.createDirectories(dir.resolve("outputs"));
    String[] generate = {"generate", "--model-dir", model.toString(), "--rows", "40000",
        "--partitions", "4", "--master", "local[2,3]"};
    Path clean = outputs.resolve("clean");
    JobFixtures.Run ok = JobFixtures.run(JobFixtures.concat(generate, "--output",
        clean.toString()));
    assertEquals(0, ok.exitCode(), ok.stderr());

    // partition 2 fails after 3,000 of its 10,000 rows, on each of its 3 attempts
    Path failed = outputs.resolve("failed");
    SparkSession spark = SparkSession.builder().master("local[2,3]").appName("fault")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
    spark.sparkContext().setLocalProperty(FaultInjection.FAIL_AFTER, "2:3000");
    JobFixtures.Run r = JobFixtures.run(JobFixtures.concat(generate, "--output",
        failed.toString()));
    assertEquals(1, r.exitCode(), "a failed task is a runtime failure a scheduler retries");
    assertTrue(r.stderr().contains("injected failure") && r.stderr().contains("3 times"),
        r.stderr());
    assertFalse(Files.exists(failed), "nothing at the output path");
    try (Stream<Path> s = Files.list(outputs)) {
      assertEquals(List.of("clean"), s.map(p -> p.getFileName().toString()).toList(),
          "no staging directory left beside the outputs");
    }

    JobFixtures.Run rerun = JobFixtures.run(JobFixtures.concat(generate, "--output",
        failed.toString()));
    assertEquals(0, rerun.exitCode(), rerun.stderr());
    assertEquals(sortedRows(clean), sortedRows(failed));
  }
}
