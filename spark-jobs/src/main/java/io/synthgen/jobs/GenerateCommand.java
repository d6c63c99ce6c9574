package io.synthgen.jobs;

import io.synthgen.jobs.evaluate.EvaluationJob;
import io.synthgen.jobs.family.SparkModelFamily;
import io.synthgen.jobs.io.HadoopBundleStore;
import io.synthgen.jobs.io.IcebergTables;
import io.synthgen.jobs.io.OutputPaths;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.bundle.ModelBundle;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code synth generate}: exactly N rows from a model bundle, through its family's generate
 * stage; with {@code --report}, evaluates them in the same Spark session.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Generate exactly N rows from a trained model, fanned out over partitions, "
        + "committed atomically.")
final class GenerateCommand extends SynthRunner.Common implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(SynthRunner.class);

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
      + "for images (a folder of NNNNNNNNN.png files, plus labels.txt when conditional); "
      + "iceberg for tables: --output is the warehouse of a Hadoop catalog, --table names the "
      + "table, --run-date the partition the rows replace")
  String outputFormat = "parquet";
  @Option(names = "--table", paramLabel = "NAMESPACE.TABLE", description = "--output-format "
      + "iceberg: the table (created, partitioned by run_date, when absent)")
  String table;
  @Option(names = "--run-date", paramLabel = "YYYY-MM-DD", description = "--output-format "
      + "iceberg: the run_date partition to replace (default: today, UTC)")
  String runDate;
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
  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override one of the "
      + "model's generation-time keys (output.*, e.g. output.label-filter=0) for this job; "
      + "repeatable; the bundle keeps its own values")
  java.util.List<String> sets = new java.util.ArrayList<>();
  @CommandLine.Mixin
  EvaluationOptions evaluation = new EvaluationOptions();

  @Override
  public Integer call() throws Exception {
    if (evaluation.report != null) {
      evaluation.request(output, 0, condition); // checks the evaluation options before generating
    }
    IcebergTables.Target iceberg = null;
    if ("iceberg".equals(outputFormat)) {
      iceberg = IcebergTables.Target.of(output, table, "--table", runDate, "--run-date");
      IcebergTables.requireRuntime("--output-format");
      if (evaluation.report != null) {
        throw new InvalidInputException("option '--report' evaluates a folder of rows, and "
            + "--output-format iceberg writes a table: evaluate before publishing with "
            + "'synth pipeline --iceberg-table', or generate Parquet and run evaluate");
      }
    } else if (table != null || runDate != null) {
      throw new InvalidInputException("option '" + (table != null ? "--table" : "--run-date")
          + "' is for --output-format iceberg: add it, or drop the option");
    }
    SparkSession spark = SynthRunner.session("generate", master);
    try {
      org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
      Map<String, String> inputs = evaluation.inputs(modelDir);
      OutputPaths.refuseOverlap("--output", output, inputs, hadoop);
      inputs.put("--output", output);
      OutputPaths.refuseOverlap("--report", evaluation.report, inputs, hadoop);
      ModelBundle read = ModelBundle.read(new HadoopBundleStore(modelDir, hadoop));
      SparkModelFamily family = ModelRegistry.get(read.model(), "model bundle " + modelDir);
      ModelBundle bundle = withGenerationKeys(read, family, sets);
      int p = partitions != null ? partitions : spark.sparkContext().defaultParallelism();
      long s = seed != null ? seed : bundle.seed();
      SparkModelFamily.GenerateSummary sum = family.generate(spark, bundle,
          new SparkModelFamily.GenerateRequest(rows, p, condition, s, output, outputFormat,
              overwrite, classBalanced, preview, iceberg == null ? null : iceberg.table(),
              iceberg == null ? null : iceberg.runDate()));
      String honoured = sum.conditioned() == 0 ? "" : String.format(Locale.ROOT,
          "; generator honoured the condition in %.1f%% of rows before it was fixed",
          100.0 * sum.honoured() / sum.conditioned());
      System.out.printf(Locale.ROOT, "generated %d rows in %d partitions in %.2f s "
              + "(%.0f rows/s, seed %d) to %s%s%n", sum.rows(), sum.partitions(), sum.seconds(),
          sum.rows() / Math.max(sum.seconds(), 1e-9), s, sum.output(), honoured);
      LOG.info("generate done: {}", sum);
      if (evaluation.report != null) {
        return EvaluationJob.run(spark, modelDir, ModelRegistry.evaluators(modelDir),
              evaluation.request(sum.output(), s, condition),
            evaluation.report, evaluation.gates, evaluation.overwriteReport);
      }
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** Prefix of the model keys that act at generation, which {@code --set} may override. */
  static final String GENERATION_KEYS = "output.";

  /**
   * {@code bundle} with its config's generation-time keys overridden by {@code --set}
   * assignments, each validated against the family's option (other keys are fixed by the
   * trained weights and refused, naming the ones that can be set).
   */
  static ModelBundle withGenerationKeys(ModelBundle bundle, SparkModelFamily family,
      java.util.List<String> assignments) {
    if (assignments.isEmpty()) {
      return bundle;
    }
    java.util.List<io.synthgen.model.config.OptionSpec<?>> specs = family.modelOptions().stream()
        .filter(o -> o.key().startsWith(GENERATION_KEYS)).toList();
    io.synthgen.model.config.Options.Builder check = io.synthgen.model.config.Options.builder(
        specs);
    Map<String, String> config = new java.util.LinkedHashMap<>(bundle.config());
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
