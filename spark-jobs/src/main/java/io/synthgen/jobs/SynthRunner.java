package io.synthgen.jobs;

import io.synthgen.jobs.job.Evaluation;
import io.synthgen.jobs.job.ModelRegistry;
import io.synthgen.jobs.runtime.ExitCodes;
import io.synthgen.jobs.runtime.NativeBackend;
import io.synthgen.jobs.runtime.SparkSessions;
import io.synthgen.jobs.runtime.Versions;
import io.synthgen.jobs.train.TrainOptions;
import io.synthgen.model.config.Options;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
    version = "synthgen " + Versions.SYNTHGEN,
    description = "Distributed synthetic-data generator on Apache Spark.",
    subcommands = {TrainCommand.class, GenerateCommand.class, ExploreCommand.class,
        EvaluateCommand.class, PipelineCommand.class, BenchmarkGenerateCommand.class,
        ConfigDocCommand.class})
public final class SynthRunner implements Callable<Integer> {
  /** Accepted by every job (and read by scripts/synth for the log's exceptions too). */
  @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "on an error, print its stack trace too (default: the message only)")
  boolean verbose;

  /** The runner's exit code of bad input or usage ({@link ExitCodes#BAD_INPUT}). */
  static final int EXIT_BAD_INPUT = ExitCodes.BAD_INPUT;
  /**
   * Spark's environment variable for the cluster's shared secret, as {@link SparkSessions}
   * reads it (kept here for the cluster tests, which hand it over as scripts/cluster does).
   */
  static final String AUTH_SECRET_ENV = SparkSessions.AUTH_SECRET_ENV;

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
    cl.setExecutionExceptionHandler((ex, line, parsed) ->
        ExitCodes.report(line.getCommandName(), ex, verbose, System.err));
    cl.setErr(new PrintWriter(System.err, true));
    return cl.execute(args);
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

  /** Options common to every job. */
  static class Common {
    @Option(names = "--master", description = "Spark master URL (default: spark-submit's, "
        + "else local[*])")
    String master;
  }

  /** Options of an evaluation, shared by {@code evaluate} and {@code generate --report}. */
  static class EvaluationOptions {
    @Option(names = "--real", paramLabel = "PATH", description = "real data the model was "
        + "trained on: a table (CSV or Parquet), or digit images (IDX, PNG folder, Parquet)")
    String real;
    @Option(names = "--holdout", paramLabel = "PATH", description = "real data the model did "
        + "not see (tables: needed for utility and the privacy baseline; images: the FID "
        + "reference and memorization threshold). Default: none")
    String holdout;
    @Option(names = "--report", paramLabel = "DIR", description = "directory for report.json "
        + "and report.html")
    String report;
    @Option(names = "--gate", paramLabel = "METRIC>=VALUE", description = "fail (exit 3) "
        + "unless the report's metric passes, e.g. column_pair_trends>=0.85, exact_copies<=0; "
        + "repeatable; operators >= <= > < ==")
    List<String> gates = new ArrayList<>();
    @Option(names = "--classifier", paramLabel = "DIR", description = "image models: "
        + "digit-classifier bundle (train --model digit-classifier) giving features and "
        + "predictions")
    String classifier;
    @Option(names = "--dcr-sample", paramLabel = "N", description = "synthetic and holdout rows "
        + "whose distance to the closest real record is computed, and training and holdout rows "
        + "of the membership-inference attack (default 2000)")
    int dcrSample = Evaluation.DEFAULT_DCR_SAMPLE;
    @Option(names = "--dcr-threshold", paramLabel = "D", description = "flag synthetic rows "
        + "closer than D to a real row (default: the holdout rows' 1st-percentile distance, or "
        + "0 = exact matches without a holdout)")
    Double dcrThreshold;
    @Option(names = "--utility-iterations", paramLabel = "N", description = "boosting "
        + "iterations of the utility classifier (default 50)")
    int utilityIterations = Evaluation.DEFAULT_UTILITY_ITERATIONS;
    @Option(names = "--histogram-bins", paramLabel = "N", description = "bins of the numeric "
        + "histograms in the report (default 20)")
    int histogramBins = Evaluation.DEFAULT_HISTOGRAM_BINS;
    @Option(names = "--overwrite-report", description = "replace an existing report directory")
    boolean overwriteReport;

    /** These options as the jobs take them. */
    Evaluation evaluation() {
      return new Evaluation(real, holdout, report, gates, classifier, dcrSample, dcrThreshold,
          utilityIterations, histogramBins, overwriteReport);
    }
  }

}
