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
      ModelBundle bundle = ModelBundle.read(new HadoopBundleStore(modelDir, hadoop));
      SparkModelFamily family = ModelRegistry.get(bundle.model(), "model bundle " + modelDir);
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
}
