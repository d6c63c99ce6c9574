package io.synthgen.jobs;

import static io.synthgen.jobs.testing.JobFixtures.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.jobs.testing.DigitJobFixtures;
import io.synthgen.jobs.testing.JobFixtures;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trains and generates on a real Spark standalone cluster: a master and two single-core workers,
 * each a separate JVM started from the Maven test classpath, bound to 127.0.0.1 only, stopped by
 * PID afterwards. Two executors run the two training workers.
 */
@Tag("cluster")
class StandaloneClusterJobIT {
  private static final Duration STARTUP = Duration.ofSeconds(90);
  private final List<Process> processes = new ArrayList<>();
  private final List<String> properties = List.of("spark.executor.extraClassPath",
      "spark.executor.memory", "spark.executorEnv.OMP_NUM_THREADS", "spark.driver.host",
      "spark.cores.max", "spark.authenticate", "spark.authenticate.secret");
  @TempDir Path dir;

  @AfterEach
  void stopCluster() throws Exception {
    for (String p : properties) {
      System.clearProperty(p);
    }
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The shared RPC secret the daemons started from now on get (null: no authentication). */
  private String clusterSecret;

  private Process start(String name, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    if (clusterSecret != null) {
      cmd.add("-Dspark.authenticate=true");
    }
    cmd.addAll(List.of(System.getProperty("synthgen.sparkJvmFlags", "").trim().split("\\s+")));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.addAll(List.of(args));
    cmd.removeIf(String::isEmpty);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("OMP_NUM_THREADS", "1");
    env.put("SPARK_HOME", sparkHome().toString());
    env.put("SPARK_SCALA_VERSION", "2.12");
    if (clusterSecret != null) {
      env.put(SynthRunner.AUTH_SECRET_ENV, clusterSecret); // as scripts/cluster hands it over
    }
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /** Entries of the test classpath, expanding a surefire manifest-only jar. */
  static List<String> classpathEntries() throws IOException {
    List<String> out = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (e.contains("surefirebooter") && e.endsWith(".jar")) {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(e)) {
          String cp = jar.getManifest().getMainAttributes().getValue("Class-Path");
          for (String u : cp.trim().split("\\s+")) {
            out.add(Path.of(URI.create(u)).toString());
          }
        }
      } else {
        out.add(e);
      }
    }
    return out;
  }

  /** A SPARK_HOME whose jars/ links to the Spark jars of the test classpath. */
  private Path sparkHome() throws IOException {
    Path home = dir.resolve("spark-home");
    Path jars = home.resolve("jars");
    if (!java.nio.file.Files.exists(jars)) {
      java.nio.file.Files.createDirectories(jars);
      for (String e : classpathEntries()) {
        Path p = Path.of(e);
        if (e.endsWith(".jar") && java.nio.file.Files.exists(p)) {
          Path link = jars.resolve(p.getFileName());
          if (!java.nio.file.Files.exists(link)) {
            java.nio.file.Files.createSymbolicLink(link, p);
          }
        }
      }
    }
    return home;
  }

  private void awaitWorkers(int webPort, int count) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + STARTUP.toNanos();
    String body = "";
    while (System.nanoTime() < deadline) {
      try {
        body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort + "/json/"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
        if (body.replaceAll("\\s", "").contains("\"aliveworkers\":" + count)) {
          return;
        }
      } catch (IOException e) {
        // master not up yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError("cluster did not come up with " + count + " workers: " + body);
  }

  /**
   * Starts a master and {@code workers} single-core workers on 127.0.0.1 and points this JVM's
   * Spark jobs at them; returns the master URL.
   */
  private String startCluster(int workers) throws Exception {
    int port = freePort();
    int web = freePort();
    start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
        String.valueOf(port), "--webui-port", String.valueOf(web));
    String master = "spark://127.0.0.1:" + port;
    for (int i = 0; i < workers; i++) {
      start("worker" + i, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
          "--webui-port", String.valueOf(freePort()), "--cores", "1", "--memory", "1536m",
          "--work-dir", dir.resolve("work" + i).toString(), master);
    }
    awaitWorkers(web, workers);
    System.setProperty("spark.executor.extraClassPath",
        String.join(java.io.File.pathSeparator, classpathEntries()));
    System.setProperty("spark.executor.memory", "1g");
    System.setProperty("spark.executorEnv.OMP_NUM_THREADS", "1");
    System.setProperty("spark.driver.host", "127.0.0.1");
    System.setProperty("spark.cores.max", String.valueOf(workers));
    return master;
  }

