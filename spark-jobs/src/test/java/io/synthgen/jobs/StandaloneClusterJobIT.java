package io.synthgen.jobs;

import static io.synthgen.jobs.testing.JobFixtures.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.jobs.testing.Await;
import io.synthgen.jobs.testing.DigitJobFixtures;
import io.synthgen.jobs.testing.JobFixtures;
import io.synthgen.jobs.testing.SharedSparkSession;
import io.synthgen.jobs.testing.StandaloneCluster;
import io.synthgen.model.bundle.LocalBundleStore;
import io.synthgen.model.bundle.ModelBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trains and generates on a real Spark standalone cluster: an authenticated master and two
 * single-core workers, each a separate JVM ({@link StandaloneCluster}), started once for the
 * class. Two executors run the two training workers. The jobs share one Spark application
 * ({@link SharedSparkSession}), authenticated with the cluster's secret; a client without it
 * runs in a JVM of its own. The worker that a test kills is replaced after it.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterJobIT {
  /** How long an executor or a checkpoint may take to appear. */
  private static final Duration STARTUP = Duration.ofSeconds(90);
  @TempDir static Path dir;
  static StandaloneCluster cluster;
  static SharedSparkSession shared;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = StandaloneCluster.start(dir, 2, "secret-" + System.nanoTime());
    shared = SharedSparkSession.on(cluster.master(), cluster.clientConf());
    refusedClient = startRefusedClient();
  }

  @AfterAll
  static void stopCluster() {
    if (refusedClient != null) {
      refusedClient.destroyForcibly();
    }
    if (shared != null) {
      shared.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void restoreWorkers() throws Exception {
    cluster.restoreWorkers();
  }

  @Test
  @Order(1)
  void trainsAndGeneratesAcrossTwoExecutorJvms() throws Exception {
    shared.share();
    Path d = Files.createDirectories(dir.resolve("jobs"));
    Path table = JobFixtures.writeTable(d, 400, 3);
    Path meta = JobFixtures.writeMetadata(d, "status");
    Path model = d.resolve("model");
    String master = cluster.master();
    JobFixtures.Run train = JobFixtures.run(concat(new String[] {"train", "--model",
        "tabular-gan", "--input", table.toString(), "--metadata", meta.toString(), "--model-dir",
        model.toString(), "--epochs", "10", "--workers", "2", "--master", master},
        JobFixtures.SMALL_MODEL));
    assertEquals(0, train.exitCode(), train.stderr());
    assertTrue(train.stdout().contains("with 2 workers"), train.stdout());
    assertEquals(2, shared.session().sparkContext().getExecutorMemoryStatus().size() - 1,
        "two executor JVMs (and the driver's block manager)");
    Path out = d.resolve("out");
    JobFixtures.Run gen = JobFixtures.run("generate", "--model-dir", model.toString(), "--rows",
        "321", "--partitions", "2", "--condition", "status=bad", "--output", out.toString(),
        "--master", master);
    assertEquals(0, gen.exitCode(), gen.stderr());
    List<Row> rows = JobFixtures.readParquet(out);
    assertEquals(321, rows.size());
    assertTrue(rows.stream().allMatch(r -> "bad".equals(r.getString(3))));

    // generate-and-evaluate: every evaluation stage (sorts, joins, MLlib) on the executors
    Path holdoutDir = Files.createDirectories(d.resolve("holdout"));
    Path holdout = JobFixtures.writeTable(holdoutDir, 200, 4);
    Path report = d.resolve("report");
    JobFixtures.Run evaluated = JobFixtures.run("generate", "--model-dir", model.toString(),
        "--rows", "300", "--partitions", "2", "--output", d.resolve("out-all").toString(),
        "--real", table.toString(), "--holdout", holdout.toString(), "--report",
        report.toString(), "--utility-iterations", "3", "--master", master);
    assertEquals(0, evaluated.exitCode(), evaluated.stderr());
    var json = ModelBundle.json().readTree(report.resolve("report.json").toFile());
    assertTrue(json.path("metrics").path("trtr_roc_auc").isNumber(), json.toString());
    assertTrue(json.path("metrics").path("column_pair_trends").isNumber(), json.toString());

    // the digit DCGAN on the same cluster: executors load DL4J and the oneDNN natives
    Path digits = DigitJobFixtures.writeIdx(d.resolve("digits"), DigitJobFixtures.sample(128));
    Path digitModel = d.resolve("digit-model");
    JobFixtures.Run digitTrain = JobFixtures.run(concat(new String[] {"train", "--model",
        "digit-dcgan", "--conditional", "--input", digits.toString(), "--model-dir",
        digitModel.toString(), "--epochs", "1", "--workers", "2", "--master", master},
        DigitJobFixtures.TINY_MODEL));
    assertEquals(0, digitTrain.exitCode(), digitTrain.stderr());
    JobFixtures.Run digitGen = JobFixtures.run("generate", "--model-dir", digitModel.toString(),
        "--rows", "30", "--partitions", "2", "--condition", "label=4", "--output",
        d.resolve("digits-out").toString(), "--master", master);
    assertEquals(0, digitGen.exitCode(), digitGen.stderr());
    List<Row> images = JobFixtures.readParquet(d.resolve("digits-out"));
    assertEquals(30, images.size());
    assertTrue(images.stream().allMatch(r -> (int) r.getAs("label") == 4));
    Path classifier = d.resolve("classifier");
    JobFixtures.Run clf = JobFixtures.run("train", "--model", "digit-classifier", "--input",
        digits.toString(), "--model-dir", classifier.toString(), "--epochs", "1", "--workers",
        "2", "--set", "batch-size=16", "--master", master);
    assertEquals(0, clf.exitCode(), clf.stderr());
    Path digitReport = d.resolve("digit-report");
    JobFixtures.Run digitEval = JobFixtures.run("evaluate", "--model-dir", digitModel.toString(),
        "--real", digits.toString(), "--synthetic", d.resolve("digits-out").toString(),
        "--classifier", classifier.toString(), "--report", digitReport.toString(), "--master",
        master);
    assertEquals(0, digitEval.exitCode(), digitEval.stderr());
    var digitJson = ModelBundle.json().readTree(digitReport.resolve("report.json").toFile());
    assertEquals(30, digitJson.path("images").path("n_samples").asInt());
    assertTrue(digitJson.path("metrics").path("classifier_fid").isNumber());
  }

  /**
   * Waits until {@code n} executors have registered with the shared application (a killed one's
   * replacement included), so that losing one is an event its scheduler sees.
   */
  private static void awaitExecutors(int n) throws Exception {
    Await.until(STARTUP, n + " executors registered with the shared application",
        () -> shared.session().sparkContext().getExecutorMemoryStatus().size() == n + 1);
  }

  /**
   * A client without the cluster's secret: a driver JVM of its own, started with the cluster,
   * since Spark's client gives up on a master only after three registration attempts 20 s apart.
   */
  static Process refusedClient;
  static Path refusedModel;

  private static Process startRefusedClient() throws Exception {
    Path d = Files.createDirectories(dir.resolve("refused"));
    refusedModel = d.resolve("model");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add(StandaloneCluster.JIT_FLAGS);
    cmd.addAll(List.of(StandaloneCluster.SPARK_JVM_FLAGS.split("\\s+")));
    cmd.addAll(List.of("-cp", String.join(java.io.File.pathSeparator,
        StandaloneCluster.classpathEntries()), SynthRunner.class.getName(), "train", "--model",
        "gaussian-copula", "--input", JobFixtures.writeTable(d, 200, 5).toString(),
        "--metadata", JobFixtures.writeMetadata(d, "status").toString(), "--model-dir",
        refusedModel.toString(), "--master", cluster.master()));
    cmd.removeIf(String::isEmpty);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(d.resolve("client.log").toFile());
    pb.environment().remove(SynthRunner.AUTH_SECRET_ENV);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  @Test
  @Order(4)
  void anAuthenticatedClusterServesAClientWithItsSecretAndRefusesOneWithout() throws Exception {
    // served: the shared application holds the secret (spark.authenticate.secret)
    shared.share();
    Path d = Files.createDirectories(dir.resolve("served"));
    Path served = d.resolve("model");
    JobFixtures.Run run = JobFixtures.run("train", "--model", "gaussian-copula", "--input",
        JobFixtures.writeTable(d, 200, 5).toString(), "--metadata",
        JobFixtures.writeMetadata(d, "status").toString(), "--model-dir", served.toString(),
        "--master", cluster.master());
    assertEquals(0, run.exitCode(), run.stderr());
    assertTrue(Files.exists(served.resolve("bundle.json")));
    // refused: the client started without it
    assertTrue(refusedClient.waitFor(3, TimeUnit.MINUTES), "the client without the secret ends");
    String stderr = Files.readString(refusedModel.resolveSibling("client.log"));
    assertEquals(2, refusedClient.exitValue(), stderr);
    assertTrue(stderr.contains("'--master'") && stderr.contains("secret"), stderr);
    assertFalse(Files.exists(refusedModel), "nothing written");
  }

  /** Sum of a 64-bit hash of every row: equal for the same rows in any order or partitioning. */
  private static long contentHash(Path parquet) {
    return JobFixtures.withReader(spark -> spark.read().parquet(parquet.toString())
        .selectExpr("sum(xxhash64(*)) AS h").first().getLong(0));
  }

  /** Whether a file (a part being written) exists anywhere under {@code staging}. */
  private static boolean writing(Path staging) {
    try (var files = Files.walk(staging)) {
      return files.anyMatch(f -> Files.isRegularFile(f) && f.getFileName().toString()
          .startsWith("part-"));
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return false; // not there yet, or renamed meanwhile
    }
  }

  /** The staging directory of a job writing {@code out}, once it holds a part file. */
  private static Path partsBeingWritten(Path out) {
    try (var files = Files.list(out.getParent())) {
      return files.filter(f -> f.getFileName().toString().startsWith(
          "." + out.getFileName() + ".staging-")).filter(StandaloneClusterJobIT::writing)
          .findFirst().orElse(null);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  @Test
  @Order(2)
  void generationThatLosesAnExecutorMidWriteStillWritesTheRowsOfACleanRun() throws Exception {
    shared.share();
    String master = cluster.master();
    Path d = Files.createDirectories(dir.resolve("generate"));
    Path model = d.resolve("model");
    JobFixtures.Run trained = JobFixtures.run("train", "--model", "gaussian-copula", "--input",
        JobFixtures.writeTable(d, 300, 6).toString(), "--metadata",
        JobFixtures.writeMetadata(d, "status").toString(), "--model-dir", model.toString(),
        "--master", master);
    assertEquals(0, trained.exitCode(), trained.stderr());
    Function<Path, String[]> generate = out -> new String[] {"generate",
        "--model-dir", model.toString(), "--rows", "400000", "--partitions", "4", "--seed", "5",
        "--output", out.toString(), "--master", master};

    // worker 0's executor is SIGKILLed once the job writes its first part file: Spark reruns
    // the lost tasks from their partition seeds, and the rows are those of a clean run
    Path survived = d.resolve("out-survived");
    awaitExecutors(2);
    List<ProcessHandle> victims = cluster.executorsOf(0);
    assertEquals(1, victims.size(), "the shared application's executor on worker 0");
    java.util.concurrent.atomic.AtomicInteger lostTasks =
        new java.util.concurrent.atomic.AtomicInteger();
    org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler
        .SparkListener() {
      @Override
      public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
        if (end.reason() instanceof org.apache.spark.ExecutorLostFailure) {
          lostTasks.incrementAndGet();
        }
      }
    };
    shared.session().sparkContext().addSparkListener(listener);
    CompletableFuture<JobFixtures.Run> run =
        CompletableFuture.supplyAsync(() -> JobFixtures.run(generate.apply(survived)));
    Await.value(STARTUP, 5, () -> "a part file of " + survived + " being written",
        () -> run.isDone() ? Boolean.FALSE : partsBeingWritten(survived) != null ? true : null);
    assertFalse(run.isDone(), "the job was still writing");
    victims.get(0).destroyForcibly();
    JobFixtures.Run s = run.get(5, TimeUnit.MINUTES);
    assertEquals(0, s.exitCode(), s.stderr());
    assertFalse(victims.get(0).isAlive(), "the executor was killed");
    // (listener events arrive asynchronously)
    Await.until(Duration.ofSeconds(30), "a task attempt lost with the executor",
        () -> lostTasks.get() > 0);
    shared.session().sparkContext().removeSparkListener(listener);
    Path clean = d.resolve("out-clean");
    JobFixtures.Run c = JobFixtures.run(generate.apply(clean));
    assertEquals(0, c.exitCode(), c.stderr());
    long count = JobFixtures.withReader(spark -> spark.read().parquet(survived.toString())
        .count());
    assertEquals(400000L, count);
    assertEquals(contentHash(clean), contentHash(survived));
  }

  /** Executors lost during a training run, as its round reports recorded them. */
  private static int executorsLost(ModelBundle bundle) {
    int lost = 0;
    for (var h : bundle.training().path("history")) {
      lost += h.path("executors_lost").asInt(0);
    }
    return lost;
  }

  /**
   * Starts {@code train} and waits until its first checkpoint is on disk (the next round is
   * under way) while worker 0 runs an executor of the application; returns that executor.
   */
  private static ProcessHandle afterFirstCheckpoint(CompletableFuture<JobFixtures.Run> run,
      Path model) throws Exception {
    return Await.value(STARTUP, 5, () -> "a checkpoint in " + model + " and an executor on "
        + "worker 0 while the training runs", () -> {
          if (run.isDone()) {
            throw new AssertionError("training ended first: " + run.join().stderr());
          }
          List<ProcessHandle> executors = cluster.executorsOf(0);
          return executors.size() == 1 && Files.exists(model.resolve("bundle.json"))
              ? executors.get(0) : null;
        });
  }

  @Test
  @Order(3)
  void aKilledExecutorOrWorkerMidTrainingIsRecordedAndTheModelEqualsAnUninterruptedRun()
      throws Exception {
    shared.share();
    Path d = Files.createDirectories(dir.resolve("train"));
    Path table = JobFixtures.writeTable(d, 400, 3);
    Path meta = JobFixtures.writeMetadata(d, "status");
    // 400 rows, batch 100, 2 workers: 2 steps per epoch, 5 per round: 20 epochs = 8 rounds
    Function<Path, String[]> train = model -> concat(new String[] {"train",
        "--model", "tabular-gan", "--input", table.toString(), "--metadata", meta.toString(),
        "--model-dir", model.toString(), "--epochs", "20", "--workers", "2", "--seed", "8",
        "--set", "checkpoint-every=1", "--master", cluster.master()}, JobFixtures.SMALL_MODEL);

    // worker 0's executor SIGKILLed after the first checkpoint: Spark reruns its tasks
    Path killed = d.resolve("model-killed");
    awaitExecutors(2);
    CompletableFuture<JobFixtures.Run> run =
        CompletableFuture.supplyAsync(() -> JobFixtures.run(train.apply(killed)));
    ProcessHandle victim = afterFirstCheckpoint(run, killed);
    victim.destroyForcibly();
    JobFixtures.Run r = run.get(5, TimeUnit.MINUTES);
    assertEquals(0, r.exitCode(), r.stderr());
    ModelBundle bundle = ModelBundle.read(new LocalBundleStore(killed));
    assertEquals(8, bundle.training().path("round").asInt());
    assertEquals(1, executorsLost(bundle), "the round reports record the lost executor");
    assertFalse(victim.isAlive(), "the executor was killed, not left running");

    // a whole worker JVM killed mid-training: its executor goes with it (Spark's WorkerWatcher)
    // and the rounds go on on the other worker's executor
    Path workerKilled = d.resolve("model-worker-killed");
    awaitExecutors(2); // the killed executor's replacement
    CompletableFuture<JobFixtures.Run> run2 =
        CompletableFuture.supplyAsync(() -> JobFixtures.run(train.apply(workerKilled)));
    ProcessHandle orphan = afterFirstCheckpoint(run2, workerKilled);
    cluster.worker(0).destroyForcibly();
    JobFixtures.Run r2 = run2.get(5, TimeUnit.MINUTES);
    assertEquals(0, r2.exitCode(), r2.stderr());
    ModelBundle bundle2 = ModelBundle.read(new LocalBundleStore(workerKilled));
    assertEquals(8, bundle2.training().path("round").asInt());
    assertEquals(1, executorsLost(bundle2),
        "the round reports record the executor lost with its worker");
    orphan.onExit().get(60, TimeUnit.SECONDS);

    // the rerun partitions were counted once: both runs end with the parameters of a run
    // nobody interrupted (on the one worker left)
    Path clean = d.resolve("model-clean");
    JobFixtures.Run c = JobFixtures.run(train.apply(clean));
    assertEquals(0, c.exitCode(), c.stderr());
    ModelBundle reference = ModelBundle.read(new LocalBundleStore(clean));
    for (var e : reference.tensors().entrySet()) {
      assertArrayEquals(e.getValue(), bundle.tensors().get(e.getKey()),
          "executor killed: " + e.getKey());
      assertArrayEquals(e.getValue(), bundle2.tensors().get(e.getKey()),
          "worker killed: " + e.getKey());
    }
  }
}
