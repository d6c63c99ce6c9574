package io.synthgen.jobs.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.jobs.io.HadoopBundleStore;
import io.synthgen.jobs.io.OutputPaths;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import io.synthgen.model.privacy.PrivacyLedger;
import io.synthgen.model.train.BatchScope;
import io.synthgen.model.train.LocalTrainer;
import io.synthgen.model.train.RoundReport;
import io.synthgen.model.train.TrainingListener;
import io.synthgen.model.train.TrainingState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every model family's train job shares: the model directory (refusing to overwrite a model,
 * or resuming one with its recorded seed and model options), the round schedule from epochs and
 * averaging frequency, the {@link AveragingTrainer} run, the training history, and versioned
 * bundle checkpoints. A family supplies its data partitions, its {@link LocalTrainer}, and the
 * fitted metadata and transformer JSON stored in the bundle.
 */
public final class TrainingSession {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingSession.class);
  private final String family;
  private final List<OptionSpec<?>> modelSpecs;
  private final Options options;
  private final String modelDir;
  private final HadoopBundleStore store;
  private final ModelBundle previous;
  private final long seed;

  private TrainingSession(String family, List<OptionSpec<?>> modelSpecs, Options options,
      String modelDir, HadoopBundleStore store, ModelBundle previous, long seed) {
    this.family = family;
    this.modelSpecs = modelSpecs;
    this.options = options;
    this.modelDir = modelDir;
    this.store = store;
    this.previous = previous;
    this.seed = seed;
  }

  /**
   * Opens the model directory of {@code options}: a new model (the directory must not hold one)
   * or, when {@code resume}, the model in it, whose seed and model keys win over this run's.
   */
  public static TrainingSession open(SparkSession spark, String family,
      List<OptionSpec<?>> modelSpecs, Options options, boolean resume) throws Exception {
    String modelDir = require(options, TrainOptions.MODEL_DIR, "--model-dir");
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("--input", options.get(TrainOptions.INPUT));
    inputs.put("--metadata", options.get(TrainOptions.METADATA));
    OutputPaths.refuseOverlap("--model-dir", modelDir, inputs,
        spark.sparkContext().hadoopConfiguration());
    HadoopBundleStore store = new HadoopBundleStore(modelDir,
        spark.sparkContext().hadoopConfiguration());
    ModelBundle previous = null;
    long seed = options.get(TrainOptions.SEED);
    if (resume) {
      previous = ModelBundle.read(store);
      if (!previous.model().equals(family)) {
        throw new InvalidInputException("model directory '" + modelDir + "' holds a '"
            + previous.model() + "' model, not a '" + family + "' one: resume it with --model "
            + previous.model() + ", or train " + family + " into another --model-dir");
      }
      seed = previous.seed();
      options = merge(previous, options, modelSpecs);
    } else if (ModelBundle.existsIn(store)) {
      throw new InvalidInputException("model directory '" + modelDir + "' already holds a model: "
          + "add --resume to continue training it, or choose another --model-dir");
    }
    return new TrainingSession(family, modelSpecs, options, modelDir, store, previous, seed);
  }

  public Options options() {
    return options;
  }

  public long seed() {
    return seed;
  }

  public String modelDir() {
    return modelDir;
  }

  public HadoopBundleStore store() {
    return store;
  }

  /** The bundle being resumed, or null for a new model. */
  public ModelBundle previous() {
    return previous;
  }

  /** Workers from the options (0 = default parallelism); fails when the data is too small. */
  public int workers(JavaSparkContext sc, long rows, String input) {
    int workers = options.get(TrainOptions.WORKERS) > 0 ? options.get(TrainOptions.WORKERS)
        : sc.defaultParallelism();
    if (rows < workers) {
      throw new InvalidInputException("input '" + input + "' has " + rows
          + " rows, fewer than --workers " + workers + ": use fewer workers");
    }
    return workers;
  }

  /**
   * The options a worker's model is built from: these options, with {@code batchSpec} replaced
   * by one worker's share when {@code batch-scope} is global ({@link BatchScope#rowsPerWorker}).
   * The bundle keeps the options as given.
   */
  public Options workerOptions(int workers, OptionSpec<Integer> batchSpec, int multiple) {
    BatchScope scope = BatchScope.parse(options.get(TrainOptions.BATCH_SCOPE));
    int batch = options.get(batchSpec);
    int perWorker = scope.rowsPerWorker(batch, workers, multiple);
    if (scope == BatchScope.WORKER) {
      return options;
    }
    LOG.info("batch-scope=global: {} {} over {} workers = {} rows per worker step", batchSpec.key(),
        batch, workers, perWorker);
    return options.with(batchSpec, perWorker, "batch-scope=global over " + workers + " workers");
  }

  /**
   * What the family trains: its partitions (one per worker, cached), its trainer and initial
   * state, the rows each worker consumes per local step, and the bundle's metadata/transformer.
   */
  public record Plan<P>(JavaRDD<P> partitions, LocalTrainer<P> trainer,
      LongFunction<TrainingState> init, long rows, int workers, long rowsPerWorkerStep,
      JsonNode metadata, JsonNode transformer, Privacy privacy) {
    /** A plan without differential privacy. */
    public Plan(JavaRDD<P> partitions, LocalTrainer<P> trainer, LongFunction<TrainingState> init,
        long rows, int workers, long rowsPerWorkerStep, JsonNode metadata,
        JsonNode transformer) {
      this(partitions, trainer, init, rows, workers, rowsPerWorkerStep, metadata, transformer,
          null);
    }
  }

  /**
   * A run under differential privacy: its bundle record ({@code training.privacy}) and the most
   * rounds its budget pays for; training stops there (logged) even when the epochs ask for more.
   */
  public record Privacy(JsonNode record, int affordableRounds) {}

  /** This session with {@code replaced} as its options (e.g. keys a mode switches off, logged). */
  public TrainingSession withOptions(Options replaced) {
    return new TrainingSession(family, modelSpecs, replaced, modelDir, store, previous, seed);
  }

  /** Called after each checkpoint with the averaged state (e.g. to draw a sample grid). */
  @FunctionalInterface
  public interface CheckpointHook {
    void afterCheckpoint(TrainingState state, int round) throws Exception;
  }

  /** Local steps per worker that make one pass over the rows. */
  static long stepsPerEpoch(long rows, int workers, long rowsPerWorkerStep) {
    return Math.max(1, rows / (rowsPerWorkerStep * workers));
  }

  /** Total averaging rounds of the run: epochs' worth of steps, at least {@code min-steps}. */
  int totalRounds(long rows, int workers, long rowsPerWorkerStep) {
    return totalRounds(options.get(TrainOptions.EPOCHS), options.get(TrainOptions.MIN_STEPS),
        options.get(TrainOptions.AVERAGING_FREQUENCY), stepsPerEpoch(rows, workers,
            rowsPerWorkerStep));
  }

  static int totalRounds(int epochs, int minSteps, int averagingFrequency, long stepsPerEpoch) {
    long steps = Math.max((long) epochs * stepsPerEpoch, minSteps);
    return (int) Math.max(1, (steps + averagingFrequency - 1) / averagingFrequency);
  }

  /** Total local steps per worker of the run (rounds times averaging frequency). */
  public long totalSteps(long rows, int workers, long rowsPerWorkerStep) {
    return (long) totalRounds(rows, workers, rowsPerWorkerStep)
        * options.get(TrainOptions.AVERAGING_FREQUENCY);
  }

  /**
   * The resumed bundle's tensors plus, for any tensor of a fresh initial state it lacks (a
   * network a key added since the bundle was written, e.g. the tabular GAN's auxiliary
   * classifier, whose key then takes its default), that tensor's initial value (logged).
   */
  static Map<String, float[]> withMissingTensors(Map<String, float[]> resumed,
      TrainingState initial) {
    Map<String, float[]> out = new LinkedHashMap<>(resumed);
    for (Map.Entry<String, float[]> e : initial.tensors().entrySet()) {
      if (!out.containsKey(e.getKey())) {
        LOG.info("the resumed model has no tensor '{}': it starts from its initial value",
            e.getKey());
        out.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  /** Trains (or resumes) to the end of the schedule, writing checkpoints; returns the summary. */
  public <P> TrainSummary train(JavaSparkContext sc, Plan<P> plan,
      List<TrainingListener> listeners, double preprocessingSeconds, CheckpointHook hook)
      throws Exception {
    int k = options.get(TrainOptions.AVERAGING_FREQUENCY);
    int scheduled = totalRounds(plan.rows(), plan.workers(), plan.rowsPerWorkerStep());
    boolean capped = plan.privacy() != null && plan.privacy().affordableRounds() < scheduled;
    int totalRounds = capped ? plan.privacy().affordableRounds() : scheduled;
    if (capped) {
      LOG.info("privacy budget: it pays for {} rounds; training stops there, not at the {} the "
          + "epochs ask for", totalRounds, scheduled);
    }
    JsonNode privacyRecord = plan.privacy() != null ? plan.privacy().record()
        : PrivacyLedger.noneJson();
    TrainingState start;
    int firstRound = 0;
    long rowsBefore = 0;
    List<JsonNode> history = new ArrayList<>();
    if (previous != null) {
      start = new TrainingState(withMissingTensors(previous.tensors(), plan.init().apply(seed)),
          previous.training().path("step").asLong(), new double[0], 0, 0, 1);
      firstRound = previous.training().path("round").asInt();
      rowsBefore = previous.training().path("rowsSeen").asLong();
      previous.training().path("history").forEach(history::add);
      if (firstRound >= totalRounds && totalRounds < scheduled) {
        throw new InvalidInputException("model in '" + modelDir + "' already completed "
            + firstRound + " rounds, all its privacy budget (privacy.epsilon "
            + PrivacyLedger.epsilonOf(privacyRecord) + ") pays for: it cannot train further; "
            + "train a new model to spend a new budget");
      }
      if (firstRound >= totalRounds) {
        throw new InvalidInputException("model in '" + modelDir + "' already completed "
            + firstRound + " rounds, which --epochs " + options.get(TrainOptions.EPOCHS)
            + " does not exceed (" + totalRounds + " rounds): raise --epochs to train further");
      }
    } else {
      start = plan.init().apply(seed);
    }
    LOG.info("driver computes on: {}", io.synthgen.model.nn.ComputeDevice.describe());
    LOG.info("training {}: seed={} workers={} rows-per-step={} averaging-frequency={} rounds={} "
        + "(from {}) steps-per-epoch={}", family, seed, plan.workers(), plan.rowsPerWorkerStep(),
        k, totalRounds, firstRound,
        stepsPerEpoch(plan.rows(), plan.workers(), plan.rowsPerWorkerStep()));
    List<TrainingListener> all = new ArrayList<>(listeners);
    all.add(r -> history.add(reportJson(r)));
    AveragingTrainer.Checkpointer checkpointer = (state, rounds, rowsSeen) -> {
      ObjectNode training = ModelBundle.json().createObjectNode();
      training.put("round", rounds);
      training.put("totalRounds", totalRounds);
      training.put("step", state.step());
      training.put("workers", plan.workers());
      training.put("rows", plan.rows());
      training.put("rowsSeen", rowsSeen);
      training.set("privacy", privacyRecord);
      ArrayNode h = training.putArray("history");
      history.forEach(h::add);
      new ModelBundle(family, seed, options.effectiveValues(), plan.metadata(),
          plan.transformer(), training, state.tensors()).write(store, rounds);
      LOG.info("checkpoint: round {} written to {}", rounds, modelDir);
      if (hook != null) {
        hook.afterCheckpoint(state, rounds);
      }
    };
    long t1 = System.nanoTime();
    new AveragingTrainer<>(sc, plan.trainer(), all, TrainOptions.outerOptimizer(options),
        "train " + family).train(plan.partitions(), start, firstRound,
        totalRounds, k, seed, plan.rows(), rowsBefore, options.get(TrainOptions.CHECKPOINT_EVERY),
        checkpointer);
    double trainSeconds = (System.nanoTime() - t1) / 1e9;
    long rowsTrained = (long) (totalRounds - firstRound) * k * plan.rowsPerWorkerStep()
        * plan.workers();
    return new TrainSummary(plan.rows(), plan.workers(),
        totalRounds - firstRound, preprocessingSeconds, trainSeconds,
        rowsTrained / Math.max(trainSeconds, 1e-9), modelDir, privacyRecord);
  }

  /**
   * Writes the bundle of a model fitted in one pass over the data (no averaging rounds): one
   * round, the history empty. A later {@code --resume} of such a model has nothing to continue.
   */
  public TrainSummary writeFitted(long rows, int workers, JsonNode metadata,
      JsonNode transformer, Map<String, float[]> tensors, double preprocessingSeconds,
      double fitSeconds) throws IOException {
    return writeFitted(rows, workers, metadata, transformer, tensors, preprocessingSeconds,
        fitSeconds, PrivacyLedger.noneJson());
  }

  /**
   * {@link #writeFitted} with the model's differential privacy record ({@link PrivacyLedger});
   * under differential privacy {@code rows} must itself be a private figure.
   */
  public TrainSummary writeFitted(long rows, int workers, JsonNode metadata,
      JsonNode transformer, Map<String, float[]> tensors, double preprocessingSeconds,
      double fitSeconds, JsonNode privacy) throws IOException {
    ObjectNode training = ModelBundle.json().createObjectNode();
    training.put("round", 1);
    training.put("totalRounds", 1);
    training.put("step", 0);
    training.put("workers", workers);
    training.put("rows", rows);
    training.put("rowsSeen", rows);
    training.set("privacy", privacy);
    training.putArray("history");
    new ModelBundle(family, seed, options.effectiveValues(), metadata, transformer, training,
        tensors).write(store, 1);
    LOG.info("model written to {}", modelDir);
    return new TrainSummary(rows, workers, 1, preprocessingSeconds, fitSeconds,
        rows / Math.max(fitSeconds, 1e-9), modelDir, privacy);
  }

  private static JsonNode reportJson(RoundReport r) {
    ObjectNode o = ModelBundle.json().createObjectNode();
    o.put("round", r.round());
    o.put("epoch", r.epoch());
    r.metrics().forEach(o::put);
    r.telemetry().forEach(o::put);
    o.put("rowsPerSecond", r.rowsPerSecond());
    o.put("elapsedSeconds", r.elapsedSeconds());
    return o;
  }

  /**
   * On resume, every key starts from the bundle's recorded value; job keys given explicitly in
   * this run (epochs, workers, input...) win; model keys always come from the bundle.
   */
  private static Options merge(ModelBundle bundle, Options run, List<OptionSpec<?>> modelSpecs) {
    List<OptionSpec<?>> specs = new ArrayList<>(run.specs());
    for (OptionSpec<?> s : modelSpecs) {
      if (specs.stream().noneMatch(d -> d.key().equals(s.key()))) {
        specs.add(s);
      }
    }
    Options.Builder b = Options.builder(specs).setRecorded(bundle.config(), "model bundle");
    for (Map.Entry<String, String> e : run.explicitValues().entrySet()) {
      if (TrainOptions.TRAIN.stream().anyMatch(s -> s.key().equals(e.getKey()))) {
        b.set(e.getKey(), e.getValue(), "command line");
      }
    }
    return b.build();
  }

  /** The value of a required string option; its absence names the flag and the key. */
  public static String require(Options o, OptionSpec<String> spec, String flag) {
    String v = o.get(spec);
    if (v == null) {
      throw new InvalidInputException("missing " + flag + " (config key '" + spec.key() + "'): "
          + spec.description());
    }
    return v;
  }
}
