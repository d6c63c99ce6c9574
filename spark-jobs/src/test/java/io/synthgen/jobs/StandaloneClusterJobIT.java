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
import java.util.List;
import java.util.Map;
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
 * class. Two executors run the two training workers. The jobs of a test share one Spark
 * application ({@link SharedSparkSession}) where the test is not about the application itself;
 * the authentication test starts its own. The test that kills a worker runs last and the
 * worker is replaced after it.
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
  }

  @AfterAll
  static void stopCluster() {
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
  void anAuthenticatedClusterServesAClientWithItsSecretAndRefusesOneWithout() throws Exception {
    shared.close(); // each job here starts (or fails to start) an application of its own
    Path d = Files.createDirectories(dir.resolve("auth"));
    Path table = JobFixtures.writeTable(d, 200, 5);
    Path meta = JobFixtures.writeMetadata(d, "status");
    Function<Path, String[]> train = model -> new String[] {"train",
        "--model", "gaussian-copula", "--input", table.toString(), "--metadata",
        meta.toString(), "--model-dir", model.toString(), "--master", cluster.master()};
    Map<String, String> conf = cluster.clientConf();
    try {
      conf.forEach(System::setProperty);
      JobFixtures.Run served = JobFixtures.run(train.apply(d.resolve("model-served")));
      assertEquals(0, served.exitCode(), served.stderr());
      assertTrue(Files.exists(d.resolve("model-served").resolve("bundle.json")));
      System.clearProperty("spark.authenticate");
      System.clearProperty("spark.authenticate.secret");
      Path refusedModel = d.resolve("model-refused");
      JobFixtures.Run refused = JobFixtures.run(train.apply(refusedModel));
      assertEquals(2, refused.exitCode(), refused.stderr());
      assertTrue(refused.stderr().contains("'--master'") && refused.stderr().contains("secret"),
          refused.stderr());
      assertFalse(Files.exists(refusedModel), "nothing written");
    } finally {
      conf.keySet().forEach(System::clearProperty);
    }
  }

  @Test
  @Order(2)
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
  @Order(3)
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
    CompletableFuture<JobFixtures.Run> run =
        CompletableFuture.supplyAsync(() -> JobFixtures.run(generate.apply(survived)));
    Await.value(STARTUP, 5, () -> "a part file of " + survived + " being written",
        () -> run.isDone() ? Boolean.FALSE : partsBeingWritten(survived) != null ? true : null);
    assertFalse(run.isDone(), "the job was still writing");
    victims.get(0).destroyForcibly();
    JobFixtures.Run s = run.get(5, TimeUnit.MINUTES);
    assertEquals(0, s.exitCode(), s.stderr());
    assertFalse(victims.get(0).isAlive(), "the executor was killed");
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
  @Order(4)
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
