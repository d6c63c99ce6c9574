package io.synthgen.jobs.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.jobs.family.SparkModelFamily;
import io.synthgen.jobs.io.HadoopBundleStore;
import io.synthgen.jobs.io.IcebergTables;
import io.synthgen.jobs.io.OutputPaths;
import io.synthgen.jobs.job.Evaluation;
import io.synthgen.jobs.job.GenerateJob;
import io.synthgen.jobs.job.ModelRegistry;
import io.synthgen.jobs.job.TrainJob;
import io.synthgen.jobs.runtime.ExitCodes;
import io.synthgen.jobs.runtime.JobDescriptions;
import io.synthgen.jobs.runtime.SparkSessions;
import io.synthgen.jobs.runtime.Versions;
import io.synthgen.jobs.io.DirectoryLease;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.ResourceBusyException;
import io.synthgen.tabular.condition.RowCondition;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.privacy.PrivacyLedger;
import io.synthgen.tabular.TableMetadata;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * The scheduled augmentation run of one date ({@code synth pipeline}). Trains a model (or reuses
 * the newest finished one of the model shelf at most {@code maxModelAgeDays} old) with a {@link
 * TrainJob}, generates the rare class (an exact count, or as many rows as bring it to a target
 * share of the table) and evaluates the rows against the input with the gates in a {@link
 * GenerateJob}, and publishes them as the date partition {@code OUTPUT/run_date=DATE} whole, with
 * the report and a run record; optionally also into an Iceberg table. Safe to run again for the
 * same date: the partition is replaced whole, or, with {@code skipComplete}, left as it is.
 *
 * <p>The steps share one Spark session, opened when the first step needs it and stopped at the
 * end. Exit codes, for a scheduler: 0 published (or skipped); 2 bad input or options (fix them,
 * retrying will not help; bad options of the run itself are thrown as {@link
 * InvalidInputException}, and a train or generate step refused by its input writes no run
 * record); 3 a quality gate failed (nothing published); 1 anything else (retry). A failed train or
 * generate step is reported on stderr as {@code synth train: ...} or {@code synth generate: ...}
 * (as {@code synth train} or {@code synth generate} would), then as the pipeline's failed step.
 */
public final class PipelineRun {
  private final Request request;
  private SparkSession spark;

  /**
   * One run date's options, as {@code synth pipeline} takes them.
   *
   * @param runDate the date (YYYY-MM-DD) this run is for
   * @param input the table
   * @param metadata column roles, or null
   * @param format csv or parquet; null: from the path
   * @param conf the training config file, or null
   * @param sets {@code --set} assignments of training keys
   * @param model model name, or null (the config file's)
   * @param workers data-parallel workers, or null
   * @param epochs training epochs, or null
   * @param models the model shelf directory
   * @param maxModelAgeDays reuse a model at most this many days old
   * @param rows rows to generate, or null for {@code targetRatio}
   * @param targetRatio the share the class should reach, or null for {@code rows}
   * @param klass the class to generate; null: the metadata's positive class
   * @param conditions further conditions every generated row meets (generate's
   *     {@code --condition} grammar), empty: none; the evaluation compares the rows with the
   *     real rows of the class that meet them
   * @param output the published output, one partition per run date
   * @param holdout real rows the model did not see, or null
   * @param gates quality gates the evaluation must pass
   * @param partitions generation partitions, or null
   * @param seed run seed; null: the run date as YYYYMMDD
   * @param icebergTable also publish into this table, or null
   * @param icebergWarehouse that table's Hadoop catalog warehouse, or null
   * @param skipComplete do nothing when the date is already published
   * @param waitForLease how long to wait for another run's lease on the date (or on the model
   *     directory it trains); null: not at all (the run ends busy, exit 4)
   * @param master Spark master, or null
   */
  public record Request(String runDate, String input, String metadata, String format,
      String conf, List<String> sets, String model, Integer workers, Integer epochs,
      String models, int maxModelAgeDays, Long rows, Double targetRatio, String klass,
      List<String> conditions, String output, String holdout, List<String> gates, Integer partitions, Long seed,
      String icebergTable, String icebergWarehouse, boolean skipComplete,
      Duration waitForLease, String master) {
    public Request {
      sets = List.copyOf(sets);
      gates = List.copyOf(gates);
      conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }
  }

