package io.synthgen.jobs;

import io.synthgen.jobs.train.TrainOptions;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.config.Options;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The job runner: {@code spark-submit --class io.synthgen.jobs.SynthRunner synthgen.jar <job> ...}
 * or {@code scripts/synth <job> ...}. Jobs: {@code train}, {@code generate}, {@code explore},
 * {@code evaluate}. Exit codes: 0 done, 2 bad input or usage (message names the file, column or
 * option and the fix), 3 a quality gate failed (evaluate), 1 internal error.
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
    version = "synthgen " + SynthRunner.VERSION,
    description = "Distributed synthetic-data generator on Apache Spark.",
    subcommands = {TrainCommand.class, GenerateCommand.class, ExploreCommand.class,
        EvaluateCommand.class, PipelineCommand.class, BenchmarkGenerateCommand.class})
public final class SynthRunner implements Callable<Integer> {
  /** Accepted by every job (and read by scripts/synth for the log's exceptions too). */
  @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "on an error, print its stack trace too (default: the message only)")
  boolean verbose;

  /** This release, as {@code --version} and run records report it. */
  static final String VERSION = "0.1.0";
  private static final Logger LOG = LoggerFactory.getLogger(SynthRunner.class);
  static final int EXIT_BAD_INPUT = 2;
  /** Spark's environment variable for the shared RPC secret ({@code SecurityManager}). */
  static final String AUTH_SECRET_ENV = "_SPARK_AUTH_SECRET";
  /** Executors' OpenMP threads: ND4J's op pool per executor JVM. */
  static final String OMP_THREADS = "spark.executorEnv.OMP_NUM_THREADS";

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return EXIT_BAD_INPUT;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a job and returns its exit code (tests call this instead of {@link #main}). */
  public static int run(String... args) {
    NativeBackend.selectDefault();
    CommandLine cl = new CommandLine(new SynthRunner());
    CommandLine train = cl.getSubcommands().get("train");
    train.getCommandSpec().usageMessage().footer(trainFooter());
    boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
    cl.setParameterExceptionHandler((ex, ignored) -> {
      String job = ex.getCommandLine().getCommandName();
      System.err.println("synth " + job + ": error: " + ex.getMessage() + " (see 'synth "
          + ("synth".equals(job) ? "" : job + " ") + "--help')");
      return EXIT_BAD_INPUT;
    });
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      Throwable root = ex;
      while (root != null && !(root instanceof InvalidInputException)) {
        root = root.getCause();
      }
      // the master refused or lost this client (e.g. no cluster secret) and Spark stopped the
      // application under the job, wherever the job happened to be
      String message = root != null ? root.getMessage()
          : applicationStopped(ex) ? "option '--master': the Spark application could not start "
              + "or stopped before the job finished: check the master URL, that the cluster "
              + "runs, and, for an authenticated cluster, that this client has its secret "
              + "(scripts/cluster keeps it in .cluster/secret)" : null;
      if (message != null) {
        System.err.println("synth " + line.getCommandName() + ": error: " + message);
        if (verbose) {
          ex.printStackTrace(System.err);
        }
        return EXIT_BAD_INPUT;
      }
      System.err.println("synth " + line.getCommandName() + ": internal error: " + ex);
      ex.printStackTrace(System.err);
      return 1;
    });
    cl.setErr(new PrintWriter(System.err, true));
    return cl.execute(args);
  }

  /**
   * Whether {@code ex} comes from a Spark application that a cluster refused or lost: one that
   * could not start on a cluster master, or a SparkContext that Spark had already stopped.
   */
  static boolean applicationStopped(Throwable ex) {
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

  private static String trainFooter() {
    StringBuilder sb = new StringBuilder("%nConfig keys (--conf FILE in key = value form, or "
        + "--set key=value; flags win over --set, --set over the file):%n");
    sb.append(Options.describe(TrainOptions.TRAIN).replace("%", "%%"));
    for (String name : ModelRegistry.names()) {
      sb.append(String.format("%nModel '%s' keys:%n", name));
      sb.append(Options.describe(ModelRegistry.get(name, "").modelOptions()).replace("%", "%%"));
    }
    return sb.toString();
  }

  /**
   * The SparkContext could not be created on a cluster master. A master that refuses the client
   * (e.g. an authenticated cluster and no secret) stops the application from Spark's own threads,
   * and when that lands while the context is still being built Spark fails with whatever it
   * was doing (seen: a NullPointerException for its task scheduler in {@code postStartHook}).
   */
  static final class ApplicationNotStartedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ApplicationNotStartedException(String master, Throwable cause) {
      super("the Spark application could not start on master " + master + ": " + cause, cause);
    }
  }

  /** Starts (or joins) the Spark session; local[*] when no master is configured. */
  static SparkSession session(String job, String master) {
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

  /** Options common to every job. */
  static class Common {
    @Option(names = "--master", description = "Spark master URL (default: spark-submit's, "
        + "else local[*])")
    String master;
  }

}
