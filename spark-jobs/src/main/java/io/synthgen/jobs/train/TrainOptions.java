package io.synthgen.jobs.train;

import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import io.synthgen.model.train.OuterOptimizer;
import java.util.List;

/** The train job's keys shared by every model family (each also has a command-line flag). */
public final class TrainOptions {
  private TrainOptions() {}

  public static final OptionSpec<String> MODEL = OptionSpec.ofString("model", null,
      "registered model name: tabular-gan or digit-dcgan");
  public static final OptionSpec<String> INPUT = OptionSpec.ofString("input", null,
      "training data, local path or Hadoop FS URI: a table (CSV with header or Parquet) or digit images (IDX file, PNG folder or Parquet)");
  public static final OptionSpec<String> FORMAT = OptionSpec.ofString("format", null,
      "input format: csv or parquet (tables), idx, png or parquet (images); none = from the path");
  public static final OptionSpec<String> METADATA = OptionSpec.ofString("metadata", null,
      "metadata JSON with label, positive_class, categorical, numeric; none = infer types");
  public static final OptionSpec<String> MODEL_DIR = OptionSpec.ofString("model-dir", null,
      "directory of the model bundle and its checkpoints");
  public static final OptionSpec<Long> SEED = OptionSpec.ofLong("seed", 42,
      "seed every random stream derives from");
  public static final OptionSpec<Integer> EPOCHS = OptionSpec.ofInt("epochs", 300, 1, 1_000_000,
      "passes over the training rows (all workers together)");
  public static final OptionSpec<Integer> MIN_STEPS = OptionSpec.ofInt("min-steps", 0, 0,
      100_000_000, "least local steps per worker (sequential optimizer updates) of a run: a "
          + "table too small for epochs to reach it trains more epochs (0 = epochs alone)");
  public static final OptionSpec<Integer> WORKERS = OptionSpec.ofInt("workers", 0, 0, 100_000,
      "data-parallel workers (partitions), 0 = the cluster's default parallelism");
  public static final OptionSpec<Integer> AVERAGING_FREQUENCY = OptionSpec.ofInt(
      "averaging-frequency", 10, 1, 1_000_000,
      "local steps each worker runs between parameter averages");
  public static final OptionSpec<String> BATCH_SCOPE = OptionSpec.ofChoice("batch-scope",
      "worker", List.of("worker", "global"), "what the model's batch-size counts: worker (rows "
          + "per local step on each worker; W workers make an epoch W times fewer sequential "
          + "steps) or global (rows per step over all workers, each taking batch-size/W rounded "
          + "to the model's multiple, so steps per epoch do not depend on the worker count)");
  public static final OptionSpec<Integer> CHECKPOINT_EVERY = OptionSpec.ofInt("checkpoint-every",
      10, 1, 1_000_000, "write the model bundle every this many averaging rounds (and at the end)");

  public static final OptionSpec<String> OUTER_OPTIMIZER = OptionSpec.ofChoice("outer.optimizer",
      "average", List.of("average", "nesterov", "adam"), "the driver's step after averaging, on "
          + "the network parameters: average (plain parameter averaging), nesterov (DiLoCo: "
          + "Nesterov momentum on the averaged parameter change) or adam (FedAdam)");
  public static final OptionSpec<Double> OUTER_LR = OptionSpec.ofDouble("outer.lr", 0.7, 0, 10,
      "outer learning rate of outer.optimizer=nesterov (1 with outer.momentum=0 is averaging)");
  public static final OptionSpec<Double> OUTER_MOMENTUM = OptionSpec.ofDouble("outer.momentum",
      0.9, 0, 0.999999, "Nesterov momentum of outer.optimizer=nesterov");
  public static final OptionSpec<Double> OUTER_ADAM_LR = OptionSpec.ofDouble("outer.adam-lr",
      0.001, 0, 10, "step size per parameter per round of outer.optimizer=adam");
  public static final OptionSpec<Double> OUTER_BETA1 = OptionSpec.ofDouble("outer.beta1", 0.9, 0,
      0.999999, "first-moment decay of outer.optimizer=adam");
  public static final OptionSpec<Double> OUTER_BETA2 = OptionSpec.ofDouble("outer.beta2", 0.99, 0,
      0.999999, "second-moment decay of outer.optimizer=adam");
  public static final OptionSpec<Double> OUTER_EPSILON = OptionSpec.ofDouble("outer.epsilon",
      1e-8, 0, 1, "denominator guard of outer.optimizer=adam");

  /** Keys of the train job, before the model family's own. */
  public static final List<OptionSpec<?>> TRAIN = List.of(MODEL, INPUT, FORMAT, METADATA,
      MODEL_DIR, SEED, EPOCHS, MIN_STEPS, WORKERS, AVERAGING_FREQUENCY, BATCH_SCOPE, CHECKPOINT_EVERY, OUTER_OPTIMIZER,
      OUTER_LR, OUTER_MOMENTUM, OUTER_ADAM_LR, OUTER_BETA1, OUTER_BETA2, OUTER_EPSILON);

  /**
   * The train keys with some defaults replaced by a model family's ({@code overrides}: specs
   * of train keys made with {@link OptionSpec#withDefault}), in {@link #TRAIN}'s order.
   */
  public static List<OptionSpec<?>> withDefaults(OptionSpec<?>... overrides) {
    java.util.Map<String, OptionSpec<?>> byKey = new java.util.LinkedHashMap<>();
    TRAIN.forEach(s -> byKey.put(s.key(), s));
    for (OptionSpec<?> o : overrides) {
      if (byKey.put(o.key(), o) == null) {
        throw new IllegalArgumentException("not a train key: " + o.key());
      }
    }
    return List.copyOf(byKey.values());
  }

  /** The outer optimizer the keys describe. */
  public static OuterOptimizer outerOptimizer(Options o) {
    return new OuterOptimizer(OuterOptimizer.Kind.parse(o.get(OUTER_OPTIMIZER)), o.get(OUTER_LR),
        o.get(OUTER_MOMENTUM), o.get(OUTER_ADAM_LR), o.get(OUTER_BETA1), o.get(OUTER_BETA2),
        o.get(OUTER_EPSILON));
  }
}