  private PipelineRun(Request request) {
    this.request = request;
  }

  /** Runs {@code request}; returns the exit code (see the class comment). */
  public static int run(Request request) throws Exception {
    PipelineRun run = new PipelineRun(request);
    try {
      return run.call();
    } finally {
      if (run.spark != null) {
        run.spark.stop();
      }
    }
  }

  /** The pipeline's Spark session, opened on first use. */
  private SparkSession spark() {
    if (spark == null) {
      spark = SparkSessions.open("pipeline", request.master());
    }
    return spark;
  }

  private int call() throws Exception {
    long t0 = System.nanoTime();
    LocalDate date = parseDate(request.runDate());
    if (request.maxModelAgeDays() < 0) {
      throw new InvalidInputException("option '--max-model-age-days' has value "
          + request.maxModelAgeDays() + ": give 0 or more");
    }
    Double ratio = request.targetRatio();
    if (ratio != null && !(ratio > 0 && ratio < 1)) {
      throw new InvalidInputException("option '--target-ratio' has value " + ratio
          + ": give a share between 0 and 1, such as 0.3");
    }
    for (String c : request.conditions()) {
      RowCondition.parse(c, "--condition"); // malformed: refused before anything trains
    }
    IcebergTables.Target iceberg = null;
    if (request.icebergTable() != null || request.icebergWarehouse() != null) {
      if (request.icebergTable() == null || request.icebergWarehouse() == null) {
        throw new InvalidInputException("option '" + (request.icebergTable() == null
            ? "--iceberg-table" : "--iceberg-warehouse") + "' is missing: Iceberg output needs "
            + "both --iceberg-table and --iceberg-warehouse");
      }
      iceberg = IcebergTables.Target.of(request.icebergWarehouse(), request.icebergTable(),
          "--iceberg-table", date.toString(), "--run-date");
      IcebergTables.requireRuntime("--iceberg-table");
    }
    long s = request.seed() != null ? request.seed()
        : date.getYear() * 10_000L + date.getMonthValue() * 100L + date.getDayOfMonth();
    Configuration hadoop = new Configuration();
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("--input", request.input());
    inputs.put("--metadata", request.metadata());
    inputs.put("--holdout", request.holdout());
    inputs.put("--conf", request.conf());
    inputs.put("--models", request.models());
    OutputPaths.refuseOverlap("--output", request.output(), inputs, hadoop);
    inputs.put("--output", request.output());
    OutputPaths.refuseOverlap("--models", request.models(), Map.of("--input", request.input()),
        hadoop);
    if (iceberg != null) {
      OutputPaths.refuseOverlap("--iceberg-warehouse", request.icebergWarehouse(), inputs,
          hadoop);
    }

    ObjectNode run = ModelBundle.json().createObjectNode();
    run.put("run_date", date.toString());
    run.put("status", "running");
    run.put("started", Instant.now().toString());
    run.put("seed", s);
    ObjectNode in = run.putObject("inputs");
    in.put("input", request.input());
    in.put("metadata", request.metadata());
    in.put("holdout", request.holdout());
    in.put("conf", request.conf());
    RunRecords.describeInput(in, request.input(), hadoop);
    ObjectNode durations = run.putObject("durations_s");
    ObjectNode versions = run.putObject("versions");
    Versions.all().forEach(versions::put);

    try (DatePartition partition = DatePartition.of(request.output(), date, hadoop)) {
      partition.checkOutput("--output");
      run.put("output", partition.targetPath());
      DirectoryLease lease;
      try {
        lease = DirectoryLease.acquire(partition.targetPath(), "--output", "pipeline "
            + date, request.waitForLease() == null ? Duration.ZERO : request.waitForLease(),
            hadoop);
      } catch (ResourceBusyException e) {
        run.put("status", "busy");
        run.put("busy", e.getMessage());
        run.put("finished", Instant.now().toString());
        String record = partition.recordAttempt(RunRecords.pretty(run));
        System.err.println("synth pipeline: busy: " + e.getMessage() + "; run record " + record);
        return ExitCodes.BUSY;
      }
      try (lease) {
        return leased(date, s, partition, run, durations, hadoop, t0, iceberg);
      }
    }
  }

