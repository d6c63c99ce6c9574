package io.synthgen.jobs;

import static io.synthgen.jobs.testing.JobFixtures.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.jobs.testing.DigitFixtures;
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
class StandaloneClusterJobTest {
  private static final Duration STARTUP = Duration.ofSeconds(90);
  private final List<Process> processes = new ArrayList<>();
  private final List<String> properties = List.of("spark.executor.extraClassPath",
      "spark.executor.memory", "spark.executorEnv.OMP_NUM_THREADS", "spark.driver.host",
      "spark.cores.max");
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

  private Process start(String name, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
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

  @Test
  void trainsAndGeneratesAcrossTwoExecutorJvms() throws Exception {
    int port = freePort();
    int web = freePort();
    start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
        String.valueOf(port), "--webui-port", String.valueOf(web));
    String master = "spark://127.0.0.1:" + port;
    for (int i = 0; i < 2; i++) {
      start("worker" + i, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
          "--webui-port", String.valueOf(freePort()), "--cores", "1", "--memory", "1536m",
          "--work-dir", dir.resolve("work" + i).toString(), master);
    }
    awaitWorkers(web, 2);
    System.setProperty("spark.executor.extraClassPath",
        String.join(java.io.File.pathSeparator, classpathEntries()));
    System.setProperty("spark.executor.memory", "1g");
    System.setProperty("spark.executorEnv.OMP_NUM_THREADS", "1");
    System.setProperty("spark.driver.host", "127.0.0.1");
    System.setProperty("spark.cores.max", "2");
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
    Path digits = DigitFixtures.writeIdx(dir.resolve("digits"), DigitFixtures.sample(128));
    Path digitModel = dir.resolve("digit-model");
    JobFixtures.Run digitTrain = JobFixtures.run(concat(new String[] {"train", "--model",
        "digit-dcgan", "--conditional", "--input", digits.toString(), "--model-dir",
        digitModel.toString(), "--epochs", "1", "--workers", "2", "--master", master},
        DigitFixtures.TINY_MODEL));
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
