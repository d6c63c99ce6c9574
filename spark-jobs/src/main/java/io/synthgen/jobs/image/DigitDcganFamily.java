package io.synthgen.jobs.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.image.DcganConfig;
import io.synthgen.image.DcganTrainer;
import io.synthgen.image.DigitImages;
import io.synthgen.image.DigitSampler;
import io.synthgen.image.ImageGrid;
import io.synthgen.jobs.evaluate.EvaluateRequest;
import io.synthgen.jobs.evaluate.EvaluationReport;
import io.synthgen.jobs.family.LatentSpaceExplorer;
import io.synthgen.jobs.family.SparkModelFamily;
import io.synthgen.jobs.io.DigitReader;
import io.synthgen.jobs.io.HadoopBundleStore;
import io.synthgen.jobs.train.TrainOptions;
import io.synthgen.jobs.train.TrainSummary;
import io.synthgen.jobs.train.TrainingSession;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.Seeds;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import io.synthgen.model.train.TrainingListener;
import io.synthgen.model.train.TrainingState;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark stages of the {@code digit-dcgan} family (the networks and their training live in the
 * image module): training through the shared parameter-averaging trainer with a sample grid at
 * every checkpoint, generation fanned out over partitions to Parquet (PNG bytes, label, seed,
 * index) or a folder of PNG files ({@link DigitGeneration}), and latent-space walks
 * ({@link DigitLatentWalk}).
 */
public final class DigitDcganFamily implements SparkModelFamily, LatentSpaceExplorer {
  private static final Logger LOG = LoggerFactory.getLogger(DigitDcganFamily.class);
  public static final String NAME = "digit-dcgan";
  /** Name of the sample grid written with the checkpoint of round {@code r}. */
  static final String GRID_NAME = "samples-round-%06d.png";
  static final String LABEL_COLUMN = "label";

  private static final List<OptionSpec<?>> SPECS = DigitReader.withInputOptions(DcganConfig.SPECS);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<OptionSpec<?>> modelOptions() {
    return SPECS;
  }

  /**
   * 30 epochs and batch-scope global (batch-size 64 over all workers, so a step's batch and the
   * steps per epoch do not change with the worker count): docs/benchmarks.md, "Digits".
   */
  @Override
  public List<OptionSpec<?>> trainOptions() {
    return TRAIN_OPTIONS;
  }

  private static final List<OptionSpec<?>> TRAIN_OPTIONS = TrainOptions.withDefaults(
      TrainOptions.EPOCHS.withDefault(30), TrainOptions.BATCH_SCOPE.withDefault("global"));

  @Override
  public TrainSummary train(SparkSession spark, Options options, boolean resume,
      List<TrainingListener> listeners) throws Exception {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    DigitTrainingInput in = DigitTrainingInput.open(spark, NAME, SPECS, options, resume);
    TrainingSession session = in.session();
    options = in.options();
    String input = in.input();
    long seed = in.seed();
    int workers = in.workers();
    DcganConfig config = DcganConfig.from(
        session.workerOptions(workers, DcganConfig.BATCH_SIZE, 1));
    DigitReader.Loaded data = in.data();
    LOG.info("train {}: seed={} input={} model-dir={} conditional={} loss={}", NAME, seed, input,
        session.modelDir(), config.conditional, config.loss.key());
    try {
      if (config.conditional && !data.labelled()) {
        throw new InvalidInputException("input '" + input + "' has images without labels, "
            + "which conditional=true needs: give labels (IDX label file via option 'labels', "
            + "PNG sub-folders 0..9 or option 'label-pattern', a Parquet label column) or train "
            + "with conditional=false");
      }
      double prepSeconds = in.preprocessingSeconds();
      LOG.info("preprocessing: {} images ({}), labelled={}, {} s", data.count(), data.format(),
          data.labelled(), String.format(Locale.ROOT, "%.2f", prepSeconds));
      long rowsPerStep = (long) config.batchSize * config.discriminatorSteps;
      DcganTrainer trainer = new DcganTrainer(config,
          session.totalSteps(data.count(), workers, rowsPerStep));
      ObjectNode metadata = in.metadata();
      metadata.put("labelled", data.labelled());
      ObjectNode transformer = ModelBundle.json().createObjectNode();
      transformer.put("side", DigitImages.SIDE);
      transformer.put("pixelRange", "tanh output [-1, 1] maps to 0..255");
      if (data.labelled()) {
        ArrayNode counts = transformer.putArray("classCounts");
        for (long c : data.classCounts()) {
          counts.add(c);
        }
      }
      HadoopBundleStore store = session.store();
      TrainingSession.CheckpointHook grid = (state, round) -> {
        try (OutputStream out = store.create(String.format(Locale.ROOT, GRID_NAME, round))) {
          out.write(progressGrid(config, state, seed));
        }
      };
      TrainingSession.Plan<DigitImages> plan = new TrainingSession.Plan<>(data.partitions(),
          trainer, trainer::initialState, data.count(), workers, rowsPerStep, metadata,
          transformer);
      return session.train(sc, plan, listeners, prepSeconds, grid);
    } finally {
      data.partitions().unpersist(false);
    }
  }

  /** A 10x10 grid of a fixed noise batch; one row per class when conditional. */
  static byte[] progressGrid(DcganConfig config, TrainingState state, long seed) {
    DigitSampler sampler = new DigitSampler(config,
        DcganTrainer.samplingWeights(state.tensors()));
    int[] labels = config.conditional ? IntStream.range(0, 100).map(i -> i / 10).toArray() : null;
    return ImageGrid.render(sampler.sample(Seeds.derive(seed, Seeds.SAMPLE), 0, 100, labels),
        10, 10);
  }

  @Override
  public GenerateSummary generate(SparkSession spark, ModelBundle bundle, GenerateRequest req)
      throws Exception {
    return DigitGeneration.generate(spark, bundle, req);
  }

  @Override
  public byte[] explore(ModelBundle bundle, ExploreRequest req) {
    return DigitLatentWalk.render(bundle, req);
  }

  @Override
  public void evaluate(SparkSession spark, ModelBundle bundle, EvaluateRequest request,
      EvaluationReport report) throws Exception {
    DigitEvaluator.evaluate(spark, request, report);
  }
}