  /** The executor JVMs that worker process {@code worker} has launched. */
  private List<ProcessHandle> executorsOf(Process worker) {
    // /proc/PID/cmdline: ProcessHandle.Info leaves out command lines as long as a classpath
    return worker.descendants().filter(h -> {
      try {
        return java.nio.file.Files.readString(Path.of("/proc", String.valueOf(h.pid()),
            "cmdline")).contains("CoarseGrainedExecutorBackend");
      } catch (IOException e) {
        return false; // exited meanwhile
      }
    }).toList();
  }

  @Test
  void anAuthenticatedClusterServesAClientWithItsSecretAndRefusesOneWithout() throws Exception {
    clusterSecret = "secret-" + System.nanoTime();
    String master = startCluster(1);
    Path table = JobFixtures.writeTable(dir, 200, 5);
    Path meta = JobFixtures.writeMetadata(dir, "status");
    java.util.function.Function<Path, String[]> train = model -> new String[] {"train",
        "--model", "gaussian-copula", "--input", table.toString(), "--metadata",
        meta.toString(), "--model-dir", model.toString(), "--master", master};
    System.setProperty("spark.authenticate", "true");
    System.setProperty("spark.authenticate.secret", clusterSecret);
    JobFixtures.Run served = JobFixtures.run(train.apply(dir.resolve("model-served")));
    assertEquals(0, served.exitCode(), served.stderr());
    assertTrue(java.nio.file.Files.exists(dir.resolve("model-served").resolve("bundle.json")));
    System.clearProperty("spark.authenticate");
    System.clearProperty("spark.authenticate.secret");
    Path refusedModel = dir.resolve("model-refused");
    JobFixtures.Run refused = JobFixtures.run(train.apply(refusedModel));
    assertEquals(2, refused.exitCode(), refused.stderr());
    assertTrue(refused.stderr().contains("'--master'") && refused.stderr().contains("secret"),
        refused.stderr());
    assertFalse(java.nio.file.Files.exists(refusedModel), "nothing written");
  }

  /** Sum of a 64-bit hash of every row: equal for the same rows in any order or partitioning. */
  private static long contentHash(Path parquet) {
    return JobFixtures.withReader(spark -> spark.read().parquet(parquet.toString())
        .selectExpr("sum(xxhash64(*)) AS h").first().getLong(0));
  }

