package io.synthgen.jobs.io;

import static org.apache.spark.sql.functions.col;

import io.synthgen.model.InvalidInputException;
import io.synthgen.model.Seeds;
import io.synthgen.tabular.ColumnProfile;
import io.synthgen.tabular.TableMetadata;
import io.synthgen.tabular.TableStatistics;
import io.synthgen.tabular.ValueType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;

/**
 * Reads a training table (CSV with a header, or Parquet, from any Hadoop file system), decides
 * each column's role from the metadata or by inference, validates it, and profiles it in a single
 * pass ({@link TableStatistics}: counts, bounds, capped category counts and a bounded numeric
 * sample). The table itself is never collected to the driver.
 */
public final class TableReader {
  private TableReader() {}

  /** The validated table: a projection with numerics as double and categoricals as string. */
  public record LoadedTable(Dataset<Row> rows, List<ColumnProfile> profiles, TableMetadata metadata,
      long count) {}

  /** Detects the format from {@code format} ("csv", "parquet") or the path's extension. */
  static String format(String path, String format) {
    if (format != null) {
      String f = format.toLowerCase(Locale.ROOT);
      if (!f.equals("csv") && !f.equals("parquet")) {
        throw new InvalidInputException("option '--format' has value '" + format
            + "': use csv or parquet");
      }
      return f;
    }
    String p = path.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
    if (p.endsWith(".csv") || p.endsWith(".csv.gz")) {
      return "csv";
    }
    if (p.endsWith(".parquet") || p.endsWith(".pq")) {
      return "parquet";
    }
    throw new InvalidInputException("cannot tell the format of input '" + path
        + "' from its name: name it .csv or .parquet (or add --format csv|parquet)");
  }

  static Dataset<Row> read(SparkSession spark, String path, String format) {
    return read(spark, path, format, "--input");
  }

