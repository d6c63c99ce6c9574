package io.synthgen.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.synthgen.model.InvalidInputException;
import io.synthgen.tabular.ColumnProfile;
import io.synthgen.tabular.TableMetadata;
import io.synthgen.tabular.ValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * each column's role from the metadata or by inference, validates it, and profiles it in one
 * aggregation pass plus per-column category counts and a bounded numeric sample. The table itself
 * is never collected to the driver.
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
        + "' from its name: add --format csv or --format parquet");
  }

  static Dataset<Row> read(SparkSession spark, String path, String format) {
    String f = format(path, format);
    try {
      if (f.equals("csv")) {
        return spark.read().option("header", "true").option("inferSchema", "false")
            .option("mode", "FAILFAST").csv(path);
      }
      return spark.read().parquet(path);
    } catch (Exception e) {
      String msg = String.valueOf(e.getMessage());
      if (msg.contains("Path does not exist") || msg.contains("PATH_NOT_FOUND")) {
        throw new InvalidInputException("input '" + path + "' does not exist: check --input");
      }
      throw new InvalidInputException("input '" + path + "' cannot be read as " + f + ": " + msg, e);
    }
  }

  /** Loads, validates and profiles the table. */
  public static LoadedTable load(SparkSession spark, String path, String format,
      TableMetadata metadata, String metadataSource, int sampleRows, int maxCategories, long seed) {
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
    // One pass: row count, null counts, numeric validity, bounds and integrality.
    List<String> names = new ArrayList<>(types.keySet());
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)).as("__rows"));
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      Column c = col(quote(n));
      Column d = c.cast("double");
      Column bad = c.isNotNull().and(d.isNull());
      aggs.add(sum(when(c.isNull(), 1).otherwise(0)).as("n" + i));
      aggs.add(sum(when(bad, 1).otherwise(0)).as("b" + i));
      aggs.add(first(when(bad, c.cast("string")), true).as("f" + i));
      aggs.add(min(d).as("lo" + i));
      aggs.add(max(d).as("hi" + i));
      aggs.add(sum(when(d.isNotNull().and(d.notEqual(floor(d))), 1).otherwise(0)).as("x" + i));
    }
    Row stats = df.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
    long rows = stats.getLong(0);
    if (rows == 0) {
      throw new InvalidInputException("input '" + path + "' has no data rows: give a non-empty table");
    }
    List<ColumnProfile> profiles = new ArrayList<>();
    List<String> categorical = new ArrayList<>();
    List<String> numeric = new ArrayList<>();
    List<Column> projection = new ArrayList<>();
    List<Integer> numericIdx = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      DataType t = types.get(n);
      int base = 1 + 6 * i;
      long nulls = stats.getLong(base);
      long badCount = stats.getLong(base + 1);
      String firstBad = stats.isNullAt(base + 2) ? null : stats.getString(base + 2);
      boolean isNumeric;
      if (metadata != null && metadata.numeric().contains(n)) {
        isNumeric = true;
        if (badCount > 0) {
          throw new InvalidInputException("input '" + path + "': column '" + n
              + "' is listed as numeric in " + metadataSource + " but has non-numeric value '"
              + firstBad + "' (" + badCount + " such cells): fix the data or list the column as "
              + "categorical");
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
        boolean integral = stats.getLong(base + 5) == 0;
        double lo = stats.getDouble(base + 3);
        double hi = stats.getDouble(base + 4);
        ValueType vt = valueType(t, integral, lo, hi);
        profiles.add(ColumnProfile.numeric(n, vt, rows, nulls, lo, hi, integral, null));
        numeric.add(n);
        numericIdx.add(i);
        projection.add(col(quote(n)).cast("double").as(n));
      } else {
        ValueType vt = t.equals(DataTypes.StringType) ? ValueType.STRING : valueType(t, true, 0, 0);
        profiles.add(ColumnProfile.categorical(n, vt, rows, nulls, Map.of()));
        categorical.add(n);
        projection.add(col(quote(n)).cast("string").as(n));
      }
    }
    TableMetadata resolved = new TableMetadata(metadata == null ? null : metadata.label(),
        metadata == null ? null : metadata.positiveClass(), categorical, numeric);
    Dataset<Row> projected = df.select(projection.toArray(new Column[0]));
    // Exact category counts.
    for (int i = 0; i < profiles.size(); i++) {
      ColumnProfile p = profiles.get(i);
      if (!p.categorical()) {
        continue;
      }
      List<Row> counts = projected.groupBy(col(quote(p.name()))).count()
          .limit(maxCategories + 2).collectAsList();
      Map<String, Long> map = new LinkedHashMap<>();
      for (Row r : counts) {
        if (!r.isNullAt(0)) {
          map.put(r.getString(0), r.getLong(1));
        }
      }
      if (map.size() > maxCategories) {
        throw new InvalidInputException("input '" + path + "': categorical column '" + p.name()
            + "' has more than " + maxCategories + " distinct values: drop it, list it as numeric,"
            + " or raise option 'transformer.max-categories'");
      }
      profiles.set(i, ColumnProfile.categorical(p.name(), p.valueType(), rows, p.nullCount(), map));
    }
    // Bounded numeric sample (only numeric columns travel to the driver).
    if (!numeric.isEmpty()) {
      double fraction = Math.min(1.0, 1.2 * sampleRows / rows);
      Column[] cols = numeric.stream().map(n -> col(quote(n))).toArray(Column[]::new);
      Dataset<Row> sample = projected.select(cols);
      if (fraction < 1.0) {
        sample = sample.sample(false, fraction, seed);
      }
      List<Row> sampled = sample.limit(sampleRows).collectAsList();
      int j = 0;
      for (int i = 0; i < profiles.size(); i++) {
        ColumnProfile p = profiles.get(i);
        if (p.categorical()) {
          continue;
        }
        final int k = j++;
        double[] values = sampled.stream().filter(r -> !r.isNullAt(k))
            .mapToDouble(r -> r.getDouble(k)).toArray();
        profiles.set(i, ColumnProfile.numeric(p.name(), p.valueType(), rows, p.nullCount(),
            p.min(), p.max(), p.integral(), values));
      }
    }
    return new LoadedTable(projected, profiles, resolved, rows);
  }

  static String quote(String name) {
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
  static DataType sparkType(ValueType t) {
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
