package io.synthgen.jobs;

import static io.synthgen.jobs.testing.JobFixtures.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.jobs.testing.CheckpointKillingFileSystem;
import io.synthgen.jobs.testing.JobFixtures;
import io.synthgen.jobs.testing.StandaloneCluster;
import io.synthgen.model.bundle.LocalBundleStore;
import io.synthgen.model.bundle.ModelBundle;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training driver (a separate JVM) dies while it writes a checkpoint: the previous checkpoint
 * still loads, and {@code train --resume-if-present} continues from it to the same parameters as
 * a run nobody interrupted. The driver halts itself, as SIGKILL would, at that very instant
 * ({@link CheckpointKillingFileSystem}): the test waits for its exit, it does not race it.
 */
@Tag("slow")
class DriverLossJobIT {
  @TempDir Path dir;

  /** Weight files in the model directory: two at once means a checkpoint is being written. */
  private static List<String> weightFiles(Path model) throws Exception {
    try (var files = Files.list(model)) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("weights-")).sorted().toList();
    }
  }

  @Test
  void driverKilledDuringACheckpointWriteResumesToTheUninterruptedParameters() throws Exception {
    Path table = JobFixtures.writeTable(dir, 600, 1);
    Path meta = JobFixtures.writeMetadata(dir, "status");
    // 600 rows, batch 100, 2 workers: 3 steps per epoch, 5 per round: 10 epochs = 6 rounds
    java.util.function.Function<Path, String[]> train = model -> concat(new String[] {"train",
        "--model", "tabular-gan", "--input", table.toString(), "--metadata", meta.toString(),
        "--model-dir", model.toString(), "--epochs", "10", "--workers", "2", "--seed", "5",
        "--set", "checkpoint-every=1", "--master", "local[2]", "--resume-if-present"},
        JobFixtures.SMALL_MODEL);
    Path killed = dir.resolve("model-killed");
    Path marker = dir.resolve("driver-halted");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(StandaloneCluster.JIT_FLAGS);
    cmd.addAll(List.of(StandaloneCluster.SPARK_JVM_FLAGS.split("\\s+")));
    cmd.add("-cp");
    // first: the core-site.xml that makes the driver halt in its third checkpoint
    cmd.add(CheckpointKillingFileSystem.configDir(dir.resolve("driver-conf"), 3, marker)
        + File.pathSeparator + String.join(File.pathSeparator,
            StandaloneCluster.classpathEntries()));
    cmd.add(SynthRunner.class.getName());
    cmd.addAll(List.of(train.apply(killed)));
    cmd.removeIf(String::isEmpty);
    Path log = dir.resolve("driver.log");
    Process driver = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    try {
      assertTrue(driver.waitFor(3, TimeUnit.MINUTES), "driver still running: "
          + Files.readString(log));
    } finally {
      driver.destroyForcibly().waitFor();
    }
    assertEquals(CheckpointKillingFileSystem.HALT_STATUS, driver.exitValue(),
        "the driver died in its third checkpoint: " + Files.readString(log));
    assertTrue(Files.exists(marker));
    // killed half-way: the new weights are written, the manifest still names the old ones
    List<String> weights = weightFiles(killed);
    assertEquals(2, weights.size(), "old and new weights side by side: " + weights);
    ModelBundle interrupted = ModelBundle.read(new LocalBundleStore(killed));
    assertEquals(2, interrupted.training().path("round").asInt(),
        "the second checkpoint, the last one completed, loads");

    JobFixtures.Run resumed = JobFixtures.run(train.apply(killed));
    assertEquals(0, resumed.exitCode(), resumed.stderr());
    Path clean = dir.resolve("model-clean");
    JobFixtures.Run uninterrupted = JobFixtures.run(train.apply(clean));
    assertEquals(0, uninterrupted.exitCode(), uninterrupted.stderr());
    ModelBundle a = ModelBundle.read(new LocalBundleStore(killed));
    ModelBundle b = ModelBundle.read(new LocalBundleStore(clean));
    assertEquals(6, a.training().path("round").asInt());
    assertEquals(6, a.training().path("history").size(), "history continues, no round twice");
    for (var e : b.tensors().entrySet()) {
      assertArrayEquals(e.getValue(), a.tensors().get(e.getKey()), e.getKey());
    }
    assertEquals(1, weightFiles(killed).size(), "the resumed run's checkpoints cleaned up");
  }
}
