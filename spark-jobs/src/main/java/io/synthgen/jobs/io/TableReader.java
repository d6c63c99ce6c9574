package io.synthgen.jobs.io;

import static org.apache.spark.sql.functions.col;

import io.synthgen.model.InvalidInputException;
import io.synthgen.model.Seeds;
import io.synthgen.tabular.TableMetadata;
import io.synthgen.tabular.ValueType;
import io.synthgen.tabular.profile.ColumnProfile;
import io.synthgen.tabular.profile.ColumnRoles;
import io.synthgen.tabular.profile.TableStatistics;
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
 * Reads a training table (CSV with a header, or Parquet, from any Hadoop file system): detects
 * its format, refuses what Spark cannot read or a model cannot learn, and profiles it in a single
 * pass over the executors ({@link TableStatistics}: counts, bounds, capped category counts and a
 * bounded numeric sample); which columns are numeric, categorical or left out is
 * {@link ColumnRoles}' policy. The table itself is never collected to the driver.
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
        Dataset<Row> csv = spark.read().option("header", "true").option("inferSchema", "false")
            .option("escape", "\"").option("mode", "FAILFAST").csv(path);
        checkCsvHeader(csv.columns(), path);
        return csv;
      }
      return spark.read().parquet(path);
    } catch (InvalidInputException e) {
      throw e;
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
      if (msg.contains("No FileSystem for scheme")) {
        throw new InvalidInputException("input '" + path + "' (" + flag + ") is on a file "
            + "system this job has no client for (" + msg + "): use a file:, hdfs: or other "
            + "configured path, or add that file system's Hadoop connector to the job's jars");
      }
      if (msg.contains("Path does not exist") || msg.contains("PATH_NOT_FOUND")) {
        throw new InvalidInputException("input '" + path + "' does not exist: check " + flag);
      }
      throw new InvalidInputException("input '" + path + "' cannot be read as " + f + ": " + msg, e);
    }
  }

  /**
   * Refuses a CSV header that Spark would read without complaint but wrongly: one column whose
   * name holds another delimiter, names repeated (Spark renames them to name + position), names
   * with bytes that are not UTF-8.
   */
  static void checkCsvHeader(String[] columns, String path) {
    if (columns.length == 1) {
      for (String d : new String[] {";", "\t", "|"}) {
        if (columns[0].contains(d)) {
          throw new InvalidInputException("input '" + path + "' has a single column named '"
              + columns[0] + "': it looks " + ("\t".equals(d) ? "tab" : "'" + d + "'")
              + "-separated, and tables are read as comma-separated CSV (RFC 4180): convert it "
              + "to commas, or to Parquet");
        }
      }
    }
    Map<String, List<Integer>> renamed = new LinkedHashMap<>();
    for (int i = 0; i < columns.length; i++) {
      String suffix = Integer.toString(i);
      if (columns[i].endsWith(suffix) && columns[i].length() > suffix.length()) {
        renamed.computeIfAbsent(columns[i].substring(0, columns[i].length() - suffix.length())
            .toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(i + 1);
      }
    }
    for (Map.Entry<String, List<Integer>> e : renamed.entrySet()) {
      if (e.getValue().size() > 1) {
        throw new InvalidInputException("input '" + path + "' names column '" + e.getKey()
            + "' more than once (columns " + e.getValue() + " of the header): give every "
            + "column its own name");
      }
    }
    for (String c : columns) {
      if (c.indexOf('\uFFFD') >= 0) {
        throw ColumnRoles.notUtf8(path, "its header", c);
      }
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
    for (Map.Entry<String, DataType> t : types.entrySet()) {
      if (!isNumericType(t.getValue()) && !t.getValue().equals(DataTypes.StringType)
          && !t.getValue().equals(DataTypes.BooleanType)
          && !t.getValue().equals(DataTypes.DateType)
          && !t.getValue().equals(DataTypes.TimestampType)) {
        throw new InvalidInputException("input '" + path + "': column '" + t.getKey()
            + "' has type " + t.getValue().simpleString() + ", which a table model cannot "
            + "learn (numbers, strings, booleans, dates): drop it, or flatten it into columns "
            + "of those types");
      }
    }
    ColumnRoles.checkDeclared(metadata, metadataSource, new ArrayList<>(types.keySet()), path);
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
            + malformedDetail(msg), e);
      }
      throw e;
    }
    List<ColumnRoles.SourceType> sourceTypes = new ArrayList<>();
    names.forEach(n -> sourceTypes.add(sourceType(types.get(n))));
    ColumnRoles.Roles roles = ColumnRoles.decide(names, sourceTypes, stats, metadata,
        metadataSource, path, maxCategories);
    List<Column> projection = new ArrayList<>();
    for (ColumnProfile p : roles.profiles()) {
      projection.add(col(quote(p.name())).cast(p.categorical() ? "string" : "double")
          .as(p.name()));
    }
    Dataset<Row> projected = df.select(projection.toArray(new Column[0]));
    return new LoadedTable(projected, roles.profiles(), roles.metadata(), stats.rows());
  }

  /** Spark's words about a malformed CSV record, without the stage and task preamble. */
  static String malformedDetail(String sparkMessage) {
    int at = sparkMessage.indexOf("Malformed records");
    String tail = at >= 0 ? sparkMessage.substring(at) : sparkMessage;
    return tail.lines().findFirst().orElse(tail);
  }

  /**
   * The profiles of the rows of each category of column {@code label} (rows with a null label
   * left out), from one more pass over the executors: numeric columns get the category's counts,
   * nulls and a bounded sample of {@code sampleRows} values (seeded from {@code seed} per
   * partition, as {@link #load}'s); categorical ones keep the whole table's profile. Empty when
   * the table has no categorical column {@code label}.
   */
  public static Map<String, List<ColumnProfile>> profilesByCategory(LoadedTable table,
      String label, int sampleRows, long seed) {
    List<ColumnProfile> whole = table.profiles();
    int labelIndex = -1;
    for (int i = 0; i < whole.size(); i++) {
      if (whole.get(i).name().equals(label) && whole.get(i).categorical()) {
        labelIndex = i;
      }
    }
    Map<String, List<ColumnProfile>> out = new TreeMap<>();
    if (labelIndex < 0) {
      return out;
    }
    int width = whole.size();
    int li = labelIndex;
    Map<String, TableStatistics> stats = table.rows().javaRDD()
        .mapPartitionsWithIndex((idx, it) -> {
          Map<String, TableStatistics> m = new java.util.HashMap<>();
          Object[] cells = new Object[width];
          while (it.hasNext()) {
            Row r = it.next();
            if (r.isNullAt(li)) {
              continue;
            }
            for (int i = 0; i < width; i++) {
              cells[i] = r.isNullAt(i) ? null : r.get(i);
            }
            m.computeIfAbsent(String.valueOf(cells[li]), k -> new TableStatistics(width, 1,
                sampleRows, Seeds.derive(seed, idx, k.hashCode()))).add(cells);
          }
          return Collections.singletonList(m).iterator();
        }, false).treeReduce((a, b) -> {
          b.forEach((k, v) -> a.merge(k, v, TableStatistics::merge));
          return a;
        });
    stats.forEach((k, st) -> {
      List<ColumnProfile> profiles = new ArrayList<>();
      for (int i = 0; i < width; i++) {
        ColumnProfile p = whole.get(i);
        profiles.add(p.categorical() ? p : ColumnProfile.numeric(p.name(), p.valueType(),
            st.rows(), st.nulls(i), p.min(), p.max(), p.integral(), st.sample(i)));
      }
      out.put(k, profiles);
    });
    return out;
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

  /** The role policy's view of a Spark column type. */
  private static ColumnRoles.SourceType sourceType(DataType t) {
    if (t.equals(DataTypes.IntegerType) || t.equals(DataTypes.ShortType)
        || t.equals(DataTypes.ByteType)) {
      return ColumnRoles.SourceType.INT;
    }
    if (t.equals(DataTypes.LongType)) {
      return ColumnRoles.SourceType.LONG;
    }
    if (t.equals(DataTypes.FloatType)) {
      return ColumnRoles.SourceType.FLOAT;
    }
    if (t.equals(DataTypes.DoubleType)) {
      return ColumnRoles.SourceType.DOUBLE;
    }
    if (t instanceof DecimalType) {
      return ColumnRoles.SourceType.DECIMAL;
    }
    if (t.equals(DataTypes.BooleanType)) {
      return ColumnRoles.SourceType.BOOLEAN;
    }
    if (t.equals(DataTypes.DateType)) {
      return ColumnRoles.SourceType.DATE;
    }
    if (t.equals(DataTypes.TimestampType)) {
      return ColumnRoles.SourceType.TIMESTAMP;
    }
    return ColumnRoles.SourceType.STRING;
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
