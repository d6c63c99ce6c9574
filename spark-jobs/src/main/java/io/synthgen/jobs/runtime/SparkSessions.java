package io.synthgen.jobs.runtime;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Starts (or joins) the Spark session of a job: the master (local[*] when neither the command
 * line nor spark-submit gives one), the cluster's shared secret, executors' OpenMP threads and
 * the native ND4J choices of this JVM ({@link NativeBackend}); and recognises an application
 * that a cluster refused or lost.
 */
public final class SparkSessions {
  /** Spark's environment variable for the shared RPC secret ({@code SecurityManager}). */
  public static final String AUTH_SECRET_ENV = "_SPARK_AUTH_SECRET";
  /** Executors' OpenMP threads: ND4J's op pool per executor JVM. */
  public static final String OMP_THREADS = "spark.executorEnv.OMP_NUM_THREADS";

  private SparkSessions() {}

  /**
   * The SparkContext could not be created on a cluster master. A master that refuses the client
   * (e.g. an authenticated cluster and no secret) stops the application from Spark's own threads,
   * and when that lands while the context is still being built Spark fails with whatever it
   * was doing (seen: a NullPointerException for its task scheduler in {@code postStartHook}).
   */
  public static final class ApplicationNotStartedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ApplicationNotStartedException(String master, Throwable cause) {
      super("the Spark application could not start on master " + master + ": " + cause, cause);
    }
  }

  /**
   * Starts (or joins) the Spark session of job {@code job} (its application name is
   * {@code synthgen JOB}) on {@code master}; local[*] when {@code master} is null and
   * spark-submit configured none. The caller stops it.
   */
  public static SparkSession open(String job, String master) {
    SparkSession.Builder b = SparkSession.builder().appName("synthgen " + job);
    SparkConf conf = new SparkConf();
    if (master != null) {
      b.master(master);
    } else if (!conf.contains("spark.master")) {
      b.master("local[*]");
      master = "local[*]";
    }
    // scripts/cluster and scripts/synth hand the cluster's shared secret over in Spark's own
    // environment variable (readable only by its owner, unlike a -D flag in ps); a standalone
    // driver also needs it as spark.authenticate.secret
    String secret = System.getenv(AUTH_SECRET_ENV);
    if (conf.getBoolean("spark.authenticate", false) && !conf.contains("spark.authenticate.secret")
        && secret != null && !secret.isBlank()) {
      b.config("spark.authenticate.secret", secret.trim());
    }
    if (!conf.contains(OMP_THREADS)) {
      // ND4J sizes its op pool from OMP_NUM_THREADS when an executor JVM starts: one thread per
      // core of a task, not one per core of the machine for every task
      b.config(OMP_THREADS, conf.get("spark.task.cpus", "1"));
    }
    String executorOpts = conf.get("spark.executor.extraJavaOptions", "");
    String withNative = NativeBackend.executorOptions(executorOpts);
    if (!withNative.equals(executorOpts.trim())) {
      b.config("spark.executor.extraJavaOptions", withNative);
    }
    if (master != null && master.startsWith("local")) {
      b.config("spark.ui.enabled", "false");
      b.config("spark.driver.host", "127.0.0.1");
      b.config("spark.sql.shuffle.partitions", "8");
    }
    String effectiveMaster = master != null ? master : conf.get("spark.master");
    try {
      return b.getOrCreate();
    } catch (RuntimeException e) {
      if (effectiveMaster.startsWith("local")) {
        throw e;
      }
      throw new ApplicationNotStartedException(effectiveMaster, e);
    }
  }

  /**
   * Whether {@code ex} comes from a Spark application that a cluster refused or lost: one that
   * could not start on a cluster master, or a SparkContext that Spark had already stopped.
   */
  public static boolean applicationStopped(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof ApplicationNotStartedException) {
        return true;
      }
      String m = String.valueOf(t.getMessage());
      if (m.contains("Cannot call methods on a stopped SparkContext")
          || m.contains("SparkContext was shut down")) {
        return true;
      }
    }
    return false;
  }
}
