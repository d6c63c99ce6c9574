package io.synthgen.jobs.job;

import io.synthgen.jobs.family.SparkModelFamily;
import io.synthgen.jobs.io.HadoopBundleStore;
import io.synthgen.jobs.runtime.JobDescriptions;
import io.synthgen.jobs.runtime.TaskResources;
import io.synthgen.jobs.train.TrainOptions;
import io.synthgen.jobs.train.TrainSummary;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import io.synthgen.model.privacy.PrivacyOptions;
import io.synthgen.model.train.TrainingListener;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The train job: a model family and its validated options (defaults < config file <
 * {@code --set} assignments < flags), run on a Spark session the caller gives (and stops).
 * {@link #of} checks everything that can be checked without Spark; {@link #run} trains.
 */
public final class TrainJob {
  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
  private final SparkModelFamily family;
  private final Options options;
  private final boolean resume;

  /**
   * What to train, as the command line says it.
   *
   * @param model {@code --model}, or null (then the config's {@code model} key, a {@code --set
   *     model=...}, or, with {@code resume}, the model in the model directory)
   * @param conf the config file's keys (empty: none)
   * @param confSource where {@code conf} came from, for messages (e.g. its path)
   * @param sets {@code --set KEY=VALUE} assignments, in order
   * @param input {@code --input} or null; likewise {@code metadata}, {@code format},
   *     {@code modelDir}, {@code workers}, {@code epochs} and {@code seed}
   * @param conditional {@code --conditional} (sets the model key {@code conditional})
   * @param resume continue the model directory's checkpoint
   * @param resumeIfPresent continue it when there is one, else start a new model
   */
  public record Request(String model, Properties conf, String confSource, List<String> sets,
      String input, String metadata, String format, String modelDir, Integer workers,
      Integer epochs, Long seed, boolean conditional, boolean resume, boolean resumeIfPresent) {
    public Request {
      Properties copy = new Properties();
      copy.putAll(conf);
      conf = copy;
      sets = List.copyOf(sets);
    }

    @Override
    public Properties conf() {
      Properties copy = new Properties();
      copy.putAll(conf);
      return copy;
    }
  }

  /** What a train job did: the family's summary, its wall time and the executors' peak memory. */
  public record Result(String model, TrainSummary summary, double seconds,
      long peakExecutorRssBytes) {
    /** The line {@code synth train} prints. */
    public String line() {
      return String.format(Locale.ROOT, "trained %s on %d rows with %d workers in %.1f s "
              + "(preprocessing %.2f s, training %.1f s, %.0f rows/s; peak executor RSS %.0f MB)"
              + "; differential privacy: %s; model bundle: %s",
          model, summary.rows(), summary.workers(), seconds, summary.preprocessingSeconds(),
          summary.trainingSeconds(), summary.rowsPerSecond(), peakExecutorRssBytes / 1048576.0,
          summary.privacyText(), summary.modelDir());
    }
  }

  private TrainJob(SparkModelFamily family, Options options, boolean resume) {
    this.family = family;
    this.options = options;
    this.resume = resume;
  }

  /** Reads a config file (key = value, any Hadoop FS path); empty when {@code path} is null. */
  public static Properties loadConf(String path) throws Exception {
    Properties p = new Properties();
    if (path != null) {
      Path file = new Path(path);
      FileSystem fs = file.getFileSystem(new Configuration());
      if (!fs.exists(file)) {
        throw new InvalidInputException("config file '" + path + "' does not exist");
      }
      try (Reader r = new InputStreamReader(fs.open(file), StandardCharsets.UTF_8)) {
        p.load(r);
      }
    }
    return p;
  }

  /**
   * The job of {@code request}: its family and validated options (refused by key or flag when
   * bad); reads the model directory's bundle where resuming needs it, but starts no Spark.
   */
  public static TrainJob of(Request request) throws Exception {
    Properties file = request.conf();
    String modelName = request.model() != null ? request.model() : file.getProperty("model");
    for (String s : request.sets()) {
      if (s.startsWith("model=")) {
        modelName = request.model() != null ? request.model() : s.substring(6);
      }
    }
    boolean resume = request.resume();
    String dir = request.modelDir() != null ? request.modelDir()
        : file.getProperty(TrainOptions.MODEL_DIR.key());
    if (request.resumeIfPresent() && !resume && dir != null && ModelBundle.existsIn(
        new HadoopBundleStore(dir, new Configuration()))) {
      LOG.info("--resume-if-present: {} holds a checkpoint; resuming it", dir);
      resume = true;
    }
    if (modelName == null && resume && request.modelDir() != null) {
      modelName = ModelBundle.read(new HadoopBundleStore(request.modelDir(),
          new Configuration())).model();
    }
    SparkModelFamily family = ModelRegistry.get(modelName, "--model");
    List<OptionSpec<?>> specs = new ArrayList<>(family.trainOptions());
    specs.addAll(family.modelOptions());
    refuseUnsupportedPrivacy(family, specs, file, request.sets());
    Options.Builder b = Options.builder(specs);
    for (String key : new TreeSet<>(file.stringPropertyNames())) {
      b.set(key, file.getProperty(key), "config file " + request.confSource());
    }
    for (String s : request.sets()) {
      b.setAssignment(s, "--set");
    }
    b.set(TrainOptions.MODEL, modelName, "--model");
    b.set(TrainOptions.INPUT, request.input(), "--input");
    b.set(TrainOptions.METADATA, request.metadata(), "--metadata");
    b.set(TrainOptions.FORMAT, request.format(), "--format");
    b.set(TrainOptions.MODEL_DIR, request.modelDir(), "--model-dir");
    b.set(TrainOptions.WORKERS, request.workers(), "--workers");
    b.set(TrainOptions.EPOCHS, request.epochs(), "--epochs");
    b.set(TrainOptions.SEED, request.seed(), "--seed");
    if (request.conditional()) {
      b.set("conditional", "true", "--conditional");
    }
    return new TrainJob(family, b.build(), resume);
  }

  /**
   * A request for differential privacy from a family without it is refused by name, not as an
   * unknown key, so the user learns which families have it.
   */
  private static void refuseUnsupportedPrivacy(SparkModelFamily family, List<OptionSpec<?>> specs,
      Properties file, List<String> sets) {
    String key = PrivacyOptions.EPSILON.key();
    if (specs.stream().anyMatch(s -> s.key().equals(key))) {
      return;
    }
    boolean asked = file.getProperty(key) != null
        || sets.stream().anyMatch(s -> s.startsWith(key + "="));
    if (asked) {
      throw new InvalidInputException("option '" + key + "': model '" + family.name()
          + "' has no differentially private training yet; gaussian-copula and tabular-gan "
          + "have (docs/privacy.md): drop the key or train one of them");
    }
  }

  /** The model family trained. */
  public String model() {
    return family.name();
  }

  /** The validated options (before a resumed bundle's keys are merged in). */
  public Options options() {
    return options;
  }

  /** The model directory the job writes (null when neither flag nor config gives one). */
  public String modelDir() {
    return options.get(TrainOptions.MODEL_DIR);
  }

  /** Whether the job continues the model directory's checkpoint. */
  public boolean resumes() {
    return resume;
  }

  /**
   * Trains on {@code spark} (the caller's session, which the caller stops), reporting each
   * averaging round to {@code listeners}. Spark work before the rounds is described as
   * {@code train MODEL: preprocessing}, the rounds as {@code train MODEL round R/N}.
   */
  public Result run(SparkSession spark, List<TrainingListener> listeners) throws Exception {
    long t0 = System.nanoTime();
    TrainSummary s;
    try (JobDescriptions.Scope d = JobDescriptions.describe(spark,
        "train " + family.name() + ": preprocessing")) {
      s = family.train(spark, options, resume, listeners);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Result(family.name(), s, seconds, TaskResources.peakExecutorRssBytes(spark));
  }
}