  /** The run of a date whose lease this run holds. */
  private int leased(LocalDate date, long s, DatePartition partition, ObjectNode run,
      ObjectNode durations, Configuration hadoop, long t0, IcebergTables.Target iceberg)
      throws Exception {
    {
      if (request.skipComplete() && partition.complete()) {
        System.out.printf(Locale.ROOT, "run_date=%s is already published at %s: skipped "
            + "(--skip-complete)%n", date, partition.targetPath());
        run.put("status", "skipped");
        partition.recordAttempt(RunRecords.pretty(run));
        return ExitCodes.DONE;
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
    ModelShelf.Choice choice = ModelShelf.choose(request.models(), date,
        request.maxModelAgeDays(), hadoop);
    ObjectNode m = run.putObject("model");
    m.put("dir", choice.dir());
    m.put("trained", choice.trained().toString());
    m.put("reused", choice.reuse());
    m.put("age_days", choice.ageDays(date));
    long t = System.nanoTime();
    if (!choice.reuse()) {
      int code = train(choice.dir(), s);
      durations.put("train", RunRecords.seconds(t));
      if (code != ExitCodes.DONE) {
        return failed(partition, run, durations, t0, "train", code);
      }
    }
    ModelBundle bundle = ModelBundle.read(new HadoopBundleStore(choice.dir(), hadoop));
    m.put("name", bundle.model());
    m.put("seed", bundle.seed());
    JsonNode privacy = bundle.training().get("privacy");
    m.set("privacy", privacy != null ? privacy : PrivacyLedger.noneJson());
    SparkModelFamily family = ModelRegistry.get(bundle.model(), "model bundle " + choice.dir());
    TableMetadata table = TableMetadata.fromJson(bundle.metadata());
    String cls = request.klass() != null ? request.klass() : table.positiveClass();
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
    long rows = request.rows() != null ? request.rows()
        : rowsForRatio(classes, cls, request.targetRatio());
    ObjectNode counts = run.putObject("counts");
    counts.put("label", table.label());
    counts.put("class", cls);
    counts.set("training_classes", ModelBundle.json().valueToTree(classes));
    counts.put("generated", rows);
    if (request.targetRatio() != null) {
      counts.put("target_ratio", request.targetRatio());
    }

    t = System.nanoTime();
    List<String> conditions = new ArrayList<>();
    conditions.add(table.label() + "=" + cls);
    conditions.addAll(request.conditions());
    if (!request.conditions().isEmpty()) {
      conditions.forEach(counts.putArray("conditions")::add);
    }
    int code = generate(choice.dir(), rows, conditions, partition, s);
    durations.put("generate_and_evaluate", RunRecords.seconds(t));
    JsonNode report = RunRecords.readReport(partition, hadoop);
    if (report != null) {
      run.set("metrics", report.path("metrics"));
      run.set("gates", report.path("gates"));
    }
    if (code != ExitCodes.DONE) {
      return failed(partition, run, durations, t0,
          code == ExitCodes.GATE_FAILED ? "gate" : "generate", code);
    }
    if (iceberg != null) {
      t = System.nanoTime();
      Map<String, String> summary = new LinkedHashMap<>();
      summary.put("model", bundle.model());
      summary.put("model-dir", choice.dir());
      summary.put("model-seed", Long.toString(bundle.seed()));
      summary.put("seed", Long.toString(s));
      summary.put("rows", Long.toString(rows));
      summary.put("condition", String.join(" and ", conditions));
      SparkSession session = spark();
      long snapshot;
      try (JobDescriptions.Scope d = JobDescriptions.describe(session,
          "pipeline: iceberg publish")) {
        snapshot = IcebergTables.replaceDate(session, iceberg,
            session.read().parquet(partition.rowsStagingPath()), summary, "--iceberg-table");
      }
      ObjectNode ice = run.putObject("iceberg");
      ice.put("warehouse", iceberg.warehouse());
      ice.put("table", iceberg.table());
      ice.put("snapshot_id", snapshot);
      durations.put("iceberg", RunRecords.seconds(t));
    }
    t = System.nanoTime();
    run.put("status", "published");
    run.put("finished", Instant.now().toString());
    durations.put("total", RunRecords.seconds(t0));
    partition.publish(RunRecords.pretty(run));
    durations.put("publish", RunRecords.seconds(t));
    String record = partition.recordAttempt(RunRecords.pretty(run));
    System.out.printf(Locale.ROOT, "pipeline %s: published %d rows of %s=%s to %s (model %s, "
            + "%s, %d days old; seed %d) in %.1f s; run record %s%n", date, rows, table.label(),
        cls, partition.targetPath(), choice.dir(), choice.reuse() ? "reused" : "trained",
        choice.ageDays(date), s, RunRecords.seconds(t0), record);
    return ExitCodes.DONE;
  }

  /**
   * The train step: trains (or resumes, when the shelf holds a checkpoint of the date) the
   * date's model into {@code modelDir}; returns its exit code, a failure reported as
   * {@code synth train} reports it.
   */
  private int train(String modelDir, long seed) {
    try (DirectoryLease lease = DirectoryLease.acquire(modelDir, "--models", "pipeline train",
        request.waitForLease() == null ? Duration.ZERO : request.waitForLease(),
        new Configuration())) {
      Properties conf = TrainJob.loadConf(request.conf());
      TrainJob job = TrainJob.of(new TrainJob.Request(request.model(), conf, request.conf(),
          request.sets(), request.input(), request.metadata(), request.format(), modelDir,
          request.workers(), request.epochs(), seed, false, false, true));
      System.out.println(job.run(spark(), List.of()).line());
      return ExitCodes.DONE;
    } catch (Exception e) {
      return ExitCodes.report("train", e, false, System.err);
    }
  }

  /**
   * The generate step: {@code rows} rows meeting {@code conditions} into the partition's staging
   * directory, evaluated against the input into its staging report with the gates; returns its
   * exit code (3: a gate failed), a failure reported as {@code synth generate} reports it.
   */
  private int generate(String modelDir, long rows, List<String> conditions,
      DatePartition partition, long seed) {
    try {
      GenerateJob job = GenerateJob.of(new GenerateJob.Request(modelDir, rows, conditions, null,
          partition.rowsStagingPath(), "parquet", null, null, false, null, seed,
          request.partitions(), false, List.of(), Evaluation.of(request.input(),
              request.holdout(), partition.reportStagingPath(), request.gates())));
      GenerateJob.Generated generated = job.generate(spark());
      System.out.println(generated.line());
      return job.evaluate(spark(), generated);
    } catch (Exception e) {
      return ExitCodes.report("generate", e, false, System.err);
    }
  }

  /**
   * A duration as {@code --wait-for-lease} takes it: {@code 90s}, {@code 10m}, {@code 2h}, or
   * ISO-8601 ({@code PT10M}); null for null.
   */
  public static Duration parseDuration(String value, String option) {
    if (value == null) {
      return null;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("pt")) {
        return Duration.parse(v.toUpperCase(Locale.ROOT));
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      Duration d = switch (v.charAt(v.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> null;
      };
      if (d != null && !d.isNegative()) {
        return d;
      }
    } catch (RuntimeException e) {
      // reported below
    }
    throw new InvalidInputException("option '" + option + "' has value '" + value + "': give "
        + "a duration such as 90s, 10m or 2h");
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
  public static long rowsForRatio(Map<String, Long> classes, String cls, double ratio) {
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

  private static int failed(DatePartition partition, ObjectNode run, ObjectNode durations,
      long t0, String step, int code) {
    run.put("status", "gate".equals(step) ? "gate_failed" : "failed");
    run.put("failed_step", step);
    run.put("exit_code", code);
    // a refused input (exit 2) writes nothing; a failed gate or step leaves its record
    String record = code == ExitCodes.BAD_INPUT ? "(none: bad input)"
        : recordQuietly(partition, run, durations, t0);
    System.err.println("synth pipeline: " + ("gate".equals(step) ? "a quality gate failed"
        : "the " + step + " step failed (exit " + code + ")") + ": nothing published for "
        + run.path("run_date").asText() + "; run record " + record);
    return code;
  }

  private static String recordQuietly(DatePartition partition, ObjectNode run,
      ObjectNode durations, long t0) {
    durations.put("total", RunRecords.seconds(t0));
    run.put("finished", Instant.now().toString());
    try {
      return partition.recordAttempt(RunRecords.pretty(run));
    } catch (Exception e) {
      return "(not written: " + e.getMessage() + ")";
    }
  }
}
