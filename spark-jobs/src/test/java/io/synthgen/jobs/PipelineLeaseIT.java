package io.synthgen.jobs;

import static io.synthgen.jobs.PipelineJobTest.json;
import static io.synthgen.jobs.PipelineJobTest.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.synthgen.jobs.testing.JobFixtures;
import io.synthgen.jobs.testing.SharedSparkSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline and train against leases other jobs hold (local disk): a live one ends the run
 * busy and recorded, a killed run's stale one is taken over, a run can wait for one. The lease
 * itself is raced in DirectoryLeaseTest (fast tier); two pipeline processes at once in
 * scripts/lease-race.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineLeaseIT {
  @RegisterExtension static final SharedSparkSession SPARK =
      SharedSparkSession.local("local[2]");
  @TempDir static Path dir;

  private JobFixtures.Run pipeline(Path models, Path output, String date, String... extra)
      throws Exception {
    return PipelineJobTest.pipeline(dir, models, output, date, extra);
  }

  /** A lease on {@code dir} as another job holds it: live, or renewed {@code ageSeconds} ago. */
  private static Path holdLease(Path dir, long ageSeconds) throws Exception {
    Files.createDirectories(dir.getParent());
    Path lease = dir.resolveSibling("." + dir.getFileName() + ".lease");
    Files.writeString(lease, "{\"job\": \"pipeline 2026-12-02\", \"host\": \"elsewhere\", "
        + "\"pid\": 4242, \"started\": \"2026-12-02T01:00:00Z\", \"token\": \"other\"}");
    Files.setLastModifiedTime(lease, java.nio.file.attribute.FileTime.fromMillis(
        System.currentTimeMillis() - ageSeconds * 1000));
    return lease;
  }

  @Test
  void aDateAnotherRunHoldsEndsBusyWritesNothingAndIsRecordedAsBusy() throws Exception {
    Path models = dir.resolve("busy-models");
    Path output = dir.resolve("busy-out");
    Path partition = output.resolve("run_date=2026-12-02");
    Path lease = holdLease(partition, 0);
    long t0 = System.nanoTime();
    JobFixtures.Run busy = pipeline(models, output, "2026-12-02", "--rows", "50");
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(4, busy.exitCode(), busy.stderr());
    assertTrue(seconds < 5, "a busy run ends at once: " + seconds + " s");
    assertTrue(busy.stderr().contains("busy") && busy.stderr().contains("pid 4242")
        && busy.stderr().contains("elsewhere"), busy.stderr());
    assertFalse(Files.exists(partition), "nothing published");
    assertFalse(Files.exists(models), "nothing trained");
    JsonNode latest = json(output.resolve("_runs/run_date=2026-12-02.json"));
    assertEquals("busy", latest.path("status").asText());
    assertEquals(1, names(output.resolve("_runs/run_date=2026-12-02")).stream()
        .filter(n -> n.startsWith("attempt-")).count());
    Files.delete(lease); // the other run finished
    JobFixtures.Run next = pipeline(models, output, "2026-12-02", "--rows", "50");
    assertEquals(0, next.exitCode(), next.stderr());
    assertEquals("published", json(output.resolve("_runs/run_date=2026-12-02.json"))
        .path("status").asText());
    List<String> attempts = names(output.resolve("_runs/run_date=2026-12-02")).stream()
        .filter(n -> n.startsWith("attempt-") && n.endsWith(".json")).toList();
    assertEquals(2, attempts.size(), "every attempt keeps its own record: " + attempts);
    assertFalse(Files.exists(lease), "the run released its lease");
    assertTrue(names(output).stream().noneMatch(n -> n.endsWith(".lease") || n.endsWith(".tmp")),
        names(output).toString());
  }

  @Test
  void theStaleLeaseOfAKilledRunIsTakenOver() throws Exception {
    Path output = dir.resolve("stale-out");
    Path partition = output.resolve("run_date=2026-12-03");
    Path lease = holdLease(partition, 3600);
    JobFixtures.Run r = pipeline(dir.resolve("stale-models"), output, "2026-12-03", "--rows",
        "50");
    assertEquals(0, r.exitCode(), r.stderr());
    assertTrue(Files.exists(partition.resolve("_run.json")));
    assertFalse(Files.exists(lease));
  }

  @Test
  void aRunThatWaitsForTheLeasePublishesOnceItIsReleased() throws Exception {
    Path output = dir.resolve("wait-out");
    Path lease = holdLease(output.resolve("run_date=2026-12-04"), 0);
    Thread release = new Thread(() -> {
      try {
        Thread.sleep(2000);
        Files.delete(lease);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    release.start();
    JobFixtures.Run r = pipeline(dir.resolve("wait-models"), output, "2026-12-04", "--rows",
        "50", "--wait-for-lease", "60s");
    release.join();
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals("published", json(output.resolve("_runs/run_date=2026-12-04.json"))
        .path("status").asText());
    JobFixtures.Run bad = pipeline(dir.resolve("wait-models"), output, "2026-12-04", "--rows",
        "50", "--wait-for-lease", "soon");
    assertEquals(2, bad.exitCode(), bad.stderr());
    assertTrue(bad.stderr().contains("'--wait-for-lease'") && bad.stderr().contains("90s"));
  }

  @Test
  void aTrainIntoADirectoryAnotherJobHoldsEndsBusyAndChangesNothing() throws Exception {
    Path model = dir.resolve("held-model");
    holdLease(model, 0);
    Path in = Files.createDirectories(dir.resolve("train-input"));
    JobFixtures.Run r = JobFixtures.run("train", "--model", "gaussian-copula", "--input",
        JobFixtures.writeTable(in, 600, 3).toString(), "--metadata",
        JobFixtures.writeMetadata(in, "status").toString(), "--model-dir", model.toString(),
        "--master", "local[2]");
    assertEquals(4, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("synth train: busy:") && r.stderr().contains("'--model-dir'"),
        r.stderr());
    assertFalse(Files.exists(model));
  }

}