  /**
   * The format of a table from its name or, for a directory such as a job's output, from the
   * extension of the data files in it; null when neither tells.
   */
  public static String sniffFormat(SparkSession spark, String path) {
    String p = path.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
    if (p.endsWith(".csv") || p.endsWith(".csv.gz")) {
      return "csv";
    }
    if (p.endsWith(".parquet") || p.endsWith(".pq")) {
      return "parquet";
    }
    try {
      org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(path);
      org.apache.hadoop.fs.FileSystem fs =
          dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(dir) && fs.getFileStatus(dir).isDirectory()) {
        for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(dir)) {
          String n = f.getPath().getName().toLowerCase(Locale.ROOT);
          if (n.endsWith(".parquet")) {
            return "parquet";
          }
          if (n.endsWith(".csv") || n.endsWith(".csv.gz")) {
            return "csv";
          }
        }
      }
    } catch (java.io.IOException e) {
      return null;
    }
    return null;
  }

  /** Reads a CSV or Parquet table; {@code flag} names the option that gave {@code path}. */
  public static Dataset<Row> read(SparkSession spark, String path, String format, String flag) {
    String f = format(path, format);
    try {
      if (f.equals("csv")) {
        // RFC 4180 quoting: a quote inside a quoted field is doubled (Spark's default escape is
        // a backslash, which misreads such fields, header names included)
        return spark.read().option("header", "true").option("inferSchema", "false")
            .option("escape", "\"").option("mode", "FAILFAST").csv(path);
      }
      return spark.read().parquet(path);
    } catch (Exception e) {
      if (spark.sparkContext().isStopped()) {
        // not the input's fault: the application died first (e.g. a standalone master that
        // refused this client or never answered)
        throw new InvalidInputException("option '--master' has value '"
            + spark.sparkContext().master() + "': the Spark application stopped before it could "
            + "read '" + path + "'; check the URL, that the cluster runs, and, for an "
            + "authenticated cluster, that this client has its secret (scripts/cluster keeps it "
            + "in .cluster/secret)", e);
      }
      String msg = String.valueOf(e.getMessage());
      if (msg.contains("Path does not exist") || msg.contains("PATH_NOT_FOUND")) {
        throw new InvalidInputException("input '" + path + "' does not exist: check " + flag);
      }
      throw new InvalidInputException("input '" + path + "' cannot be read as " + f + ": " + msg, e);
    }
  }

  /**
   * Reads the metadata JSON at {@code path} (any Hadoop FS; label, positive class, column roles),
   * or returns null when no path is given: the column types are then inferred.
   */
  public static TableMetadata readMetadata(String path, Configuration conf) throws IOException {
    if (path == null) {
      return null;
    }
    Path p = new Path(path);
    FileSystem fs = p.getFileSystem(conf);
    if (!fs.exists(p)) {
      throw new InvalidInputException("metadata file '" + path + "' does not exist");
    }
    try (InputStream in = fs.open(p)) {
      return TableMetadata.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), path);
    }
  }

  /** Loads, validates and profiles the table. */
  public static LoadedTable load(SparkSession spark, String path, String format,
      TableMetadata metadata, String metadataSource, int sampleRows, int maxCategories, long seed)
      throws Exception {
    Dataset<Row> df = read(spark, path, format);
    Map<String, DataType> types = new LinkedHashMap<>();
    for (StructField f : df.schema().fields()) {
      types.put(f.name(), f.dataType());
    }
    if (types.isEmpty()) {
      throw new InvalidInputException("input '" + path + "' has no columns");
    }
    if (metadata != null) {
      List<String> declared = new ArrayList<>(metadata.categorical());
      declared.addAll(metadata.numeric());
      if (metadata.label() != null && !types.containsKey(metadata.label())) {
        throw new InvalidInputException("label column '" + metadata.label() + "' (from "
            + metadataSource + ") is not in input '" + path + "'; its columns: "
            + String.join(", ", types.keySet()));
      }
      for (String c : declared) {
        if (!types.containsKey(c)) {
          throw new InvalidInputException("column '" + c + "' listed in " + metadataSource
              + " is not in input '" + path + "'; its columns: " + String.join(", ",
              types.keySet()));
        }
      }
    }
    // One pass over the executors: counts, numeric validity and bounds, categories, sample.
    List<String> names = new ArrayList<>(types.keySet());
    int width = names.size();
    TableStatistics stats;
    try {
      stats = profile(df, width, maxCategories, sampleRows, seed);
    } catch (Exception e) { // Spark rethrows its checked SparkException undeclared
      String msg = String.valueOf(e.getMessage());
      if (msg.contains("Malformed") || msg.contains("MALFORMED")) {
        throw new InvalidInputException("input '" + path + "' has a malformed CSV record (wrong "
            + "number of fields or bad quoting): fix the file; Spark says: "
            + msg.lines().filter(l -> l.contains("alformed")).findFirst().orElse(msg), e);
      }
      throw e;
    }
    long rows = stats.rows();
    if (rows == 0) {
      throw new InvalidInputException("input '" + path + "' has no data rows: give a non-empty table");
    }
    List<ColumnProfile> profiles = new ArrayList<>();
    List<String> categorical = new ArrayList<>();
    List<String> numeric = new ArrayList<>();
    List<Column> projection = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      String n = names.get(i);
      DataType t = types.get(n);
      long nulls = stats.nulls(i);
      long badCount = stats.nonNumeric(i);
      boolean isNumeric;
      if (metadata != null && metadata.numeric().contains(n)) {
        isNumeric = true;
        if (badCount > 0) {
          throw new InvalidInputException("input '" + path + "': column '" + n
              + "' is listed as numeric in " + metadataSource + " but has non-numeric value '"
              + stats.firstNonNumeric(i) + "' (" + badCount + " such cells): fix the data or "
              + "list the column as categorical");
        }
      } else if (metadata != null && metadata.categorical().contains(n)) {
        isNumeric = false;
      } else {
        isNumeric = isNumericType(t) || (t.equals(DataTypes.StringType) && badCount == 0
            && nulls < rows);
      }
      if (isNumeric && nulls == rows) {
        throw new InvalidInputException("input '" + path + "': numeric column '" + n
            + "' has only nulls: drop it or list it as categorical");
      }
      if (isNumeric) {
        boolean integral = stats.integral(i);
        double lo = stats.min(i);
        double hi = stats.max(i);
        ValueType vt = valueType(t, integral, lo, hi);
        profiles.add(ColumnProfile.numeric(n, vt, rows, nulls, lo, hi, integral, stats.sample(i)));
        numeric.add(n);
        projection.add(col(quote(n)).cast("double").as(n));
      } else {
        Map<String, Long> counts = stats.categories(i);
        if (counts == null) {
          throw new InvalidInputException("input '" + path + "': categorical column '" + n
              + "' has more than " + maxCategories + " distinct values: drop it, list it as "
              + "numeric, or raise option 'transformer.max-categories'");
        }
        ValueType vt = t.equals(DataTypes.StringType) ? ValueType.STRING : valueType(t, true, 0, 0);
        profiles.add(ColumnProfile.categorical(n, vt, rows, nulls, new TreeMap<>(counts)));
        categorical.add(n);
        projection.add(col(quote(n)).cast("string").as(n));
      }
    }
    TableMetadata resolved = new TableMetadata(metadata == null ? null : metadata.label(),
        metadata == null ? null : metadata.positiveClass(), categorical, numeric);
    Dataset<Row> projected = df.select(projection.toArray(new Column[0]));
    return new LoadedTable(projected, profiles, resolved, rows);
  }

  private static TableStatistics profile(Dataset<Row> df, int width, int maxCategories,
      int sampleRows, long seed) {
    return df.javaRDD().mapPartitionsWithIndex((idx, it) -> {
      TableStatistics s = new TableStatistics(width, maxCategories, sampleRows,
          Seeds.derive(seed, idx));
      Object[] cells = new Object[width];
      while (it.hasNext()) {
        Row r = it.next();
        for (int i = 0; i < width; i++) {
          cells[i] = r.isNullAt(i) ? null : r.get(i);
        }
        s.add(cells);
      }
      return Collections.singletonList(s).iterator();
    }, false).treeReduce(TableStatistics::merge);
  }

  public static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  private static boolean isNumericType(DataType t) {
    return t.equals(DataTypes.IntegerType) || t.equals(DataTypes.LongType)
        || t.equals(DataTypes.DoubleType) || t.equals(DataTypes.FloatType)
        || t.equals(DataTypes.ShortType) || t.equals(DataTypes.ByteType) || t instanceof DecimalType;
  }

  private static ValueType valueType(DataType t, boolean integral, double lo, double hi) {
    if (t.equals(DataTypes.IntegerType) || t.equals(DataTypes.ShortType)
        || t.equals(DataTypes.ByteType)) {
      return ValueType.INT;
    }
    if (t.equals(DataTypes.LongType)) {
      return ValueType.LONG;
    }
    if (t.equals(DataTypes.FloatType)) {
      return ValueType.FLOAT;
    }
    if (t.equals(DataTypes.BooleanType)) {
      return ValueType.BOOLEAN;
    }
    if (t.equals(DataTypes.StringType)) {
      if (!integral) {
        return ValueType.DOUBLE;
      }
      return lo >= Integer.MIN_VALUE && hi <= Integer.MAX_VALUE ? ValueType.INT : ValueType.LONG;
    }
    return ValueType.DOUBLE;
  }

  /** Spark type for a value type, for generated output. */
  public static DataType sparkType(ValueType t) {
    switch (t) {
      case INT:
        return DataTypes.IntegerType;
      case LONG:
        return DataTypes.LongType;
      case FLOAT:
        return DataTypes.FloatType;
      case DOUBLE:
        return DataTypes.DoubleType;
      case BOOLEAN:
        return DataTypes.BooleanType;
      default:
        return DataTypes.StringType;
    }
  }
}
