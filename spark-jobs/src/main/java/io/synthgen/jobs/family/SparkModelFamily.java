package io.synthgen.jobs.family;

import io.synthgen.jobs.evaluate.BundleEvaluator;
import io.synthgen.jobs.evaluate.EvaluateRequest;
import io.synthgen.jobs.evaluate.EvaluationReport;
import io.synthgen.jobs.train.TrainOptions;
import io.synthgen.jobs.train.TrainSummary;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import io.synthgen.model.train.TrainingListener;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * A model family as the job runner sees it: its options and its Spark train, generate and
 * evaluate stages. Implementations live in one package per family ({@code jobs.tabular},
 * {@code jobs.image}) and are listed in {@code jobs.job.ModelRegistry}.
 */
public interface SparkModelFamily extends BundleEvaluator {
  String name();

  /** The family's own option keys (besides {@link #trainOptions}). */
  List<OptionSpec<?>> modelOptions();

  /**
   * The train keys as this family's models read them: {@link TrainOptions#TRAIN}, with the
   * defaults that measured best for the family where they differ (e.g. epochs, batch-scope).
   */
  default List<OptionSpec<?>> trainOptions() {
    return TrainOptions.TRAIN;
  }

  /** Trains (or resumes, when {@code resume}) and writes the bundle to the model directory. */
  TrainSummary train(SparkSession spark, Options options, boolean resume,
      List<TrainingListener> listeners) throws Exception;

  /** Generates rows from a loaded bundle into the request's output. */
  GenerateSummary generate(SparkSession spark, ModelBundle bundle, GenerateRequest request)
      throws Exception;

  /**
   * Evaluates synthetic against real data for a bundle of this family into {@code report}; the
   * default: this family does not support evaluation.
   */
  @Override
  default void evaluate(SparkSession spark, ModelBundle bundle, EvaluateRequest request,
      EvaluationReport report) throws Exception {
    throw new io.synthgen.model.InvalidInputException("model '" + name() + "' has no evaluate "
        + "job: evaluate bundles of generative models (tabular-gan, digit-dcgan)");
  }

  /**
   * Training rows per class of the bundle's label column, in the model's category order (what
   * a rebalancing job needs to size its output); the default: this family has no label.
   */
  default java.util.LinkedHashMap<String, Long> classCounts(ModelBundle bundle) throws Exception {
    throw new io.synthgen.model.InvalidInputException("model '" + name() + "' has no label "
        + "column to count classes of: rebalance tables of a tabular-gan or gaussian-copula "
        + "model, or give an exact row count");
  }

  /**
   * What a generate job did; {@code labelFilterGiveUps}: rows the label filter rejected in every
   * draw (each written as its best-scoring draw), -1 without a filter.
   */
  record GenerateSummary(long rows, int partitions, double seconds, String output,
      long conditioned, long honoured, long labelFilterGiveUps,
      java.util.Map<String, Double> conditionsHonoured, long conditionGiveUps) {
    /** A summary of a job without a label filter ({@code labelFilterGiveUps} -1). */
    public GenerateSummary(long rows, int partitions, double seconds, String output,
        long conditioned, long honoured) {
      this(rows, partitions, seconds, output, conditioned, honoured, -1);
    }

    /** A summary of a job whose conditions (if any) the model met by construction. */
    public GenerateSummary(long rows, int partitions, double seconds, String output,
        long conditioned, long honoured, long labelFilterGiveUps) {
      this(rows, partitions, seconds, output, conditioned, honoured, labelFilterGiveUps,
          java.util.Map.of(), -1);
    }

    /**
     * {@code conditionsHonoured}: per requirement of the request's conditions (their text), the
     * share of rows whose first draw met it before anything was set (empty: the model met them
     * by construction); {@code conditionGiveUps}: rows that missed a range in every draw and
     * had the value replaced (-1: not applicable).
     */
    public GenerateSummary {
      conditionsHonoured = java.util.Collections.unmodifiableMap(
          new java.util.LinkedHashMap<>(conditionsHonoured));
    }

    /**
     * Figures of the generation the evaluation reports as metrics: with a label filter,
     * {@code label_filter_give_up_share} (rows none of whose draws passed, over all rows); with
     * range conditions on a tabular-gan, {@code condition_give_up_share} (rows whose range
     * values were replaced after every draw missed, over all rows).
     */
    public java.util.Map<String, Double> metrics() {
      java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
      if (labelFilterGiveUps >= 0) {
        m.put("label_filter_give_up_share", rows == 0 ? 0.0 : (double) labelFilterGiveUps / rows);
      }
      if (conditionGiveUps >= 0) {
        m.put("condition_give_up_share", rows == 0 ? 0.0 : (double) conditionGiveUps / rows);
      }
      return m;
    }
  }

