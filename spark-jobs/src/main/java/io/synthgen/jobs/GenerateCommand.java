package io.synthgen.jobs;

import io.synthgen.jobs.job.GenerateJob;
import io.synthgen.jobs.io.DirectoryLease;
import io.synthgen.jobs.runtime.SparkSessions;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code synth generate}: exactly N rows from a model bundle, through its family's generate
 * stage; with {@code --report}, evaluates them in the same Spark session ({@link GenerateJob}).
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Generate exactly N rows from a trained model, fanned out over partitions, "
        + "committed atomically.")
final class GenerateCommand extends SynthRunner.Common implements Callable<Integer> {
  @Option(names = "--model-dir", paramLabel = "DIR", required = true,
      description = "model bundle directory written by train") String modelDir;
  @Option(names = "--rows", paramLabel = "N", required = true,
      description = "exact number of rows to generate") long rows;
  @Option(names = "--condition", paramLabel = "CONDITION",
      description = "every row meets this condition; repeatable, rows meet all of them. Tables: "
          + "COL=VALUE, 'COL in (A,B)', COL>=X, COL>X, COL<=X, COL<X, 'COL between X and Y', "
          + "'COL is null', 'COL is not null' (e.g. status=bad). Digits: label=7. Default: none")
  java.util.List<String> conditions = new java.util.ArrayList<>();
  @Option(names = "--condition-weights", paramLabel = "VALUE=W,...",
      description = "how the rows split over the values of the one condition that allows "
          + "several (COL in (A,B)), e.g. A=3,B=1 (default: the model's joint frequency of the "
          + "values under the other conditions)") String conditionWeights;
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
      description = "generation partitions (default: one per 100,000 rows, rounded up, so the "
          + "rows do not depend on the cluster); output depends on P, not on the number of "
          + "executors") Integer partitions;
  @Option(names = "--overwrite", description = "replace an existing output directory")
  boolean overwrite;
  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override one of the "
      + "model's generation-time keys (output.*, e.g. output.label-filter=0) for this job; "
      + "repeatable; the bundle keeps its own values")
  java.util.List<String> sets = new java.util.ArrayList<>();
  @CommandLine.Mixin
  SynthRunner.EvaluationOptions evaluation = new SynthRunner.EvaluationOptions();

  @Override
  public Integer call() throws Exception {
    GenerateJob job = GenerateJob.of(new GenerateJob.Request(modelDir, rows, conditions,
        conditionWeights, output,
        outputFormat, table, runDate, classBalanced, preview, seed, partitions, overwrite, sets,
        evaluation.evaluation()));
    org.apache.hadoop.conf.Configuration hadoop = new org.apache.hadoop.conf.Configuration();
    boolean table = "iceberg".equals(outputFormat); // an Iceberg commit is its own guard
    try (DirectoryLease out = table ? null : DirectoryLease.acquire(output, "--output",
            "generate", java.time.Duration.ZERO, hadoop);
        // a report at or inside the output is refused by the job itself (exit 2)
        DirectoryLease report = evaluation.evaluation().report() == null
            || DirectoryLease.within(evaluation.evaluation().report(), output, hadoop) ? null
            : DirectoryLease.acquire(evaluation.evaluation().report(), "--report", "generate",
                java.time.Duration.ZERO, hadoop)) {
      SparkSession spark = SparkSessions.open("generate", master);
      try {
        GenerateJob.Generated generated = job.generate(spark);
        System.out.println(generated.line());
        return job.evaluate(spark, generated);
      } finally {
        spark.stop();
      }
    }
  }
}
