package io.synthgen.jobs.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Spark standalone cluster for the tests of the cluster tier: a master and single-core
 * workers, each a separate JVM started from the test classpath, bound to 127.0.0.1 only, stopped
 * by PID. Started once per test class and shared by its tests; {@link #restoreWorkers} replaces
 * a worker a test killed.
 */
public final class StandaloneCluster implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(90);
  /** The Spark module flags of JDK 17 (surefire/failsafe hand them over). */
  public static final String SPARK_JVM_FLAGS =
      System.getProperty("synthgen.sparkJvmFlags", "").trim();
  /** The JIT of the test JVMs (test.jit.flags in the pom) for the cluster's JVMs too. */
  public static final String JIT_FLAGS = "-XX:TieredStopAtLevel=1";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Path dir;
  private final String secret;
  private final int webPort;
  private final String master;
  private final List<Process> workers = new ArrayList<>();
  /** The RPC port of each entry of {@link #workers}. */
  private final List<Integer> workerPorts = new ArrayList<>();
  private final List<Process> all = new ArrayList<>();
  private int started;

  private StandaloneCluster(Path dir, String secret) throws IOException {
    this.dir = dir;
    this.secret = secret;
    int port = freePort();
    this.webPort = freePort();
    launch("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
        String.valueOf(port), "--webui-port", String.valueOf(webPort));
    this.master = "spark://127.0.0.1:" + port;
  }

  /**
   * Starts a master and {@code workers} workers (1 core, 1536 MB each) in {@code dir}; with a
   * {@code secret}, an authenticated cluster (as scripts/cluster starts). Returns once the
   * master counts every worker alive.
   */
  public static StandaloneCluster start(Path dir, int workers, String secret) throws Exception {
    StandaloneCluster c = new StandaloneCluster(dir, secret);
    try {
      for (int i = 0; i < workers; i++) {
        c.workers.add(c.startWorker());
      }
      c.awaitAliveWorkers(workers);
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  public String master() {
    return master;
  }

  public String secret() {
    return secret;
  }

  /** The process of worker {@code i}. */
  public Process worker(int i) {
    return workers.get(i);
  }

  /**
   * What a driver in this JVM needs for this cluster: the executors' classpath (the test
   * classpath), their memory and threads, 127.0.0.1, one core per worker, and the secret.
   */
  public Map<String, String> clientConf() throws IOException {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.executor.extraClassPath", String.join(File.pathSeparator, classpathEntries()));
    conf.put("spark.executor.memory", "1g");
    conf.put("spark.executor.extraJavaOptions", JIT_FLAGS);
    conf.put("spark.executorEnv.OMP_NUM_THREADS", "1");
    conf.put("spark.driver.host", "127.0.0.1");
    conf.put("spark.cores.max", String.valueOf(workers.size()));
    if (secret != null) {
      conf.put("spark.authenticate", "true");
      conf.put("spark.authenticate.secret", secret);
    }
    return conf;
  }

  /** The executor JVMs that worker {@code i} runs now. */
  public List<ProcessHandle> executorsOf(int i) {
    // /proc/PID/cmdline: ProcessHandle.Info leaves out command lines as long as a classpath
    return workers.get(i).descendants().filter(h -> {
      try {
        return Files.readString(Path.of("/proc", String.valueOf(h.pid()), "cmdline"))
            .contains("CoarseGrainedExecutorBackend");
      } catch (IOException e) {
        return false; // exited meanwhile
      }
    }).toList();
  }

  /**
   * Starts a new worker in place of each one that exited, and waits until the master counts
   * them all alive (and no longer counts the dead ones).
   */
  public void restoreWorkers() throws Exception {
    boolean replaced = false;
    for (int i = 0; i < workers.size(); i++) {
      if (!workers.get(i).isAlive()) {
        workers.set(i, startWorker());
        workerPorts.set(i, workerPorts.remove(workerPorts.size() - 1));
        replaced = true;
      }
    }
    if (replaced) {
      awaitAliveWorkers(workers.size());
    }
  }

  /**
   * Waits until the master's status page counts {@code count} alive workers, our running worker
   * processes among them (a killed worker may be counted a while after its death).
   */
  public void awaitAliveWorkers(int count) throws Exception {
    String[] last = {""};
    Await.value(STARTUP, () -> "a master at " + master + " with " + count + " alive workers "
        + "on ports " + workerPorts + ": " + last[0] + "; logs in " + dir, () -> {
          try {
            last[0] = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort
                + "/json/")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
          } catch (IOException e) {
            return null; // master not up yet
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
          try {
            com.fasterxml.jackson.databind.JsonNode json =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(last[0]);
            java.util.Set<Integer> alive = new java.util.HashSet<>();
            for (com.fasterxml.jackson.databind.JsonNode w : json.path("workers")) {
              if ("ALIVE".equals(w.path("state").asText())) {
                alive.add(w.path("port").asInt());
              }
            }
            java.util.Set<Integer> ours = new java.util.HashSet<>();
            for (int i = 0; i < workers.size(); i++) {
              if (workers.get(i).isAlive()) {
                ours.add(workerPorts.get(i));
              }
            }
            return json.path("aliveworkers").asInt() == count && alive.containsAll(ours)
                ? Boolean.TRUE : null;
          } catch (IOException e) {
            return null; // a page cut short
          }
        });
  }

  private Process startWorker() throws IOException {
    int n = started++;
    int port = freePort();
    workerPorts.add(port);
    return launch("worker" + n, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
        "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort()), "--cores",
        "1", "--memory", "1536m", "--work-dir", dir.resolve("work" + n).toString(), master);
  }

  private Process launch(String name, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // light daemons: a short JIT and one GC thread start them sooner on a small machine
    cmd.addAll(List.of("-Xmx512m", JIT_FLAGS, "-XX:+UseSerialGC"));
    if (secret != null) {
      cmd.add("-Dspark.authenticate=true");
    }
    cmd.addAll(List.of(SPARK_JVM_FLAGS.split("\\s+")));
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
    if (secret != null) {
      env.put("_SPARK_AUTH_SECRET", secret); // as scripts/cluster hands it over
    }
    Process p = pb.start();
    all.add(p);
    return p;
  }

  /** A SPARK_HOME whose jars/ links to the jars of the test classpath. */
  private Path sparkHome() throws IOException {
    Path home = dir.resolve("spark-home");
    Path jars = home.resolve("jars");
    if (!Files.exists(jars)) {
      Files.createDirectories(jars);
      for (String e : classpathEntries()) {
        Path p = Path.of(e);
        if (e.endsWith(".jar") && Files.exists(p)) {
          Path link = jars.resolve(p.getFileName());
          if (!Files.exists(link)) {
            Files.createSymbolicLink(link, p);
          }
        }
      }
    }
    return home;
  }

  /** Entries of the test classpath, expanding a surefire/failsafe manifest-only jar. */
  public static List<String> classpathEntries() throws IOException {
    List<String> out = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
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

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Stops every JVM this cluster started (workers first), by PID. */
  @Override
  public void close() {
    List<Process> reversed = new ArrayList<>(all);
    java.util.Collections.reverse(reversed);
    for (Process p : reversed) {
      p.destroy();
    }
    for (Process p : reversed) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }
}