  /**
   * A generation request.
   *
   * @param rows exact number of rows
   * @param partitions generation partitions
   * @param conditions the conditions every row meets (see
   *     {@link io.synthgen.tabular.condition.RowCondition}); empty: none
   * @param conditionWeights {@code --condition-weights} (VALUE=WEIGHT,...), or null
   * @param seed seed of this generation
   * @param output output directory (format iceberg: the Hadoop catalog's warehouse directory)
   * @param format output format (parquet, csv or iceberg for tables; parquet, png for images);
   *     null = parquet
   * @param overwrite replace an existing output
   * @param classBalanced equal rows per class of the label (models that support it)
   * @param preview PNG file for a grid of the first generated images (image models), or null
   * @param table format iceberg: {@code NAMESPACE.TABLE} in the warehouse; else null
   * @param runDate format iceberg: the date whose partition the rows replace; else null
   */
  record GenerateRequest(long rows, int partitions, java.util.List<String> conditions,
      String conditionWeights, long seed, String output, String format, boolean overwrite,
      boolean classBalanced, String preview, String table, java.time.LocalDate runDate) {
    /**
     * Most rows one partition generates: its plan holds two ints per row in memory, so larger
     * counts need more partitions, not a bigger executor.
     */
    public static final long MAX_ROWS_PER_PARTITION = 50_000_000L;

    /** Rows per partition of a job that gives no {@code --partitions}: see {@link #partitionsFor}. */
    public static final long DEFAULT_ROWS_PER_PARTITION = 100_000L;

    /**
     * The partition count of a job of {@code rows} rows that gives no {@code --partitions}: one
     * per {@value #DEFAULT_ROWS_PER_PARTITION} rows, rounded up. It follows the request alone, so
     * the same request writes the same rows on any cluster (the rows depend on the partition
     * count); give {@code --partitions} to spread a smaller job over more cores.
     */
    public static int partitionsFor(long rows) {
      long p = (Math.max(rows, 1) + DEFAULT_ROWS_PER_PARTITION - 1) / DEFAULT_ROWS_PER_PARTITION;
      return (int) Math.min(p, Integer.MAX_VALUE);
    }

    /** The conditions joined by " and " (for logs and reports), or null without any. */
    public String conditionText() {
      return conditionText(conditions);
    }

    /** {@code conditions} joined by " and ", or null when there are none. */
    public static String conditionText(java.util.List<String> conditions) {
      return conditions == null || conditions.isEmpty() ? null : String.join(" and ", conditions);
    }

    /** The single condition of a model that takes at most one ({@code family}), or null. */
    public String singleCondition(String family) {
      if (conditions.size() > 1) {
        throw new InvalidInputException("option '--condition' is given " + conditions.size()
            + " times, but " + family + " takes one condition (its label, e.g. label=7): give "
            + "one");
      }
      if (conditionWeights != null) {
        throw new InvalidInputException("option '--condition-weights' is for table models: "
            + "drop it for " + family);
      }
      return conditions.isEmpty() ? null : conditions.get(0);
    }

    public GenerateRequest {
      conditions = conditions == null ? java.util.List.of() : java.util.List.copyOf(conditions);
      if (conditionWeights != null && conditions.isEmpty()) {
        throw new InvalidInputException("option '--condition-weights' has value '"
            + conditionWeights + "' but no --condition is given: add the condition whose values "
            + "it weighs (e.g. --condition 'COL in (A,B)'), or drop it");
      }
      if (rows < 1) {
        throw new InvalidInputException("option '--rows' has value " + rows
            + ": give the number of rows to generate, at least 1");
      }
      if (partitions < 1) {
        throw new InvalidInputException("option '--partitions' has value " + partitions
            + ": give at least 1");
      }
      if (rows > MAX_ROWS_PER_PARTITION * partitions) {
        throw new InvalidInputException(String.format(java.util.Locale.ROOT,
            "option '--rows' has value %d: over %d partition(s) that is more than %,d rows per "
                + "partition; give --partitions %d or more (or fewer rows)", rows, partitions,
            MAX_ROWS_PER_PARTITION, (rows + MAX_ROWS_PER_PARTITION - 1) / MAX_ROWS_PER_PARTITION));
      }
    }
  }
}
