package io.synthgen.jobs;

import static io.synthgen.jobs.testing.JobFixtures.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.jobs.testing.JobFixtures;
import io.synthgen.model.bundle.LocalBundleStore;
import io.synthgen.model.bundle.ModelBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a training driver (a separate JVM, {@code SIGKILL}) while it writes a checkpoint: the
 * previous checkpoint still loads, and {@code train --resume-if-present} continues from it to
 * the same parameters as a run nobody interrupted.
 */
@Tag("slow")
class DriverLossJobIT {
  @TempDir Path dir;

  /** Weight files in the model directory: two at once means a checkpoint is being written. */
  private static List<String> weightFiles(Path model) {
    try (var files = Files.list(model)) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("weights-")).toList();
    } catch (java.io.IOException e) {
      return List.of(); // not created yet, or a file vanished while listing
    }
  }

  @Test
  void driverKilledDuringACheckpointWriteResumesToTheUninterruptedParameters() throws Exception {
    Path table = JobFixtures.writeTable(dir, 600, 1);
    Path meta = JobFixtures.writeMetadata(dir, "status");
    // 600 rows, batch 100, 2 workers: 3 steps per epoch, 5 per round: 40 epochs = 24 rounds
    java.util.function.Function<Path, String[]> train = model -> concat(new String[] {"train",
        "--model", "tabular-gan", "--input", table.toString(), "--metadata", meta.toString(),
        "--model-dir", model.toString(), "--epochs", "40", "--workers", "2", "--seed", "5",
        "--set", "checkpoint-every=1", "--master", "local[2]", "--resume-if-present"},
        JobFixtures.SMALL_MODEL);
    Path killed = dir.resolve("model-killed");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(System.getProperty("synthgen.sparkJvmFlags", "").trim().split("\\s+")));
    cmd.add("-cp");
    cmd.add(String.join(java.io.File.pathSeparator, StandaloneClusterJobIT.classpathEntries()));
    cmd.add(SynthRunner.class.getName());
    cmd.addAll(List.of(train.apply(killed)));
    cmd.removeIf(String::isEmpty);
    Process driver = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("driver.log").toFile()).start();
    Set<String> seen = new HashSet<>();
    boolean duringWrite = false;
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (driver.isAlive() && System.nanoTime() < deadline) {
        List<String> weights = weightFiles(killed);
        seen.addAll(weights);
        // after two finished checkpoints, kill the moment a third is half-way (old and new
        // weights side by side), or give up waiting for that instant after eight
        if (seen.size() >= 3 && weights.size() >= 2) {
          duringWrite = true;
          break;
        }
        if (seen.size() >= 8) {
          break;
        }
        Thread.onSpinWait();
      }
    } finally {
      driver.destroyForcibly().waitFor();
    }
    assertTrue(seen.size() >= 3, "driver checkpointed before it was killed: "
        + Files.readString(dir.resolve("driver.log")));
    ModelBundle interrupted = ModelBundle.read(new LocalBundleStore(killed));
    int round = interrupted.training().path("round").asInt();
    assertTrue(round >= 2 && round < 24, "killed mid-training at round " + round
        + (duringWrite ? " during a checkpoint write" : ""));

    JobFixtures.Run resumed = JobFixtures.run(train.apply(killed));
    assertEquals(0, resumed.exitCode(), resumed.stderr());
    Path clean = dir.resolve("model-clean");
    JobFixtures.Run uninterrupted = JobFixtures.run(train.apply(clean));
    assertEquals(0, uninterrupted.exitCode(), uninterrupted.stderr());
    ModelBundle a = ModelBundle.read(new LocalBundleStore(killed));
    ModelBundle b = ModelBundle.read(new LocalBundleStore(clean));
    assertEquals(24, a.training().path("round").asInt());
    assertEquals(24, a.training().path("history").size(), "history continues, no round twice");
    for (var e : b.tensors().entrySet()) {
      assertArrayEquals(e.getValue(), a.tensors().get(e.getKey()), e.getKey());
    }
  }
}
