package io.synthgen.jobs.train;

import io.synthgen.model.config.OptionSpec;
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
  public static final OptionSpec<Integer> WORKERS = OptionSpec.ofInt("workers", 0, 0, 100_000,
      "data-parallel workers (partitions), 0 = the cluster's default parallelism");
  public static final OptionSpec<Integer> AVERAGING_FREQUENCY = OptionSpec.ofInt(
      "averaging-frequency", 10, 1, 1_000_000,
      "local steps each worker runs between parameter averages");
  public static final OptionSpec<Integer> CHECKPOINT_EVERY = OptionSpec.ofInt("checkpoint-every",
      10, 1, 1_000_000, "write the model bundle every this many averaging rounds (and at the end)");

  /** Keys of the train job, before the model family's own. */
  public static final List<OptionSpec<?>> TRAIN = List.of(MODEL, INPUT, FORMAT, METADATA,
      MODEL_DIR, SEED, EPOCHS, WORKERS, AVERAGING_FREQUENCY, CHECKPOINT_EVERY);
}
