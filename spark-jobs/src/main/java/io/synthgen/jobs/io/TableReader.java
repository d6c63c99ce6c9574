package io.synthgen.jobs.io;

import static org.apache.spark.sql.functions.col;

import io.synthgen.model.InvalidInputException;
import io.synthgen.model.Seeds;
import io.synthgen.tabular.TableMetadata;
import io.synthgen.tabular.ValueType;
import io.synthgen.tabular.profile.ColumnProfile;
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
 * Reads a training table (CSV with a header, or Parquet, from any Hadoop file system), decides
 * each column's role from the metadata or by inference, validates it, and profiles it in a single
 * pass ({@link TableStatistics}: counts, bounds, capped category counts and a bounded numeric
 * sample). The table itself is never collected to the driver.
 */
public final class TableReader {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TableReader.class);

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
        throw notUtf8(path, "its header", c);
      }
    }
  }

  private static InvalidInputException notUtf8(String path, String where, String value) {
    return new InvalidInputException("input '" + path + "' is not UTF-8: " + where + " has '"
        + value + "' (\uFFFD marks bytes that are not UTF-8): save the file as UTF-8 (e.g. "
        + "iconv -f latin1 -t utf-8)");
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
            + malformedDetail(msg), e);
      }
      throw e;
    }
    long rows = stats.rows();
    if (rows == 0) {
      throw new InvalidInputException("input '" + path + "' has no data rows: give a non-empty table");
    }
    List<ColumnProfile> profiles = new ArrayList<>();
    List<String> excluded = new ArrayList<>();
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
      if (nulls == rows) {
        throw new InvalidInputException("input '" + path + "': column '" + n + "' is empty in "
            + "all " + rows + " rows: drop it from the table"
            + (metadata != null && metadata.declares(n) ? " and from " + metadataSource : ""));
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
        boolean declared = metadata != null && metadata.declares(n);
        if (!declared && looksLikeIdentifier(counts, rows - nulls)) {
          LOG.warn("input '{}': column '{}' looks like an identifier ({} distinct values in {} "
              + "rows): left out of the model, and generated rows will not have it; list it "
              + "in the metadata's categorical columns to model it anyway", path, n,
              counts == null ? "more than " + maxCategories : counts.size(), rows - nulls);
          excluded.add(n);
          continue;
        }
        if (counts != null) {
          for (String v : counts.keySet()) {
            if (v != null && v.indexOf('\uFFFD') >= 0) {
              throw notUtf8(path, "column '" + n + "'", v);
            }
          }
        }
        if (counts != null && n.equals(metadata == null ? null : metadata.label())) {
          checkLabel(counts, n, metadata, metadataSource, path);
        }
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
    if (profiles.isEmpty()) {
      throw new InvalidInputException("input '" + path + "': no column is left to model ("
          + "left out as identifiers: " + excluded + "): give a table with numeric or "
          + "categorical columns");
    }
    TableMetadata resolved = new TableMetadata(metadata == null ? null : metadata.label(),
        metadata == null ? null : metadata.positiveClass(), categorical, numeric);
    Dataset<Row> projected = df.select(projection.toArray(new Column[0]));
    return new LoadedTable(projected, profiles, resolved, rows);
  }

  /** A label needs two classes, one of them the metadata's positive class when it names one. */
  private static void checkLabel(Map<String, Long> counts, String label, TableMetadata metadata,
      String metadataSource, String path) {
    if (counts.size() < 2) {
      throw new InvalidInputException("input '" + path + "': label column '" + label
          + "' (from " + metadataSource + ") has a single class " + counts.keySet()
          + ": a model of one class cannot generate or rebalance the others; give rows of "
          + "every class");
    }
    if (metadata.positiveClass() != null && !counts.containsKey(metadata.positiveClass())) {
      throw new InvalidInputException("input '" + path + "': positive_class '"
          + metadata.positiveClass() + "' (from " + metadataSource + ") is not a value of "
          + "label column '" + label + "', whose values are " + counts.keySet() + ": fix "
          + "positive_class");
    }
  }

  /** Spark's words about a malformed CSV record, without the stage and task preamble. */
  static String malformedDetail(String sparkMessage) {
    int at = sparkMessage.indexOf("Malformed records");
    String tail = at >= 0 ? sparkMessage.substring(at) : sparkMessage;
    return tail.lines().findFirst().orElse(tail);
  }

  /** Share of distinct values among a column's values above which it is taken for an ID. */
  static final double IDENTIFIER_DISTINCT_SHARE = 0.95;
  /** Fewest values for that share to mean anything. */
  static final long IDENTIFIER_MIN_VALUES = 20;

  /**
   * A categorical column with (nearly) one distinct value per row, or more distinct values than
   * the category cap ({@code counts} null): an identifier or free text, not a category.
   */
  static boolean looksLikeIdentifier(Map<String, Long> counts, long values) {
    return counts == null || (values >= IDENTIFIER_MIN_VALUES
        && counts.size() >= IDENTIFIER_DISTINCT_SHARE * values);
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
