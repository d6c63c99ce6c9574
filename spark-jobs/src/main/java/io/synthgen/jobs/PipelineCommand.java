package io.synthgen.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.jobs.family.SparkModelFamily;
import io.synthgen.jobs.io.HadoopBundleStore;
import io.synthgen.jobs.io.IcebergTables;
import io.synthgen.jobs.io.OutputPaths;
import io.synthgen.jobs.pipeline.DatePartition;
import io.synthgen.jobs.pipeline.ModelShelf;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.tabular.TableMetadata;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ContentSummary;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code synth pipeline}: the scheduled augmentation run of one date. Trains a model (or reuses
 * the newest finished one of the model shelf at most {@code --max-model-age-days} old), generates
 * the rare class (an exact count, or as many rows as bring it to a target share of the table),
 * evaluates the rows against the input with the gates, and publishes them as the date partition
 * {@code OUTPUT/run_date=DATE} whole, with the report and a run record. Safe to run again for the
 * same date: the partition is replaced whole, or, with {@code --skip-complete}, left as it is.
 *
 * <p>Exit codes, for a scheduler: 0 published (or skipped); 2 bad input or options (fix them,
 * retrying will not help); 3 a quality gate failed (nothing published); 1 anything else (retry).
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = "Scheduled augmentation for one run date: train or reuse a recent model, "
        + "generate the rare class, evaluate with gates, publish OUTPUT/run_date=DATE whole. "
        + "Exit 0 published or skipped, 2 bad input, 3 gate failed (nothing published), "
        + "1 other failure.")
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
      + "(default: the cluster's parallelism)")
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

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    LocalDate date = parseDate(runDate);
    if (maxModelAgeDays < 0) {
      throw new InvalidInputException("option '--max-model-age-days' has value "
          + maxModelAgeDays + ": give 0 or more");
    }
    if (count.ratio != null && !(count.ratio > 0 && count.ratio < 1)) {
      throw new InvalidInputException("option '--target-ratio' has value " + count.ratio
          + ": give a share between 0 and 1, such as 0.3");
    }
    IcebergTables.Target iceberg = null;
    if (icebergTable != null || icebergWarehouse != null) {
      if (icebergTable == null || icebergWarehouse == null) {
        throw new InvalidInputException("option '" + (icebergTable == null ? "--iceberg-table"
            : "--iceberg-warehouse") + "' is missing: Iceberg output needs both "
            + "--iceberg-table and --iceberg-warehouse");
      }
      iceberg = IcebergTables.Target.of(icebergWarehouse, icebergTable, "--iceberg-table",
          date.toString(), "--run-date");
      IcebergTables.requireRuntime("--iceberg-table");
    }
    long s = seed != null ? seed
        : date.getYear() * 10_000L + date.getMonthValue() * 100L + date.getDayOfMonth();
    Configuration hadoop = new Configuration();
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("--input", input);
    inputs.put("--metadata", metadata);
    inputs.put("--holdout", holdout);
    inputs.put("--conf", conf);
    inputs.put("--models", models);
    OutputPaths.refuseOverlap("--output", output, inputs, hadoop);
    inputs.put("--output", output);
    OutputPaths.refuseOverlap("--models", models, Map.of("--input", input), hadoop);
    if (iceberg != null) {
      OutputPaths.refuseOverlap("--iceberg-warehouse", icebergWarehouse, inputs, hadoop);
    }

    ObjectNode run = ModelBundle.json().createObjectNode();
    run.put("run_date", date.toString());
    run.put("status", "running");
    run.put("started", Instant.now().toString());
    run.put("seed", s);
    ObjectNode in = run.putObject("inputs");
    in.put("input", input);
    in.put("metadata", metadata);
    in.put("holdout", holdout);
    in.put("conf", conf);
    describeInput(in, hadoop);
    ObjectNode durations = run.putObject("durations_s");
    ObjectNode versions = run.putObject("versions");
    versions.put("synthgen", SynthRunner.VERSION);
    versions.put("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
    versions.put("hadoop", org.apache.hadoop.util.VersionInfo.getVersion());
    versions.put("java", System.getProperty("java.version"));

    try (DatePartition partition = DatePartition.of(output, date, hadoop)) {
      partition.checkOutput("--output");
      run.put("output", partition.targetPath());
      if (skipComplete && partition.complete()) {
        System.out.printf(Locale.ROOT, "run_date=%s is already published at %s: skipped "
            + "(--skip-complete)%n", date, partition.targetPath());
        run.put("status", "skipped");
        partition.recordAttempt(pretty(run));
        return 0;
      }
      try {
        return runDate(date, s, partition, run, durations, hadoop, t0, iceberg);
      } catch (InvalidInputException e) {
        throw e; // refused input: nothing written, not even a run record
      } catch (Exception e) {
        run.put("status", "failed");
        run.put("error", String.valueOf(e));
        recordQuietly(partition, run, durations, t0);
        throw e;
      }
    }
  }

  private int runDate(LocalDate date, long s, DatePartition partition, ObjectNode run,
      ObjectNode durations, Configuration hadoop, long t0, IcebergTables.Target iceberg)
      throws Exception {
    ModelShelf.Choice choice = ModelShelf.choose(models, date, maxModelAgeDays, hadoop);
    ObjectNode m = run.putObject("model");
    m.put("dir", choice.dir());
    m.put("trained", choice.trained().toString());
    m.put("reused", choice.reuse());
    m.put("age_days", choice.ageDays(date));
    long t = System.nanoTime();
    if (!choice.reuse()) {
      List<String> args = new ArrayList<>(List.of("train", "--input", input, "--model-dir",
          choice.dir(), "--seed", Long.toString(s), "--resume-if-present"));
      add(args, "--conf", conf);
      add(args, "--model", model);
      add(args, "--metadata", metadata);
      add(args, "--format", format);
      add(args, "--workers", workers);
      add(args, "--epochs", epochs);
      add(args, "--master", master);
      for (String set : sets) {
        args.add("--set");
        args.add(set);
      }
      int code = SynthRunner.run(args.toArray(new String[0]));
      durations.put("train", seconds(t));
      if (code != 0) {
        return failed(partition, run, durations, t0, "train", code);
      }
    }
    ModelBundle bundle = ModelBundle.read(new HadoopBundleStore(choice.dir(), hadoop));
    m.put("name", bundle.model());
    m.put("seed", bundle.seed());
    SparkModelFamily family = ModelRegistry.get(bundle.model(), "model bundle " + choice.dir());
    TableMetadata table = TableMetadata.fromJson(bundle.metadata());
    String cls = klass != null ? klass : table.positiveClass();
    if (table.label() == null || cls == null) {
      throw new InvalidInputException("option '--class' is missing and the model's metadata "
          + "names no " + (table.label() == null ? "label" : "positive_class")
          + ": give --class VALUE, or a label and positive_class in --metadata");
    }
    LinkedHashMap<String, Long> classes = family.classCounts(bundle);
    if (!classes.containsKey(cls)) {
      throw new InvalidInputException("option '--class' value '" + cls + "' is not a class of "
          + "label column '" + table.label() + "'; classes: " + classes.keySet());
    }
    long rows = count.rows != null ? count.rows : rowsForRatio(classes, cls, count.ratio);
    ObjectNode counts = run.putObject("counts");
    counts.put("label", table.label());
    counts.put("class", cls);
    counts.set("training_classes", ModelBundle.json().valueToTree(classes));
    counts.put("generated", rows);
    if (count.ratio != null) {
      counts.put("target_ratio", count.ratio);
    }

    t = System.nanoTime();
    List<String> args = new ArrayList<>(List.of("generate", "--model-dir", choice.dir(),
        "--rows", Long.toString(rows), "--condition", table.label() + "=" + cls, "--output",
        partition.rowsStagingPath(), "--seed", Long.toString(s), "--real", input, "--report",
        partition.reportStagingPath()));
    add(args, "--partitions", partitions);
    add(args, "--holdout", holdout);
    add(args, "--master", master);
    for (String g : gates) {
      args.add("--gate");
      args.add(g);
    }
    int code = SynthRunner.run(args.toArray(new String[0]));
    durations.put("generate_and_evaluate", seconds(t));
    JsonNode report = readReport(partition, hadoop);
    if (report != null) {
      run.set("metrics", report.path("metrics"));
      run.set("gates", report.path("gates"));
    }
    if (code != 0) {
      return failed(partition, run, durations, t0, code == 3 ? "gate" : "generate", code);
    }
    if (iceberg != null) {
      t = System.nanoTime();
      Map<String, String> summary = new LinkedHashMap<>();
      summary.put("model", bundle.model());
      summary.put("model-dir", choice.dir());
      summary.put("model-seed", Long.toString(bundle.seed()));
      summary.put("seed", Long.toString(s));
      summary.put("rows", Long.toString(rows));
      summary.put("condition", table.label() + "=" + cls);
      org.apache.spark.sql.SparkSession spark = SynthRunner.session("pipeline", master);
      try {
        long snapshot = IcebergTables.replaceDate(spark, iceberg,
            spark.read().parquet(partition.rowsStagingPath()), summary, "--iceberg-table");
        ObjectNode ice = run.putObject("iceberg");
        ice.put("warehouse", iceberg.warehouse());
        ice.put("table", iceberg.table());
        ice.put("snapshot_id", snapshot);
      } finally {
        spark.stop();
      }
      durations.put("iceberg", seconds(t));
    }
    t = System.nanoTime();
    run.put("status", "published");
    run.put("finished", Instant.now().toString());
    durations.put("total", seconds(t0));
    partition.publish(pretty(run));
    durations.put("publish", seconds(t));
    String record = partition.recordAttempt(pretty(run));
    System.out.printf(Locale.ROOT, "pipeline %s: published %d rows of %s=%s to %s (model %s, "
            + "%s, %d days old; seed %d) in %.1f s; run record %s%n", date, rows, table.label(),
        cls, partition.targetPath(), choice.dir(), choice.reuse() ? "reused" : "trained",
        choice.ageDays(date), s, seconds(t0), record);
    return 0;
  }

  private static LocalDate parseDate(String value) {
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException("option '--run-date' has value '" + value
          + "', which is not a date: give YYYY-MM-DD, such as 2026-12-01");
    }
  }

  /**
   * Rows of {@code cls} that make it a share {@code ratio} of the training rows plus them:
   * {@code ceil((ratio * others - count) / (1 - ratio))}.
   */
  static long rowsForRatio(Map<String, Long> classes, String cls, double ratio) {
    long total = classes.values().stream().mapToLong(Long::longValue).sum();
    long have = classes.get(cls);
    long need = (long) Math.ceil((ratio * total - have) / (1 - ratio) - 1e-9);
    if (need < 1) {
      throw new InvalidInputException(String.format(Locale.ROOT, "option '--target-ratio' has "
          + "value %s, but class '%s' already makes up %.4f of the training rows (%d of %d): "
          + "give a ratio above that, or --rows N", ratio, cls, (double) have / total, have,
          total));
    }
    return need;
  }

  private void describeInput(ObjectNode in, Configuration hadoop) {
    try {
      Path p = new Path(input);
      FileSystem fs = p.getFileSystem(hadoop);
      if (fs.exists(p)) {
        ContentSummary c = fs.getContentSummary(p);
        in.put("input_bytes", c.getLength());
        in.put("input_modified", Instant.ofEpochMilli(fs.getFileStatus(p)
            .getModificationTime()).toString());
      }
    } catch (Exception e) {
      in.put("input_bytes", -1);
    }
  }

  private static JsonNode readReport(DatePartition partition, Configuration hadoop) {
    Path file = new Path(partition.reportStagingPath(), "report.json");
    try {
      FileSystem fs = file.getFileSystem(hadoop);
      if (!fs.exists(file)) {
        return null;
      }
      try (InputStream in = fs.open(file)) {
        return ModelBundle.json().readTree(in);
      }
    } catch (Exception e) {
      return null;
    }
  }

  private static int failed(DatePartition partition, ObjectNode run, ObjectNode durations,
      long t0, String step, int code) {
    run.put("status", "gate".equals(step) ? "gate_failed" : "failed");
    run.put("failed_step", step);
    run.put("exit_code", code);
    // a refused input (exit 2) writes nothing; a failed gate or step leaves its record
    String record = code == SynthRunner.EXIT_BAD_INPUT ? "(none: bad input)"
        : recordQuietly(partition, run, durations, t0);
    System.err.println("synth pipeline: " + ("gate".equals(step) ? "a quality gate failed"
        : "the " + step + " step failed (exit " + code + ")") + ": nothing published for "
        + run.path("run_date").asText() + "; run record " + record);
    return code;
  }

  private static String recordQuietly(DatePartition partition, ObjectNode run,
      ObjectNode durations, long t0) {
    durations.put("total", seconds(t0));
    run.put("finished", Instant.now().toString());
    try {
      return partition.recordAttempt(pretty(run));
    } catch (Exception e) {
      return "(not written: " + e.getMessage() + ")";
    }
  }

  private static void add(List<String> args, String flag, Object value) {
    if (value != null) {
      args.add(flag);
      args.add(value.toString());
    }
  }

  private static double seconds(long since) {
    return Math.round((System.nanoTime() - since) / 1e7) / 100.0;
  }

  private static String pretty(ObjectNode node) throws Exception {
    return ModelBundle.json().writerWithDefaultPrettyPrinter().writeValueAsString(node);
  }
}
