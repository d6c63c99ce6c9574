package io.synthgen.jobs.job;

import io.synthgen.jobs.family.SparkModelFamily;
import io.synthgen.jobs.io.HadoopBundleStore;
import io.synthgen.jobs.io.IcebergTables;
import io.synthgen.jobs.io.OutputPaths;
import io.synthgen.jobs.runtime.ExitCodes;
import io.synthgen.jobs.runtime.JobDescriptions;
import io.synthgen.jobs.runtime.TaskResources;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generate job: exactly N rows from a model bundle through its family's generate stage,
 * and, when the request has a report directory, their evaluation against the real data in the
 * same Spark session. Runs on the caller's session (which the caller stops): {@link #of} checks
 * the request without Spark, {@link #generate} writes the rows, {@link #evaluate} scores them, so
 * that a caller can say what was generated before the evaluation starts.
 */
public final class GenerateJob {
  private static final Logger LOG = LoggerFactory.getLogger(GenerateJob.class);
  /** Prefix of the model keys that act at generation, which {@code --set} may override. */
  public static final String GENERATION_KEYS = "output.";

  private final Request request;
  private final IcebergTables.Target iceberg;

  /**
   * What to generate, as the command line says it.
   *
   * @param modelDir the model bundle's directory
   * @param rows exact number of rows
   * @param conditions the conditions every row meets ({@code --condition}, repeatable); empty:
   *     none
   * @param conditionWeights {@code --condition-weights}, or null
   * @param output output directory (iceberg: the Hadoop catalog's warehouse)
   * @param outputFormat parquet, csv, png or iceberg
   * @param table iceberg: NAMESPACE.TABLE, else null
   * @param runDate iceberg: the run_date partition replaced (null: today, UTC), else null
   * @param classBalanced image models: equal rows per class
   * @param preview image models: a PNG grid of the first images, or null
   * @param seed generation seed; null: the model's
   * @param partitions generation partitions; null: the cluster's default parallelism
   * @param overwrite replace an existing output
   * @param sets {@code --set} assignments of the model's generation-time keys
   * @param evaluation the evaluation of the rows ({@link Evaluation#report()} null: none)
   */
  public record Request(String modelDir, long rows, List<String> conditions,
      String conditionWeights, String output,
      String outputFormat, String table, String runDate, boolean classBalanced, String preview,
      Long seed, Integer partitions, boolean overwrite, List<String> sets,
      Evaluation evaluation) {
    public Request {
      sets = List.copyOf(sets);
      conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }
  }

  /**
   * What was generated, with the seed it was generated from and the executors' peak resident
   * memory after the job (VmHWM, bytes; 0 where unknown).
   */
  public record Generated(SparkModelFamily.GenerateSummary summary, long seed,
      long peakExecutorRssBytes) {
    /** The line {@code synth generate} prints. */
    public String line() {
      String honoured = summary.conditioned() == 0 || !summary.conditionsHonoured().isEmpty()
          ? "" : String.format(Locale.ROOT,
          "; generator honoured the condition in %.1f%% of rows before it was fixed",
          100.0 * summary.honoured() / summary.conditioned());
      StringBuilder each = new StringBuilder();
      summary.conditionsHonoured().forEach((text, share) -> each.append(String.format(
          Locale.ROOT, "; generator met '%s' in %.1f%% of first draws", text,
          100.0 * share)));
      String giveUps = summary.conditionGiveUps() < 0 ? "" : String.format(Locale.ROOT,
          "; %d rows (%.2f%%) missed a range in every draw and had the value drawn inside it",
          summary.conditionGiveUps(),
          100.0 * summary.conditionGiveUps() / Math.max(summary.rows(), 1));
      String filter = summary.labelFilterGiveUps() < 0 ? "" : String.format(Locale.ROOT,
          "; label filter gave up on %d rows (%.2f%%), each written as its best-scoring draw",
          summary.labelFilterGiveUps(),
          100.0 * summary.labelFilterGiveUps() / Math.max(summary.rows(), 1));
      return String.format(Locale.ROOT, "generated %d rows in %d partitions in %.2f s "
              + "(%.0f rows/s, seed %d; peak executor RSS %.0f MB) to %s%s%s%s%s",
          summary.rows(), summary.partitions(), summary.seconds(),
          summary.rows() / Math.max(summary.seconds(), 1e-9), seed,
          peakExecutorRssBytes / 1e6, summary.output(), honoured, each, giveUps, filter);
    }
  }

  private GenerateJob(Request request, IcebergTables.Target iceberg) {
    this.request = request;
    this.iceberg = iceberg;
  }

  /**
   * The checked job of {@code request}: the evaluation's options (before anything is generated)
   * and the Iceberg options; starts no Spark.
   */
  public static GenerateJob of(Request request) {
    Evaluation evaluation = request.evaluation();
    if (evaluation.report() != null) {
      evaluation.request(request.output(), 0, request.conditions());
    }
    IcebergTables.Target iceberg = null;
    if ("iceberg".equals(request.outputFormat())) {
      iceberg = IcebergTables.Target.of(request.output(), request.table(), "--table",
          request.runDate(), "--run-date");
      IcebergTables.requireRuntime("--output-format");
      if (evaluation.report() != null) {
        throw new InvalidInputException("option '--report' evaluates a folder of rows, and "
            + "--output-format iceberg writes a table: evaluate before publishing with "
            + "'synth pipeline --iceberg-table', or generate Parquet and run evaluate");
      }
    } else if (request.table() != null || request.runDate() != null) {
      throw new InvalidInputException("option '" + (request.table() != null ? "--table"
          : "--run-date") + "' is for --output-format iceberg: add it, or drop the option");
    }
    return new GenerateJob(request, iceberg);
  }

  public Request request() {
    return request;
  }

  /**
   * Generates the rows on {@code spark}; the Spark work is described as {@code generate MODEL:
   * write N rows}.
   */
  public Generated generate(SparkSession spark) throws Exception {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Map<String, String> inputs = request.evaluation().inputs(request.modelDir());
    OutputPaths.refuseOverlap("--output", request.output(), inputs, hadoop);
    inputs.put("--output", request.output());
    OutputPaths.refuseOverlap("--report", request.evaluation().report(), inputs, hadoop);
    ModelBundle read = ModelBundle.read(new HadoopBundleStore(request.modelDir(), hadoop));
    SparkModelFamily family = ModelRegistry.get(read.model(), "model bundle "
        + request.modelDir());
    ModelBundle bundle = withGenerationKeys(read, family, request.sets());
    int p = request.partitions() != null ? request.partitions()
        : SparkModelFamily.GenerateRequest.partitionsFor(request.rows());
    long s = request.seed() != null ? request.seed() : bundle.seed();
    SparkModelFamily.GenerateSummary sum;
    try (JobDescriptions.Scope d = JobDescriptions.describe(spark, "generate " + family.name()
        + ": write " + request.rows() + " rows")) {
      sum = family.generate(spark, bundle, new SparkModelFamily.GenerateRequest(request.rows(),
          p, request.conditions(), request.conditionWeights(), s, request.output(),
          request.outputFormat(),
          request.overwrite(), request.classBalanced(), request.preview(),
          iceberg == null ? null : iceberg.table(), iceberg == null ? null : iceberg.runDate()));
    }
    LOG.info("generate done: {}", sum);
    return new Generated(sum, s, TaskResources.peakExecutorRssBytes(spark));
  }

  /**
   * Evaluates the generated rows when the request has a report directory; returns the exit
   * code: {@value ExitCodes#DONE} (also without a report), or {@value ExitCodes#GATE_FAILED}
   * when a gate failed.
   */
  public int evaluate(SparkSession spark, Generated generated) throws Exception {
    Evaluation evaluation = request.evaluation();
    if (evaluation.report() == null) {
      return ExitCodes.DONE;
    }
    return EvaluateJob.evaluate(spark, request.modelDir(), evaluation.request(
        generated.summary().output(), generated.seed(), request.conditions(),
        generated.summary().metrics()), evaluation);
  }

  /**
   * {@code bundle} with its config's generation-time keys overridden by {@code --set}
   * assignments, each validated against the family's option (other keys are fixed by the
   * trained weights and refused, naming the ones that can be set).
   */
  public static ModelBundle withGenerationKeys(ModelBundle bundle, SparkModelFamily family,
      List<String> assignments) {
    if (assignments.isEmpty()) {
      return bundle;
    }
    List<OptionSpec<?>> specs = family.modelOptions().stream()
        .filter(o -> o.key().startsWith(GENERATION_KEYS)).toList();
    Options.Builder check = Options.builder(specs);
    Map<String, String> config = new LinkedHashMap<>(bundle.config());
    for (String a : assignments) {
      int eq = a.indexOf('=');
      String key = eq <= 0 ? a : a.substring(0, eq).trim();
      if (specs.stream().noneMatch(o -> o.key().equals(key))) {
        throw new InvalidInputException("option '--set' has key '" + key + "': generate can set "
            + "only the model's generation-time keys ("
            + (specs.isEmpty() ? "model '" + bundle.model() + "' has none"
                : String.join(", ", specs.stream().map(o -> o.key()).sorted().toList()))
            + "); the others are fixed by the trained model: train again to change them");
      }
      check.setAssignment(a, "--set");
      LOG.info("generate: --set {} (the model bundle has {})", a,
          config.getOrDefault(key, "the default"));
      config.put(key, a.substring(eq + 1));
    }
    check.build();
    return new ModelBundle(bundle.model(), bundle.seed(), config, bundle.metadata(),
        bundle.transformer(), bundle.training(), bundle.tensors());
  }
}
