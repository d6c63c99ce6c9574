package io.synthgen.jobs.pipeline;

import io.synthgen.model.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One run date's partition of a published output, {@code OUTPUT/run_date=YYYY-MM-DD/}: the
 * generated Parquet files, {@code _report/} and {@code _run.json} (names Spark's partition
 * discovery skips, so {@code spark.read().parquet(OUTPUT)} sees the rows with a
 * {@code run_date} column). A run builds everything in a hidden staging directory beside it and
 * publishes by renaming: readers see the previous partition or the new one whole (for the
 * instant between the two renames of a replacement, none), never a half-written one. Every
 * attempt's record is also kept in {@code OUTPUT/_runs/run_date=YYYY-MM-DD.json}, including
 * failed ones.
 */
public final class DatePartition implements AutoCloseable {
  /** The run record inside a published partition. */
  public static final String RUN_FILE = "_run.json";
  /** The evaluation report inside a published partition. */
  public static final String REPORT_DIR = "_report";
  private final FileSystem fs;
  private final Path output;
  private final Path target;
  private final Path staging;
  private final Path reportStaging;
  private final String id;
  private boolean published;

  private DatePartition(FileSystem fs, Path output, LocalDate date) {
    this.fs = fs;
    this.output = output;
    String name = "run_date=" + date;
    String id = UUID.randomUUID().toString();
    this.id = id;
    this.target = new Path(output, name);
    this.staging = new Path(output, "." + name + ".staging-" + id);
    this.reportStaging = new Path(output, "." + name + ".report-" + id);
  }

  /** The partition of {@code date} under {@code output} (nothing is created yet). */
  public static DatePartition of(String output, LocalDate date, Configuration conf)
      throws IOException {
    Path p = new Path(output);
    FileSystem fs = p.getFileSystem(conf);
    return new DatePartition(fs, fs.makeQualified(p), date);
  }

  public String targetPath() {
    return target.toString();
  }

  /** Where the run's generate job writes its rows (a path that does not exist yet). */
  public String rowsStagingPath() {
    return staging.toString();
  }

  /** Where the run's evaluation writes its report (a path that does not exist yet). */
  public String reportStagingPath() {
    return reportStaging.toString();
  }

  /** Whether a previous run published this date completely. */
  public boolean complete() throws IOException {
    return fs.exists(new Path(target, RUN_FILE));
  }

  /**
   * Moves the staged report into the staged rows, adds the run record, and publishes the
   * result in place of any previous partition of the date.
   */
  public void publish(String runJson) throws IOException {
    if (!fs.exists(staging)) {
      throw new IOException("nothing staged at " + staging);
    }
    if (fs.exists(reportStaging) && !fs.rename(reportStaging, new Path(staging, REPORT_DIR))) {
      throw new IOException("cannot move " + reportStaging + " into " + staging);
    }
    write(new Path(staging, RUN_FILE), runJson);
    Path previous = null;
    if (fs.exists(target)) {
      previous = new Path(output, "." + target.getName() + ".replaced-" + UUID.randomUUID());
      if (!fs.rename(target, previous)) {
        throw new IOException("cannot move the previous " + target + " aside");
      }
    }
    if (!fs.rename(staging, target)) {
      if (previous != null) {
        fs.rename(previous, target);
      }
      throw new IOException("cannot move " + staging + " to " + target);
    }
    published = true;
    if (previous != null) {
      fs.delete(previous, true);
    }
  }

  /**
   * Writes this attempt's run record twice: as a file of its own,
   * {@code OUTPUT/_runs/run_date=D/attempt-TIMESTAMP-ID.json} (every attempt keeps one, busy and
   * failed ones included), and as the date's latest, {@code OUTPUT/_runs/run_date=D.json}
   * (replaced whole, findable without listing); returns the latest's path.
   */
  public String recordAttempt(String runJson) throws IOException {
    Path runs = new Path(output, "_runs");
    Path attempts = new Path(runs, target.getName());
    fs.mkdirs(attempts);
    String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
        .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now());
    try (OutputStream out = fs.create(new Path(attempts, "attempt-" + stamp + "-"
        + id.substring(0, 8) + ".json"), false)) {
      out.write(runJson.getBytes(StandardCharsets.UTF_8));
    }
    Path file = new Path(runs, target.getName() + ".json");
    Path tmp = new Path(runs, "." + target.getName() + ".json-" + UUID.randomUUID());
    try {
      write(tmp, runJson);
      fs.delete(file, false);
      if (!fs.rename(tmp, file)) {
        throw new IOException("cannot move " + tmp + " to " + file);
      }
    } finally {
      fs.delete(tmp, false); // gone after the rename; after a failure, no temporary file stays
    }
    return file.toString();
  }

  /** The published partition's run record, or null. */
  public String readPublishedRecord() throws IOException {
    Path file = new Path(target, RUN_FILE);
    if (!fs.exists(file)) {
      return null;
    }
    try (InputStream in = fs.open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private void write(Path file, String text) throws IOException {
    try (OutputStream out = fs.create(file, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Checks that the output is a directory (or absent) before a run starts. */
  public void checkOutput(String option) throws IOException {
    if (fs.exists(output) && !fs.getFileStatus(output).isDirectory()) {
      throw new InvalidInputException("option '" + option + "' value '" + output
          + "' is a file: give a directory for the date partitions");
    }
  }

  /** Removes whatever this run staged and did not publish. */
  @Override
  public void close() throws IOException {
    if (!published) {
      fs.delete(staging, true);
    }
    fs.delete(reportStaging, true);
  }
}
