package io.synthgen.jobs.testing;

import io.synthgen.jobs.SynthRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Tiny seeded tables on disk, runner invocation with captured stderr, Parquet read-back. */
public final class JobFixtures {
  private JobFixtures() {}

  /** Small-network settings so tests train in seconds. */
  public static final String[] SMALL_MODEL = {"--set", "batch-size=100", "--set", "embedding-dim=16",
      "--set", "generator-dims=32,32", "--set", "critic-dims=32,32", "--set", "generator-lr=1e-3",
      "--set", "critic-lr=1e-3", "--set", "averaging-frequency=5", "--set", "min-steps=0",
      "--set", "critic-steps=1"};

  /**
   * Writes a CSV of {@code n} rows: amount (double, 30% zeros, some empty cells), visits (integer),
   * channel (web/shop/phone), status (good, or bad for ~20%, mostly high amounts).
   */
  public static Path writeTable(Path dir, int n, long seed) throws IOException {
    SplittableRandom rng = new SplittableRandom(seed);
    StringBuilder sb = new StringBuilder("amount,visits,channel,status\n");
    for (int i = 0; i < n; i++) {
      boolean bad = rng.nextDouble() < 0.2;
      double u = rng.nextDouble();
      String amount = u < 0.05 ? "" : u < 0.35 ? "0"
          : String.format(Locale.ROOT, "%.2f", bad ? 500 + 50 * rng.nextGaussian()
              : 50 + 10 * rng.nextGaussian());
      int visits = rng.nextInt(bad ? 3 : 10);
      String channel = new String[] {"web", "shop", "phone"}[rng.nextInt(3)];
      sb.append(amount).append(',').append(visits).append(',').append(channel).append(',')
          .append(bad ? "bad" : "good").append('\n');
    }
    Path file = dir.resolve("table.csv");
    Files.writeString(file, sb.toString());
    return file;
  }

  public static Path writeMetadata(Path dir, String label) throws IOException {
    Path file = dir.resolve("table.json");
    Files.writeString(file, "{\"label\": \"" + label + "\", \"positive_class\": \"bad\", "
        + "\"categorical\": [\"channel\"], \"numeric\": [\"amount\", \"visits\"], \"rows\": 1}");
    return file;
  }

  /**
   * Metadata of {@link #writeTable}'s table with public bounds for its numeric columns, as
   * differential privacy needs ({@code bounded.json} in {@code dir}).
   */
  public static Path writeBoundedMetadata(Path dir) throws IOException {
    Path file = dir.resolve("bounded.json");
    Files.writeString(file, "{\"label\": \"status\", \"positive_class\": \"bad\", "
        + "\"categorical\": [\"channel\"], \"numeric\": [\"amount\", \"visits\"], "
        + "\"bounds\": {\"amount\": {\"min\": 0, \"max\": 1000}, "
        + "\"visits\": {\"min\": 0, \"max\": 20}}}");
    return file;
  }

  /** Result of a runner invocation. */
  public record Run(int exitCode, String stderr, String stdout) {}

  /**
   * Runs the job runner in this JVM with {@code args}; in a test class with a {@link
   * SharedSparkSession}, a job naming its master joins its application.
   */
  public static synchronized Run run(String... args) {
    SharedSparkSession.beforeJob(args);
    PrintStream oldErr = System.err;
    PrintStream oldOut = System.out;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int code = SynthRunner.run(args);
      return new Run(code, err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(oldErr);
      System.setOut(oldOut);
      oldOut.print(out.toString(StandardCharsets.UTF_8));
    }
  }

  /** Copies the files of {@code from} (one level) into a new directory {@code to}. */
  public static Path copyDirectory(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }

  /** Exit code 2, every fragment in the message, and nothing written to {@code output}. */
  public static void assertRejected(Run r, Path output, String... fragments) {
    org.junit.jupiter.api.Assertions.assertEquals(2, r.exitCode(), r.stderr());
    for (String f : fragments) {
      org.junit.jupiter.api.Assertions.assertTrue(r.stderr().contains(f),
          "stderr lacks '" + f + "': " + r.stderr());
    }
    org.junit.jupiter.api.Assertions.assertFalse(Files.exists(output),
        "nothing written to " + output);
  }

  /** Runs a generate job that must succeed and reads its Parquet output back. */
  public static List<Row> generate(Path model, Path output, String master, String... extra) {
    Run r = run(concat(new String[] {"generate", "--model-dir", model.toString(), "--output",
        output.toString(), "--master", master}, extra));
    org.junit.jupiter.api.Assertions.assertEquals(0, r.exitCode(), r.stderr());
    return readParquet(output);
  }

  public static String[] concat(String[] a, String... b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(new String[0]);
  }

  /** Reads a Parquet directory back (in the test class's shared session, if it runs one). */
  public static List<Row> readParquet(Path dir) {
    return withReader(spark -> spark.read().parquet(dir.toString()).collectAsList());
  }

  /**
   * Reads an Iceberg table {@code NAMESPACE.TABLE} of the Hadoop catalog at {@code warehouse}
   * back (as a reader would: a catalog, not a path).
   */
  public static List<Row> readIceberg(String warehouse, String table) {
    // a catalog name of its own: a shared session keeps the catalogs it has loaded
    String catalog = "readback" + READ_BACKS.incrementAndGet();
    return withReader(spark -> {
      spark.conf().set("spark.sql.catalog." + catalog, "org.apache.iceberg.spark.SparkCatalog");
      spark.conf().set("spark.sql.catalog." + catalog + ".type", "hadoop");
      spark.conf().set("spark.sql.catalog." + catalog + ".warehouse", warehouse);
      return spark.table(catalog + "." + table).collectAsList();
    });
  }

  private static final java.util.concurrent.atomic.AtomicInteger READ_BACKS =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Rows per run_date of an Iceberg table (see {@link #readIceberg}). */
  public static java.util.Map<String, Long> rowsPerRunDate(String warehouse, String table) {
    return readIceberg(warehouse, table).stream().collect(java.util.stream.Collectors.groupingBy(
        r -> r.getAs("run_date").toString(), java.util.stream.Collectors.counting()));
  }

  public static org.apache.spark.sql.types.StructType readSchema(Path dir) {
    return withReader(spark -> spark.read().parquet(dir.toString()).schema());
  }

  /** Runs {@code read} in a local[1] session, or in the shared one while it runs. */
  public static <T> T withReader(java.util.function.Function<SparkSession, T> read) {
    SparkSession spark = SparkSession.builder().master("local[1]").appName("read-back")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
    try {
      return read.apply(spark);
    } finally {
      spark.stop();
    }
  }
}
