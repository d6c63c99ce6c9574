package io.synthgen.jobs;

import io.synthgen.jobs.pipeline.PipelineRun;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code synth pipeline}: the scheduled augmentation run of one date ({@link PipelineRun}). Trains
 * a model (or reuses the newest finished one of the model shelf at most {@code
 * --max-model-age-days} old), generates the rare class (an exact count, or as many rows as bring
 * it to a target share of the table), evaluates the rows against the input with the gates, and
 * publishes them as the date partition {@code OUTPUT/run_date=DATE} whole, with the report and a
 * run record. Safe to run again for the same date: the partition is replaced whole, or, with
 * {@code --skip-complete}, left as it is.
 *
 * <p>Exit codes, for a scheduler: 0 published (or skipped); 2 bad input or options (fix them,
 * retrying will not help); 3 a quality gate failed (nothing published); 4 busy: another run holds
 * the date (retry later); 1 anything else (retry).
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = "Scheduled augmentation for one run date: train or reuse a recent model, "
        + "generate the rare class, evaluate with gates, publish OUTPUT/run_date=DATE whole. "
        + "Exit 0 published or skipped, 2 bad input, 3 gate failed (nothing published), "
        + "4 busy (another run holds the date; retry later), 1 other failure.")
final class PipelineCommand extends SynthRunner.Common implements Callable<Integer> {
  @Option(names = "--run-date", required = true, paramLabel = "YYYY-MM-DD",
      description = "the date this run is for: names the output partition and the model it "
          + "trains, and seeds the run (default seed YYYYMMDD)")
  String runDate;
  @Option(names = "--input", required = true, description = "the table (any Hadoop FS)")
  String input;
  @Option(names = "--metadata", paramLabel = "META.json", description = "column roles (a "
      + "label and positive_class are needed for --target-ratio and the default --class)")
  String metadata;
  @Option(names = "--format", description = "csv or parquet; default: from the path")
  String format;
  @Option(names = "--conf", paramLabel = "FILE", description = "training config file")
  String conf;
  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a training key")
  List<String> sets = new ArrayList<>();
  @Option(names = "--model", description = "model name (default: the config file's)")
  String model;
  @Option(names = "--workers", description = "data-parallel workers") Integer workers;
  @Option(names = "--epochs", description = "training epochs") Integer epochs;
  @Option(names = "--models", required = true, paramLabel = "DIR",
      description = "the model shelf: one bundle per training date in DIR/trained=YYYY-MM-DD")
  String models;
  @Option(names = "--max-model-age-days", paramLabel = "N", defaultValue = "7",
      description = "reuse the newest finished model trained at most N days before the run "
          + "date, else train one (default: ${DEFAULT-VALUE}; 0: the run date's model only)")
  int maxModelAgeDays;
  @ArgGroup(exclusive = true, multiplicity = "1")
  Count count;

  /** How many rows to generate: exactly one of the two. */
  static final class Count {
    @Option(names = "--rows", paramLabel = "N", description = "generate exactly N rows of "
        + "the class")
    Long rows;
    @Option(names = "--target-ratio", paramLabel = "R", description = "generate as many rows "
        + "of the class as make it a share R (0 < R < 1) of the training rows plus the "
        + "generated ones")
    Double ratio;
  }

  @Option(names = "--class", paramLabel = "VALUE", description = "the label class to generate "
      + "(default: the metadata's positive_class)")
  String klass;
  @Option(names = "--condition", paramLabel = "CONDITION", description = "a further "
      + "condition every generated row of the class meets (generate's grammar, e.g. "
      + "'amount>=1000'; repeatable); --rows and --target-ratio count these rows (default: none)")
  List<String> conditions = new ArrayList<>();
  @Option(names = "--output", required = true, paramLabel = "DIR",
      description = "published output: one partition per run date, DIR/run_date=YYYY-MM-DD")
  String output;
  @Option(names = "--holdout", paramLabel = "PATH", description = "real rows the model did "
      + "not see: the privacy baseline (their distance to the training rows)")
  String holdout;
  @Option(names = "--gate", paramLabel = "METRIC>=VALUE", description = "publish only if the "
      + "evaluation passes it (exit 3 otherwise)")
  List<String> gates = new ArrayList<>();
  @Option(names = "--partitions", paramLabel = "P", description = "generation partitions "
      + "(default: one per 100,000 rows, rounded up; the rows depend on it, not on the cluster)")
  Integer partitions;
  @Option(names = "--seed", description = "run seed (default: the run date as YYYYMMDD)")
  Long seed;
  @Option(names = "--iceberg-table", paramLabel = "NAMESPACE.TABLE", description = "also "
      + "publish the rows to this Iceberg table (partitioned by run_date, the date replaced in "
      + "one snapshot) of the Hadoop catalog at --iceberg-warehouse")
  String icebergTable;
  @Option(names = "--iceberg-warehouse", paramLabel = "DIR", description = "the Hadoop "
      + "catalog's warehouse directory for --iceberg-table")
  String icebergWarehouse;
  @Option(names = "--skip-complete", description = "exit 0 without doing anything when the "
      + "run date is already published (default: replace it)")
  boolean skipComplete;
  @Option(names = "--wait-for-lease", paramLabel = "DURATION", description = "when another run "
      + "holds the date (or the model directory it trains), wait up to DURATION (90s, 10m, 2h) "
      + "for it to finish (default: do not wait: the run ends busy, exit 4, recorded as busy)")
  String waitForLease;

  @Override
  public Integer call() throws Exception {
    return PipelineRun.run(new PipelineRun.Request(runDate, input, metadata, format, conf, sets,
        model, workers, epochs, models, maxModelAgeDays, count.rows, count.ratio, klass,
        conditions, output,
        holdout, gates, partitions, seed, icebergTable, icebergWarehouse, skipComplete,
        PipelineRun.parseDuration(waitForLease, "--wait-for-lease"), master));
  }
}