  /** Starts a generation and SIGKILLs worker 0's executor once the staged output appears. */
  private JobFixtures.Run generateKillingAnExecutor(Process worker0, String[] args, Path out)
      throws Exception {
    java.util.concurrent.CompletableFuture<JobFixtures.Run> run =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> JobFixtures.run(args));
    long deadline = System.nanoTime() + STARTUP.toNanos();
    boolean killed = false;
    while (System.nanoTime() < deadline && !run.isDone() && !killed) {
      List<ProcessHandle> executors = executorsOf(worker0);
      boolean staging;
      try (var files = java.nio.file.Files.list(out.getParent())) {
        staging = files.anyMatch(f -> f.getFileName().toString().startsWith(
            "." + out.getFileName() + ".staging-"));
      }
      if (staging && !executors.isEmpty()) {
        executors.get(0).destroyForcibly();
        killed = true;
      }
      Thread.sleep(10);
    }
    assertTrue(killed, "an executor was killed while the output was being written");
    return run.get(5, java.util.concurrent.TimeUnit.MINUTES);
  }

  @Test
  void generationThatLosesAnExecutorMidWriteStillWritesTheRowsOfACleanRun() throws Exception {
    String master = startCluster(2);
    Process worker0 = processes.get(1);
    Path model = dir.resolve("model");
    JobFixtures.Run trained = JobFixtures.run("train", "--model", "gaussian-copula", "--input",
        JobFixtures.writeTable(dir, 300, 6).toString(), "--metadata",
        JobFixtures.writeMetadata(dir, "status").toString(), "--model-dir", model.toString(),
        "--master", master);
    assertEquals(0, trained.exitCode(), trained.stderr());
    java.util.function.Function<Path, String[]> generate = out -> new String[] {"generate",
        "--model-dir", model.toString(), "--rows", "1000000", "--partitions", "4", "--seed", "5",
        "--output", out.toString(), "--master", master};

    // Spark reruns the lost tasks from their partition seeds: the rows of a clean run
    Path survived = dir.resolve("out-survived");
    JobFixtures.Run s = generateKillingAnExecutor(worker0, generate.apply(survived), survived);
    assertEquals(0, s.exitCode(), s.stderr());
    Path clean = dir.resolve("out-clean");
    JobFixtures.Run c = JobFixtures.run(generate.apply(clean));
    assertEquals(0, c.exitCode(), c.stderr());
    long count = JobFixtures.withReader(spark -> spark.read().parquet(survived.toString())
        .count());
    assertEquals(1000000L, count);
    assertEquals(contentHash(clean), contentHash(survived));
  }

  @Test
  void aKilledExecutorOrWorkerMidTrainingIsRecordedAndTheModelEqualsAnUninterruptedRun()
      throws Exception {
    String master = startCluster(2);
    Process worker0 = processes.get(1);
    Path table = JobFixtures.writeTable(dir, 400, 3);
    Path meta = JobFixtures.writeMetadata(dir, "status");
    // 400 rows, batch 100, 2 workers: 2 steps per epoch, 5 per round: 60 epochs = 24 rounds
    java.util.function.Function<Path, String[]> train = model -> concat(new String[] {"train",
        "--model", "tabular-gan", "--input", table.toString(), "--metadata", meta.toString(),
        "--model-dir", model.toString(), "--epochs", "60", "--workers", "2", "--seed", "8",
        "--set", "checkpoint-every=1", "--master", master}, JobFixtures.SMALL_MODEL);
    Path killed = dir.resolve("model-killed");
    java.util.concurrent.CompletableFuture<JobFixtures.Run> run =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> JobFixtures.run(
            train.apply(killed)));
    long deadline = System.nanoTime() + STARTUP.toNanos();
    List<ProcessHandle> victims = List.of();
    while (System.nanoTime() < deadline && !run.isDone()) {
      victims = executorsOf(worker0);
      if (!victims.isEmpty() && java.nio.file.Files.exists(killed.resolve("bundle.json"))) {
        break; // a round has been averaged and checkpointed: the next one is under way
      }
      Thread.sleep(20);
    }
    assertEquals(1, victims.size(), "one executor JVM on worker 0 while training runs");
    victims.get(0).destroyForcibly();
    JobFixtures.Run r = run.get(5, java.util.concurrent.TimeUnit.MINUTES);
    assertEquals(0, r.exitCode(), r.stderr());
    var bundle = io.synthgen.model.bundle.ModelBundle.read(
        new io.synthgen.model.bundle.LocalBundleStore(killed));
    assertEquals(24, bundle.training().path("round").asInt());
    int lost = 0;
    for (var h : bundle.training().path("history")) {
      lost += h.path("executors_lost").asInt(0);
    }
    assertEquals(1, lost, "the round reports record the lost executor");
    assertTrue(!victims.get(0).isAlive(), "the executor was killed, not left running");

    // a whole worker JVM killed mid-training: its executor goes with it (Spark's WorkerWatcher)
    // and the rounds go on on the other worker's executor
    Path workerKilled = dir.resolve("model-worker-killed");
    java.util.concurrent.CompletableFuture<JobFixtures.Run> run2 =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> JobFixtures.run(
            train.apply(workerKilled)));
    deadline = System.nanoTime() + STARTUP.toNanos();
    List<ProcessHandle> orphans = List.of();
    while (System.nanoTime() < deadline && !run2.isDone()) {
      orphans = executorsOf(worker0);
      if (!orphans.isEmpty() && java.nio.file.Files.exists(workerKilled.resolve("bundle.json"))) {
        break;
      }
      Thread.sleep(20);
    }
    assertEquals(1, orphans.size(), "worker 0 runs this application's executor");
    worker0.destroyForcibly();
    JobFixtures.Run r2 = run2.get(5, java.util.concurrent.TimeUnit.MINUTES);
    assertEquals(0, r2.exitCode(), r2.stderr());
    var bundle2 = io.synthgen.model.bundle.ModelBundle.read(
        new io.synthgen.model.bundle.LocalBundleStore(workerKilled));
    assertEquals(24, bundle2.training().path("round").asInt());
    int lost2 = 0;
    for (var h : bundle2.training().path("history")) {
      lost2 += h.path("executors_lost").asInt(0);
    }
    assertEquals(1, lost2, "the round reports record the executor lost with its worker");
    orphans.get(0).onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);

    // the rerun partitions were counted once: both runs end with the parameters of a run
    // nobody interrupted (on the one worker left)
    Path clean = dir.resolve("model-clean");
    JobFixtures.Run c = JobFixtures.run(train.apply(clean));
    assertEquals(0, c.exitCode(), c.stderr());
    var reference = io.synthgen.model.bundle.ModelBundle.read(
        new io.synthgen.model.bundle.LocalBundleStore(clean));
    for (var e : reference.tensors().entrySet()) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(e.getValue(),
          bundle.tensors().get(e.getKey()), "executor killed: " + e.getKey());
      org.junit.jupiter.api.Assertions.assertArrayEquals(e.getValue(),
          bundle2.tensors().get(e.getKey()), "worker killed: " + e.getKey());
    }
  }

  @Test
  void trainsAndGeneratesAcrossTwoExecutorJvms() throws Exception {
    String master = startCluster(2);
    Path table = JobFixtures.writeTable(dir, 400, 3);
    Path meta = JobFixtures.writeMetadata(dir, "status");
    Path model = dir.resolve("model");
    JobFixtures.Run train = JobFixtures.run(concat(new String[] {"train", "--model",
        "tabular-gan", "--input", table.toString(), "--metadata", meta.toString(), "--model-dir",
        model.toString(), "--epochs", "10", "--workers", "2", "--master", master}, JobFixtures.SMALL_MODEL));
    assertEquals(0, train.exitCode(), train.stderr());
    assertTrue(train.stdout().contains("with 2 workers"), train.stdout());
    Path out = dir.resolve("out");
    JobFixtures.Run gen = JobFixtures.run("generate", "--model-dir", model.toString(), "--rows",
        "321", "--partitions", "2", "--condition", "status=bad", "--output", out.toString(),
        "--master", master);
    assertEquals(0, gen.exitCode(), gen.stderr());
    List<Row> rows = JobFixtures.readParquet(out);
    assertEquals(321, rows.size());
    assertTrue(rows.stream().allMatch(r -> "bad".equals(r.getString(3))));

    // generate-and-evaluate: every evaluation stage (sorts, joins, MLlib) on the executors
    Path holdoutDir = java.nio.file.Files.createDirectories(dir.resolve("holdout"));
    Path holdout = JobFixtures.writeTable(holdoutDir, 200, 4);
    Path report = dir.resolve("report");
    JobFixtures.Run evaluated = JobFixtures.run("generate", "--model-dir", model.toString(),
        "--rows", "300", "--partitions", "2", "--output", dir.resolve("out-all").toString(),
        "--real", table.toString(), "--holdout", holdout.toString(), "--report",
        report.toString(), "--utility-iterations", "3", "--master", master);
    assertEquals(0, evaluated.exitCode(), evaluated.stderr());
    var json = io.synthgen.model.bundle.ModelBundle.json().readTree(
        report.resolve("report.json").toFile());
    assertTrue(json.path("metrics").path("trtr_roc_auc").isNumber(), json.toString());
    assertTrue(json.path("metrics").path("column_pair_trends").isNumber(), json.toString());

    // the digit DCGAN on the same cluster: executors load DL4J and the oneDNN natives
    Path digits = DigitJobFixtures.writeIdx(dir.resolve("digits"), DigitJobFixtures.sample(128));
    Path digitModel = dir.resolve("digit-model");
    JobFixtures.Run digitTrain = JobFixtures.run(concat(new String[] {"train", "--model",
        "digit-dcgan", "--conditional", "--input", digits.toString(), "--model-dir",
        digitModel.toString(), "--epochs", "1", "--workers", "2", "--master", master},
        DigitJobFixtures.TINY_MODEL));
    assertEquals(0, digitTrain.exitCode(), digitTrain.stderr());
    JobFixtures.Run digitGen = JobFixtures.run("generate", "--model-dir", digitModel.toString(),
        "--rows", "30", "--partitions", "2", "--condition", "label=4", "--output",
        dir.resolve("digits-out").toString(), "--master", master);
    assertEquals(0, digitGen.exitCode(), digitGen.stderr());
    List<Row> images = JobFixtures.readParquet(dir.resolve("digits-out"));
    assertEquals(30, images.size());
    assertTrue(images.stream().allMatch(r -> (int) r.getAs("label") == 4));
    Path classifier = dir.resolve("classifier");
    JobFixtures.Run clf = JobFixtures.run("train", "--model", "digit-classifier", "--input",
        digits.toString(), "--model-dir", classifier.toString(), "--epochs", "1", "--workers",
        "2", "--set", "batch-size=16", "--master", master);
    assertEquals(0, clf.exitCode(), clf.stderr());
    Path digitReport = dir.resolve("digit-report");
    JobFixtures.Run digitEval = JobFixtures.run("evaluate", "--model-dir", digitModel.toString(),
        "--real", digits.toString(), "--synthetic", dir.resolve("digits-out").toString(),
        "--classifier", classifier.toString(), "--report", digitReport.toString(), "--master",
        master);
    assertEquals(0, digitEval.exitCode(), digitEval.stderr());
    var digitJson = io.synthgen.model.bundle.ModelBundle.json().readTree(
        digitReport.resolve("report.json").toFile());
    assertEquals(30, digitJson.path("images").path("n_samples").asInt());
    assertTrue(digitJson.path("metrics").path("classifier_fid").isNumber());
  }
}
