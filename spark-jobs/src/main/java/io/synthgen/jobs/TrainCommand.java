package io.synthgen.jobs;

import io.synthgen.jobs.family.SparkModelFamily;
import io.synthgen.jobs.io.HadoopBundleStore;
import io.synthgen.jobs.train.TaskResources;
import io.synthgen.jobs.train.TrainOptions;
import io.synthgen.jobs.train.TrainSummary;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import io.synthgen.model.train.TrainingListener;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code synth train}: builds the validated options (defaults < {@code --conf} file <
 * {@code --set} < flags) and runs the family's train stage.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a model data-parallel (parameter averaging) and write its bundle.")
final class TrainCommand extends SynthRunner.Common implements Callable<Integer> {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrainCommand.class);
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
  @Option(names = "--resume-if-present", description = "continue from the model directory's "
      + "checkpoint when it holds one, else start a new model: for drivers restarted by a "
      + "scheduler or by spark-submit --supervise")
  boolean resumeIfPresent;

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
    String dir = modelDir != null ? modelDir : file.getProperty(TrainOptions.MODEL_DIR.key());
    if (resumeIfPresent && !resume && dir != null && ModelBundle.existsIn(
        new HadoopBundleStore(dir, new org.apache.hadoop.conf.Configuration()))) {
      LOG.info("--resume-if-present: {} holds a checkpoint; resuming it", dir);
      resume = true;
    }
    if (modelName == null && resume && modelDir != null) {
      modelName = ModelBundle.read(new HadoopBundleStore(modelDir,
          new org.apache.hadoop.conf.Configuration())).model();
    }
    SparkModelFamily family = ModelRegistry.get(modelName, "--model");
    List<OptionSpec<?>> specs = new ArrayList<>(TrainOptions.TRAIN);
    specs.addAll(family.modelOptions());
    Options.Builder b = Options.builder(specs);
    for (String key : new java.util.TreeSet<>(file.stringPropertyNames())) {
      b.set(key, file.getProperty(key), "config file " + conf);
    }
    for (String s : sets) {
      b.setAssignment(s, "--set");
    }
    b.set(TrainOptions.MODEL, modelName, "--model");
    b.set(TrainOptions.INPUT, input, "--input");
    b.set(TrainOptions.METADATA, metadata, "--metadata");
    b.set(TrainOptions.FORMAT, format, "--format");
    b.set(TrainOptions.MODEL_DIR, modelDir, "--model-dir");
    b.set(TrainOptions.WORKERS, workers, "--workers");
    b.set(TrainOptions.EPOCHS, epochs, "--epochs");
    b.set(TrainOptions.SEED, seed, "--seed");
    if (conditional) {
      b.set("conditional", "true", "--conditional");
    }
    Options options = b.build();
    SparkSession spark = SynthRunner.session("train", master);
    try {
      long t0 = System.nanoTime();
      TrainSummary s = family.train(spark, options, resume, listeners);
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "trained %s on %d rows with %d workers in %.1f s "
              + "(preprocessing %.2f s, training %.1f s, %.0f rows/s; peak executor RSS %.0f MB)"
              + "; model bundle: %s%n",
          family.name(), s.rows(), s.workers(), seconds, s.preprocessingSeconds(),
          s.trainingSeconds(), s.rowsPerSecond(),
          TaskResources.peakExecutorRssBytes(spark) / 1048576.0, s.modelDir());
      return 0;
    } finally {
      spark.stop();
    }
  }
}
