package io.synthgen.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.jobs.testing.CheckpointKillingFileSystem;
import io.synthgen.jobs.testing.JobFixtures;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged product as users run it: {@code scripts/cluster} starts an authenticated
 * standalone cluster from the build's Spark jars, and jobs go through
 * {@code org.apache.spark.deploy.SparkSubmit} (what {@code bin/spark-submit} runs) with the shaded
 * {@code synthgen.jar}, in client and in cluster deploy mode. Runs after {@code package}
 * (maven-failsafe), in separate JVMs.
 */
@Tag("cluster")
class SparkSubmitIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path LIB = ROOT.resolve("spark-jobs/target/spark-lib");
  private static final Path JAR = ROOT.resolve("spark-jobs/target/synthgen.jar");
  private static final Duration JOB = Duration.ofMinutes(4);
  @TempDir static Path dir;
  static String master;
  static String secret;

  private static int freePortBlock() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base;
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        base = s.getLocalPort();
      }
      if (base > 60000) {
        continue;
      }
      boolean free = true;
      for (int p = base + 1; p <= base + 3 && free; p++) {
        try (ServerSocket s = new ServerSocket(p, 1, java.net.InetAddress.getLoopbackAddress())) {
          free = true;
        } catch (IOException e) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IOException("no block of 4 free ports");
  }

  private static ProcessBuilder cluster(String... args) {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("scripts/cluster").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("SYNTH_CLUSTER_DIR", dir.resolve("cluster").toString());
    pb.environment().put("WORKER_MEMORY", "1536m");
    return pb;
  }

  private static String run(ProcessBuilder pb, Path log) throws Exception {
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    if (!p.waitFor(JOB.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(pb.command() + " timed out; log: " + Files.readString(log));
    }
    String out = Files.readString(log);
    assertEquals(0, p.exitValue(), pb.command() + ":\n" + out);
    return out;
  }

  @BeforeAll
  static void startCluster() throws Exception {
    assertTrue(Files.exists(JAR) && Files.isDirectory(LIB), "run after mvn package: " + JAR);
    int port = freePortBlock();
    int web = freePortBlock();
    ProcessBuilder pb = cluster("start", "2");
    pb.environment().put("MASTER_PORT", String.valueOf(port));
    pb.environment().put("MASTER_WEBUI_PORT", String.valueOf(web));
    String out = run(pb, dir.resolve("cluster-start.log"));
    master = out.lines().filter(l -> l.startsWith("spark://")).findFirst().orElseThrow();
    secret = Files.readString(dir.resolve("cluster/secret")).trim();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    run(cluster("stop"), dir.resolve("cluster-stop.log"));
    String status = run(cluster("status"), dir.resolve("cluster-status.log"));
    assertTrue(status.contains("no cluster started") || !status.contains(": running"), status);
  }

  /** A spark-submit of the runner with {@code args}, authenticated with the cluster's secret. */
  private static ProcessBuilder submit(String deployMode, String... args) {
    return submit(deployMode, List.of(), args);
  }

  /** The same, with extra spark-submit options ({@code sparkOptions}) before the jar. */
  private static ProcessBuilder submit(String deployMode, List<String> sparkOptions,
      String... args) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
    cmd.addAll(List.of(System.getProperty("synthgen.sparkJvmFlags", "").trim().split("\\s+")));
    // the cluster's SPARK_HOME/jars: Spark's jars from the build plus synthgen.jar, whose shaded
    // dependencies stand in for those a Spark distribution ships and spark-lib leaves out
    cmd.addAll(List.of("-cp", dir.resolve("cluster/spark-home/jars") + "/*",
        "org.apache.spark.deploy.SparkSubmit",
        "--master", master, "--deploy-mode", deployMode,
        "--class", "io.synthgen.jobs.SynthRunner",
        "--driver-memory", "768m", "--executor-memory", "768m",
        "--conf", "spark.authenticate=true",
        "--conf", "spark.standalone.submit.waitAppCompletion=true",
        "--conf", "spark.driver.host=127.0.0.1",
        // a driver a worker launches (cluster deploy mode) does not get Spark's JDK 17 module
        // flags the way executors and a client-mode driver do: README "Running on a cluster"
        "--conf", "spark.driver.extraJavaOptions="
            + System.getProperty("synthgen.sparkJvmFlags", "").trim()));
    cmd.addAll(sparkOptions);
    cmd.add(JAR.toString());
    cmd.addAll(List.of(args));
    cmd.removeIf(String::isEmpty);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put(SynthRunner.AUTH_SECRET_ENV, secret);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb;
  }

  @Test
  void clientModeTrainsAndGeneratesOnTheCluster() throws Exception {
    Path table = JobFixtures.writeTable(dir, 300, 2);
    Path meta = JobFixtures.writeMetadata(dir, "status");
    Path model = dir.resolve("client-model");
    String trained = run(submit("client", "train", "--model", "gaussian-copula", "--input",
        table.toString(), "--metadata", meta.toString(), "--model-dir", model.toString(),
        "--workers", "2"), dir.resolve("client-train.log"));
    assertTrue(trained.contains("trained gaussian-copula on 300 rows with 2 workers"), trained);
    Path out = dir.resolve("client-rows");
    run(submit("client", "generate", "--model-dir", model.toString(), "--rows", "123",
        "--partitions", "2", "--condition", "status=bad", "--output", out.toString()),
        dir.resolve("client-generate.log"));
    var rows = JobFixtures.readParquet(out);
    assertEquals(123, rows.size());
    assertTrue(rows.stream().allMatch(r -> "bad".equals(r.getAs("status"))));
  }

  @Test
  void clusterDeployModeRunsTheDriverOnAWorker() throws Exception {
    Path table = JobFixtures.writeTable(dir, 300, 3);
    Path model = dir.resolve("cluster-model");
    run(submit("cluster", "train", "--model", "gaussian-copula", "--input", table.toString(),
        "--model-dir", model.toString(), "--workers", "1"), dir.resolve("cluster-train.log"));
    StringBuilder driverLogs = new StringBuilder();
    try (var files = Files.walk(dir.resolve("cluster"))) {
      for (Path f : files.filter(p -> p.toString().contains("/driver-")
          && p.getFileName().toString().equals("stderr")).toList()) {
        driverLogs.append(Files.readString(f));
      }
    }
    assertTrue(Files.exists(model.resolve("bundle.json")),
        "the driver on the worker wrote it; driver log:\n" + driverLogs);
    try (var drivers = Files.walk(dir.resolve("cluster"))) {
      assertTrue(drivers.anyMatch(p -> p.getFileName().toString().startsWith("driver-")),
          "a worker ran the driver (its driver-* work directory)");
    }
  }

  /** The stderr of the drivers a worker launched for {@code modelDir}, every launch. */
  private static String driverLogs(Path modelDir) throws IOException {
    StringBuilder logs = new StringBuilder();
    try (var files = Files.walk(dir.resolve("cluster"))) {
      for (Path f : files.filter(p -> p.toString().contains("/driver-")
          && p.getFileName().toString().equals("stderr")).toList()) {
        String log = Files.readString(f);
        if (log.contains(modelDir.toString())) {
          logs.append(log);
        }
      }
    }
    return logs.toString();
  }

  @Test
  void aSupervisedDriverKilledMidTrainingIsRestartedAndResumesByItself() throws Exception {
    Path d = Files.createDirectories(dir.resolve("supervised"));
    Path table = JobFixtures.writeTable(d, 400, 5);
    Path meta = JobFixtures.writeMetadata(d, "status");
    Path model = d.resolve("model");
    // 400 rows, batch 100, 1 worker: 4 steps per epoch, 5 per round: 10 epochs = 8 rounds
    List<String> args = new ArrayList<>(List.of("train", "--model", "tabular-gan", "--input",
        table.toString(), "--metadata", meta.toString(), "--model-dir", model.toString(),
        "--epochs", "10", "--workers", "1", "--seed", "3", "--set", "checkpoint-every=1",
        "--resume-if-present"));
    args.addAll(List.of(JobFixtures.SMALL_MODEL));
    // the driver JVM halts itself, as SIGKILL would, in its third checkpoint
    // (CheckpointKillingFileSystem, from a core-site.xml first on the driver's classpath); the
    // relaunched driver finds the marker and trains on. Executors read files with the driver's
    // Hadoop settings, so they get the class too (and never write a checkpoint).
    Path marker = d.resolve("driver-halted");
    String testClasses = CheckpointKillingFileSystem.class.getProtectionDomain().getCodeSource()
        .getLocation().getPath();
    String driverClassPath = CheckpointKillingFileSystem.configDir(d.resolve("driver-conf"), 3,
        marker) + File.pathSeparator + testClasses;
    Path log = d.resolve("supervised-train.log");
    ProcessBuilder pb = submit("cluster", List.of("--supervise", "--driver-class-path",
        driverClassPath, "--conf", "spark.executor.extraClassPath=" + testClasses),
        args.toArray(new String[0]));
    pb.redirectOutput(log.toFile());
    Process client = pb.start();
    // the client follows the driver (waitAppCompletion) through its relaunch to the end
    if (!client.waitFor(JOB.toSeconds(), TimeUnit.SECONDS)) {
      client.destroyForcibly();
      throw new AssertionError("the supervised training did not finish: " + Files.readString(log)
          + driverLogs(model));
    }
    String driverLogs = driverLogs(model);
    assertTrue(Files.exists(marker), "the first driver died in a checkpoint: " + driverLogs);
    assertEquals(2, driverLogs.split("Launch Command: ", -1).length - 1,
        "the worker launched the driver, then relaunched it: " + driverLogs);
    assertTrue(driverLogs.contains("holds a checkpoint; resuming it"),
        "the restarted driver resumed: " + driverLogs);
    var training = io.synthgen.model.bundle.ModelBundle.read(
        new io.synthgen.model.bundle.LocalBundleStore(model)).training();
    assertEquals(8, training.path("round").asInt(), training.toString());
    assertEquals(8, training.path("history").size(), "each round recorded once");
  }
}
