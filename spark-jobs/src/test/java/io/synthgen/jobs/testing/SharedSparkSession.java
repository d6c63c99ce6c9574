package io.synthgen.jobs.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Spark application for the jobs of a test class, instead of one per job: starting and
 * stopping a SparkContext costs about a second in local mode and 15-20 s on a standalone cluster
 * (executor JVMs start with it).
 *
 * <p>A job joins it the way it joins any running session: {@code SparkSession.builder()
 * .getOrCreate()} returns the default session while its SparkContext runs (what spark-submit
 * users of a shared notebook session see too). The session installed here ignores the {@code
 * stop()} every job calls when it finishes; {@link #close} (or the end of the class, as a JUnit
 * extension) ends the application.
 *
 * <p>{@link JobFixtures#run} keeps the job honest about its {@code --master}: a job that names
 * another master than this application's runs in an application of its own (this one is stopped
 * first, as Spark allows one SparkContext per JVM, and started again for the next job that names
 * its master). Tests that need a fresh application for a job (a master that refuses it, a
 * scheduler listener's count from zero) call {@link #suspend} first.
 *
 * <p>Use: {@code @RegisterExtension static final SharedSparkSession SPARK =
 * SharedSparkSession.local("local[2]");}
 */
public final class SharedSparkSession implements BeforeAllCallback, AfterAllCallback,
    AutoCloseable {
  /** The shared session of the running test class (jobs join it), or null. */
  private static SharedSparkSession current;

  private final String master;
  private final Map<String, String> conf;
  private Kept session;

  /** The session the jobs join: its stop() leaves the application running. */
  private static final class Kept extends SparkSession {
    private static final long serialVersionUID = 1L;

    Kept(SparkContext sc) {
      super(sc);
    }

    @Override
    public void stop() {
      // a job finished: the application goes on for the next job of the test class
    }

    void stopApplication() {
      super.stop();
    }
  }

  private SharedSparkSession(String master, Map<String, String> conf) {
    this.master = master;
    this.conf = conf;
  }

  /** A shared local application, configured as the runner configures a local one. */
  public static SharedSparkSession local(String master) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.driver.host", "127.0.0.1");
    conf.put("spark.sql.shuffle.partitions", "8");
    return on(master, conf);
  }

  /**
   * A shared application on {@code master} with {@code conf} on top of what the runner sets for
   * every application (executors' OpenMP threads and the native ND4J build of this JVM).
   */
  public static SharedSparkSession on(String master, Map<String, String> conf) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("spark.executorEnv.OMP_NUM_THREADS", "1");
    // the runner's NativeBackend: this JVM's nd4j-native build, no resident-memory check
    StringBuilder executorFlags = new StringBuilder();
    String build = System.getProperty("javacpp.platform.extension");
    if (build != null && !build.isEmpty()) {
      executorFlags.append("-Djavacpp.platform.extension=").append(build);
    }
    executorFlags.append(" -Dorg.bytedeco.javacpp.maxPhysicalBytes=")
        .append(System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes", "0"));
    all.putAll(conf);
    all.merge("spark.executor.extraJavaOptions", executorFlags.toString().trim(),
        (given, nativeFlags) -> given + " " + nativeFlags);
    return new SharedSparkSession(master, all);
  }

  public String master() {
    return master;
  }

  /** The shared session, started (again) if it is not running. */
  public synchronized SparkSession session() {
    if (session == null || session.sparkContext().isStopped()) {
      SparkConf sc = new SparkConf().setMaster(master).setAppName("synthgen tests (shared)");
      conf.forEach(sc::set);
      session = new Kept(new SparkContext(sc));
      SparkSession.setDefaultSession(session);
      SparkSession.setActiveSession(session);
    }
    return session;
  }

  /** Stops the shared application until the next {@link #session()} or joining job. */
  public synchronized void suspend() {
    if (session != null) {
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
      session.stopApplication();
      session = null;
    }
  }

  /**
   * Called by {@link JobFixtures#run} before a job with {@code args}: a job naming the shared
   * application's master joins it (started if needed); one naming another master gets an
   * application of its own; one naming none joins it if it runs.
   */
  static void beforeJob(String[] args) {
    SharedSparkSession shared;
    synchronized (SharedSparkSession.class) {
      shared = current;
    }
    if (shared == null) {
      return;
    }
    String requested = null;
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--master")) {
        requested = args[i + 1];
      }
    }
    if (shared.master.equals(requested)) {
      shared.session();
    } else if (requested != null) {
      shared.suspend();
    }
  }

  /**
   * Makes this the application that jobs run from now on join (done for the class by the
   * extension; {@link #close} undoes it).
   */
  public SharedSparkSession share() {
    synchronized (SharedSparkSession.class) {
      if (current != null && current != this) {
        current.close();
      }
      current = this;
    }
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    share();
  }

  /** Ends the application and stops sharing it. */
  @Override
  public void close() {
    suspend();
    synchronized (SharedSparkSession.class) {
      if (current == this) {
        current = null;
      }
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }
}
