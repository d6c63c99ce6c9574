package io.synthgen.jobs;

import io.synthgen.model.InvalidInputException;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import io.synthgen.model.train.TrainingListener;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
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
@Command(name = "synth", mixinStandardHelpOptions = true, version = "synthgen 0.1.0",
    description = "Distributed synthetic-data generator on Apache Spark.",
    subcommands = {SynthRunner.Train.class, SynthRunner.Generate.class,
        SynthRunner.Explore.class, SynthRunner.Evaluate.class})
public final class SynthRunner implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(SynthRunner.class);
  static final int EXIT_BAD_INPUT = 2;

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
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      Throwable root = ex;
      while (root != null && !(root instanceof InvalidInputException)) {
        root = root.getCause();
      }
      if (root != null) {
        System.err.println("synth " + line.getCommandName() + ": error: " + root.getMessage());
        return EXIT_BAD_INPUT;
      }
      System.err.println("synth " + line.getCommandName() + ": internal error: " + ex);
      ex.printStackTrace(System.err);
      return 1;
    });
    cl.setErr(new PrintWriter(System.err, true));
    return cl.execute(args);
  }

  private static String trainFooter() {
    StringBuilder sb = new StringBuilder("%nConfig keys (--conf FILE in key = value form, or "
        + "--set key=value; flags win over --set, --set over the file):%n");
    sb.append(Options.describe(JobOptions.TRAIN).replace("%", "%%"));
    for (String name : ModelRegistry.names()) {
      sb.append(String.format("%nModel '%s' keys:%n", name));
      sb.append(Options.describe(ModelRegistry.get(name, "").modelOptions()).replace("%", "%%"));
    }
    return sb.toString();
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
    String nativeFlag = NativeBackend.executorFlag();
    String executorOpts = conf.get("spark.executor.extraJavaOptions", "");
    if (nativeFlag != null && !executorOpts.contains(NativeBackend.EXTENSION_PROPERTY)) {
      b.config("spark.executor.extraJavaOptions", (executorOpts + " " + nativeFlag).trim());
    }
    if (master != null && master.startsWith("local")) {
      b.config("spark.ui.enabled", "false");
      b.config("spark.driver.host", "127.0.0.1");
      b.config("spark.sql.shuffle.partitions", "8");
    }
    return b.getOrCreate();
  }

  /** Options common to every job. */
  static class Common {
    @Option(names = "--master", description = "Spark master URL (default: spark-submit's, "
        + "else local[*])")
    String master;
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train a model data-parallel (parameter averaging) and write its bundle.")
  static final class Train extends Common implements Callable<Integer> {
    @Option(names = "--conf", paramLabel = "FILE", description = "config file (key = value)")
    String conf;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config key")
    List<String> sets = new ArrayList<>();

    /** Reads the --conf file (any Hadoop FS path); empty when none was given. */
    private Properties loadConf() throws Exception {
      Properties p = new Properties();
      if (conf != null) {
        Path path = new Path(conf);
        org.apache.hadoop.fs.FileSystem fs =
            path.getFileSystem(new org.apache.hadoop.conf.Configuration());
        if (!fs.exists(path)) {
          throw new InvalidInputException("config file '" + conf + "' does not exist");
        }
        try (Reader r = new InputStreamReader(fs.open(path), StandardCharsets.UTF_8)) {
          p.load(r);
        }
      }
      return p;
    }

    @Option(names = "--model", description = "model name: tabular-gan, digit-dcgan, or "
        + "digit-classifier (the image evaluation's classifier)")
    String model;
    @Option(names = "--input", description = "training data (any Hadoop FS): a table (CSV or "
        + "Parquet) or digit images (IDX file, PNG folder or Parquet)")
    String input;
    @Option(names = "--conditional", description = "digit-dcgan: class-conditional model "
        + "(same as --set conditional=true)")
    boolean conditional;
    @Option(names = "--metadata", paramLabel = "META.json", description = "column roles")
    String metadata;
    @Option(names = "--format", description = "csv or parquet (tables), idx, png or parquet "
        + "(images); default: from the path")
    String format;
    @Option(names = "--model-dir", paramLabel = "DIR", description = "model bundle directory")
    String modelDir;
    @Option(names = "--workers", description = "data-parallel workers") Integer workers;
    @Option(names = "--epochs", description = "training epochs") Integer epochs;
    @Option(names = "--seed", description = "job seed") Long seed;
    @Option(names = "--resume", description = "continue from the model directory's checkpoint")
    boolean resume;

    final List<TrainingListener> listeners = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      Properties file = loadConf();
      String modelName = model != null ? model : file.getProperty("model");
      for (String s : sets) {
        if (s.startsWith("model=")) {
          modelName = model != null ? model : s.substring(6);
        }
      }
      if (modelName == null && resume && modelDir != null) {
        modelName = ModelBundle.read(new HadoopBundleStore(modelDir,
            new org.apache.hadoop.conf.Configuration())).model();
      }
      SparkModelFamily family = ModelRegistry.get(modelName, "--model");
      List<OptionSpec<?>> specs = new ArrayList<>(JobOptions.TRAIN);
      specs.addAll(family.modelOptions());
      Options.Builder b = Options.builder(specs);
      for (String key : new java.util.TreeSet<>(file.stringPropertyNames())) {
        b.set(key, file.getProperty(key), "config file " + conf);
      }
      for (String s : sets) {
        b.setAssignment(s, "--set");
      }
      b.set(JobOptions.MODEL, modelName, "--model");
      b.set(JobOptions.INPUT, input, "--input");
      b.set(JobOptions.METADATA, metadata, "--metadata");
      b.set(JobOptions.FORMAT, format, "--format");
      b.set(JobOptions.MODEL_DIR, modelDir, "--model-dir");
      b.set(JobOptions.WORKERS, workers, "--workers");
      b.set(JobOptions.EPOCHS, epochs, "--epochs");
      b.set(JobOptions.SEED, seed, "--seed");
      if (conditional) {
        b.set("conditional", "true", "--conditional");
      }
      Options options = b.build();
      SparkSession spark = session("train", master);
      try {
        long t0 = System.nanoTime();
        SparkModelFamily.TrainSummary s = family.train(spark, options, resume, listeners);
        System.out.printf(Locale.ROOT, "trained %s on %d rows with %d workers in %.1f s "
                + "(preprocessing %.2f s, training %.1f s, %.0f rows/s); model bundle: %s%n",
            family.name(), s.rows(), s.workers(), (System.nanoTime() - t0) / 1e9,
            s.preprocessingSeconds(), s.trainingSeconds(), s.rowsPerSecond(), s.modelDir());
        return 0;
      } finally {
        spark.stop();
      }
    }
  }

  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Generate exactly N rows from a trained model, fanned out over partitions, "
          + "committed atomically.")
  static final class Generate extends Common implements Callable<Integer> {
    @Option(names = "--model-dir", paramLabel = "DIR", required = true,
        description = "model bundle directory written by train") String modelDir;
    @Option(names = "--rows", paramLabel = "N", required = true,
        description = "exact number of rows to generate") long rows;
    @Option(names = "--condition", paramLabel = "COLUMN=VALUE",
        description = "every row carries this category (e.g. status=bad; label=7 for "
            + "conditional digit models)") String condition;
    @Option(names = "--output", paramLabel = "DIR", required = true,
        description = "output directory") String output;
    @Option(names = "--output-format", description = "parquet (default); csv for tables; png "
        + "for images (a folder of NNNNNNNNN.png files, plus labels.txt when conditional)")
    String outputFormat = "parquet";
    @Option(names = "--class-balanced", description = "conditional image models: equal "
        + "numbers of every class (label = index mod 10)")
    boolean classBalanced;
    @Option(names = "--preview", paramLabel = "FILE.png", description = "image models: also "
        + "write a grid of the first (up to 100) generated images")
    String preview;
    @Option(names = "--seed", description = "generation seed (default: the model's seed)")
    Long seed;
    @Option(names = "--partitions", paramLabel = "P",
        description = "generation partitions (default: the cluster's default parallelism); "
            + "output depends on P, not on the number of executors") Integer partitions;
    @Option(names = "--overwrite", description = "replace an existing output directory")
    boolean overwrite;
    @CommandLine.Mixin
    EvaluationOptions evaluation = new EvaluationOptions();

    @Override
    public Integer call() throws Exception {
      if (evaluation.report != null) {
        evaluation.request(output, 0); // checks the evaluation options before generating
      }
      SparkSession spark = session("generate", master);
      try {
        ModelBundle bundle = ModelBundle.read(new HadoopBundleStore(modelDir,
            spark.sparkContext().hadoopConfiguration()));
        SparkModelFamily family = ModelRegistry.get(bundle.model(), "model bundle " + modelDir);
        int p = partitions != null ? partitions : spark.sparkContext().defaultParallelism();
        long s = seed != null ? seed : bundle.seed();
        SparkModelFamily.GenerateSummary sum = family.generate(spark, bundle,
            new SparkModelFamily.GenerateRequest(rows, p, condition, s, output, outputFormat,
                overwrite, classBalanced, preview));
        String honoured = sum.conditioned() == 0 ? "" : String.format(Locale.ROOT,
            "; generator honoured the condition in %.1f%% of rows before it was fixed",
            100.0 * sum.honoured() / sum.conditioned());
        System.out.printf(Locale.ROOT, "generated %d rows in %d partitions in %.2f s "
                + "(%.0f rows/s, seed %d) to %s%s%n", sum.rows(), sum.partitions(), sum.seconds(),
            sum.rows() / Math.max(sum.seconds(), 1e-9), s, sum.output(), honoured);
        LOG.info("generate done: {}", sum);
        if (evaluation.report != null) {
          return EvaluationJob.run(spark, modelDir, evaluation.request(sum.output(), s),
              evaluation.report, evaluation.gates, evaluation.overwriteReport);
        }
        return 0;
      } finally {
        spark.stop();
      }
    }
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
        + "whose distance to the closest real record is computed (default 2000)")
    int dcrSample = 2000;
    @Option(names = "--dcr-threshold", paramLabel = "D", description = "flag synthetic rows "
        + "closer than D to a real row (default: the holdout rows' 1st-percentile distance, or "
        + "0 = exact matches without a holdout)")
    Double dcrThreshold;
    @Option(names = "--utility-iterations", paramLabel = "N", description = "boosting "
        + "iterations of the utility classifier (default 50)")
    int utilityIterations = 50;
    @Option(names = "--histogram-bins", paramLabel = "N", description = "bins of the numeric "
        + "histograms in the report (default 20)")
    int histogramBins = 20;
    @Option(names = "--overwrite-report", description = "replace an existing report directory")
    boolean overwriteReport;

    EvaluateRequest request(String synthetic, long seed) {
      if (real == null) {
        throw new InvalidInputException("option '--real' is missing: give the real data the "
            + "model was trained on");
      }
      if (dcrSample < 1) {
        throw new InvalidInputException("option '--dcr-sample' has value " + dcrSample
            + ": give a positive number of rows");
      }
      if (dcrThreshold != null && !(dcrThreshold >= 0)) {
        throw new InvalidInputException("option '--dcr-threshold' has value " + dcrThreshold
            + ": give a distance >= 0");
      }
      if (utilityIterations < 1) {
        throw new InvalidInputException("option '--utility-iterations' has value "
            + utilityIterations + ": give at least 1");
      }
      if (histogramBins < 2 || histogramBins > 200) {
        throw new InvalidInputException("option '--histogram-bins' has value " + histogramBins
            + ": give 2 to 200");
      }
      return new EvaluateRequest(real, synthetic, holdout, seed, dcrSample, dcrThreshold,
          utilityIterations, histogramBins, classifier);
    }
  }

  @Command(name = "evaluate", mixinStandardHelpOptions = true,
      description = "Score synthetic against real data on Spark (fidelity, validity, utility, "
          + "privacy; for images classifier-FID, coverage, confidence, memorization) into "
          + "report.json and a self-contained report.html; --gate makes it a pipeline check "
          + "(exit 3 when a gate fails).")
  static final class Evaluate extends Common implements Callable<Integer> {
    @Option(names = "--model-dir", paramLabel = "DIR", required = true,
        description = "model bundle directory written by train") String modelDir;
    @Option(names = "--synthetic", paramLabel = "PATH", required = true,
        description = "generated data (a generate job's output)") String synthetic;
    @Option(names = "--seed", description = "seed of the evaluation's samples (default: the "
        + "model's seed)") Long seed;
    @CommandLine.Mixin
    EvaluationOptions evaluation = new EvaluationOptions();

    @Override
    public Integer call() throws Exception {
      if (evaluation.report == null) {
        throw new InvalidInputException("option '--report' is missing: give a directory for "
            + "report.json and report.html");
      }
      SparkSession spark = session("evaluate", master);
      try {
        long s = seed != null ? seed : ModelBundle.read(new HadoopBundleStore(modelDir,
            spark.sparkContext().hadoopConfiguration())).seed();
        return EvaluationJob.run(spark, modelDir, evaluation.request(synthetic, s),
            evaluation.report, evaluation.gates, evaluation.overwriteReport);
      } finally {
        spark.stop();
      }
    }
  }

  @Command(name = "explore", mixinStandardHelpOptions = true,
      description = "Walk an image model's latent space and draw it as a PNG: a straight line "
          + "between the latent points of two generated images, or a 2-D sweep of two latent "
          + "dimensions. Runs on the driver only.")
  static final class Explore implements Callable<Integer> {
    @Option(names = "--model-dir", paramLabel = "DIR", required = true,
        description = "model bundle directory written by train") String modelDir;
    @Option(names = "--output", paramLabel = "FILE.png", required = true,
        description = "PNG file to write (any Hadoop FS path)") String output;
    @Option(names = "--interpolate", paramLabel = "A,B", split = ",",
        description = "interpolate between the latent points of generated images A and B")
    long[] interpolate;
    @Option(names = "--grid", paramLabel = "D1,D2", split = ",",
        description = "sweep latent dimensions D1 (down) and D2 (across), the others fixed at "
            + "image --base's latent point") int[] grid;
    @Option(names = "--base", paramLabel = "INDEX", description = "image whose latent point "
        + "the grid starts from (default 0)") long base;
    @Option(names = "--range", description = "the grid sweeps [-R, R] (default 3)")
    double range = 3;
    @Option(names = "--steps", description = "images per row, or per grid side (default 10)")
    int steps = 10;
    @Option(names = "--condition", paramLabel = "label=D", description = "class of a "
        + "conditional model (default: interpolations draw one row per class)") String condition;
    @Option(names = "--seed", description = "generation seed the image indices refer to "
        + "(default: the model's seed)") Long seed;

    @Override
    public Integer call() throws Exception {
      org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
      ModelBundle bundle = ModelBundle.read(new HadoopBundleStore(modelDir, conf));
      SparkModelFamily family = ModelRegistry.get(bundle.model(), "model bundle " + modelDir);
      if (!(family instanceof LatentSpaceExplorer explorer)) {
        throw new InvalidInputException("model '" + bundle.model() + "' in '" + modelDir
            + "' has no latent space to explore: explore works with image models");
      }
      if ((interpolate != null && interpolate.length != 2)
          || (grid != null && grid.length != 2)) {
        throw new InvalidInputException("--interpolate and --grid take two comma-separated "
            + "numbers, e.g. --interpolate 3,17");
      }
      long s = seed != null ? seed : bundle.seed();
      byte[] png = explorer.explore(bundle, new LatentSpaceExplorer.ExploreRequest(s, condition,
          interpolate, grid, base, range, steps));
      Path out = new Path(output);
      try (java.io.OutputStream o = out.getFileSystem(conf).create(out, true)) {
        o.write(png);
      }
      System.out.printf(Locale.ROOT, "latent %s (seed %d) written to %s%n",
          interpolate != null ? "interpolation" : "grid", s, output);
      return 0;
    }
  }
}
