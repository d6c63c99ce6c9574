package io.synthgen.jobs.io;

import io.synthgen.model.InvalidInputException;
import java.io.Serializable;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.spark.sql.DataFrameWriterV2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Generated rows published to an Apache Iceberg table of a Hadoop catalog: the warehouse is a
 * directory on any Hadoop file system ({@code file:}, {@code hdfs:}, ...), no metastore. The
 * table is partitioned by {@value #DATE_COLUMN}; a write replaces one run date's partition in a
 * single snapshot (readers see the old rows of that date or the new ones, never a mix), and the
 * snapshot summary carries the model, seed and row count ({@code synth.*} keys).
 *
 * <p>Iceberg's Spark runtime is provided, like Spark: {@code scripts/synth} has it; on a cluster
 * add {@code --packages }{@value #RUNTIME}.
 */
public final class IcebergTables {
  /** The Maven coordinates of the runtime this build is tested with. */
  public static final String RUNTIME = "org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.10.1";
  /** The partition column added to every row. */
  public static final String DATE_COLUMN = "run_date";
  /** The Spark catalog name under which the warehouse is registered. */
  static final String CATALOG = "synth_iceberg";
  private static final Pattern IDENTIFIER =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+");

  private IcebergTables() {}

  /**
   * Where rows go: a Hadoop-catalog warehouse, a table {@code NAMESPACE.TABLE} in it, and the
   * run date whose partition the write replaces.
   */
  public record Target(String warehouse, String table, LocalDate runDate) implements Serializable {
    /**
     * Checks the options that name a target.
     *
     * @param tableOption the option that gave {@code table}, named in errors
     * @param runDate YYYY-MM-DD, or null for today (UTC)
     */
    public static Target of(String warehouse, String table, String tableOption, String runDate,
        String dateOption) {
      if (table == null || !IDENTIFIER.matcher(table).matches()) {
        throw new InvalidInputException("option '" + tableOption + "' has value '" + table
            + "': give NAMESPACE.TABLE (letters, digits and _), such as fraud.synthetic_rows");
      }
      LocalDate date;
      try {
        date = runDate == null ? LocalDate.now(java.time.ZoneOffset.UTC) : LocalDate.parse(runDate);
      } catch (DateTimeParseException e) {
        throw new InvalidInputException("option '" + dateOption + "' has value '" + runDate
            + "', which is not a date: give YYYY-MM-DD, such as 2026-12-01");
      }
      return new Target(warehouse, table, date);
    }
  }

  /** Refuses Iceberg output, by name, when the runtime is not on the classpath. */
  public static void requireRuntime(String option) {
    try {
      Class.forName("org.apache.iceberg.spark.SparkCatalog");
    } catch (ClassNotFoundException e) {
      throw new InvalidInputException("option '" + option + "' asks for an Iceberg table, but "
          + "Iceberg's Spark runtime is not on the classpath: add spark-submit --packages "
          + RUNTIME + " (scripts/synth has it)");
    }
  }

  /**
   * Replaces the target's run-date partition with {@code rows} (the table is created,
   * partitioned by {@value #DATE_COLUMN}, on first use) in one snapshot whose summary holds
   * {@code summary} (keys prefixed {@code synth.}). Returns the id of that snapshot.
   */
  public static long replaceDate(SparkSession spark, Target target, Dataset<Row> rows,
      Map<String, String> summary, String option) {
    requireRuntime(option);
    String prefix = "spark.sql.catalog." + CATALOG;
    spark.conf().set(prefix, "org.apache.iceberg.spark.SparkCatalog");
    spark.conf().set(prefix + ".type", "hadoop");
    spark.conf().set(prefix + ".warehouse", target.warehouse());
    String name = CATALOG + "." + target.table();
    Dataset<Row> dated = rows.withColumn(DATE_COLUMN,
        functions.lit(java.sql.Date.valueOf(target.runDate())));
    StructType existing = schemaOf(spark, name);
    if (existing == null) {
      try {
        dated.limit(0).writeTo(name).partitionedBy(functions.col(DATE_COLUMN)).create();
      } catch (org.apache.spark.sql.catalyst.analysis.TableAlreadyExistsException e) {
        existing = schemaOf(spark, name); // another run created it meanwhile
      }
    }
    if (existing != null && !sameColumns(existing, dated.schema())) {
      throw new InvalidInputException("Iceberg table '" + target.table() + "' in warehouse '"
          + target.warehouse() + "' has columns " + describe(existing) + ", but the rows have "
          + describe(dated.schema()) + ": write to another " + option + ", or drop the table");
    }
    DataFrameWriterV2<Row> w = dated.writeTo(name);
    w.option("snapshot-property.synth.run-date", target.runDate().toString());
    for (Map.Entry<String, String> e : summary.entrySet()) {
      w.option("snapshot-property.synth." + e.getKey(), e.getValue());
    }
    try {
      w.overwritePartitions();
    } catch (Exception e) {
      throw new IllegalStateException("cannot write the " + target.runDate() + " partition of "
          + "Iceberg table '" + target.table() + "' in '" + target.warehouse() + "': " + e, e);
    }
    return spark.sql("SELECT snapshot_id FROM " + name + ".snapshots ORDER BY committed_at DESC "
        + "LIMIT 1").first().getLong(0);
  }

  private static StructType schemaOf(SparkSession spark, String name) {
    try {
      return spark.table(name).schema();
    } catch (Exception e) {
      if (String.valueOf(e.getMessage()).contains("TABLE_OR_VIEW_NOT_FOUND")
          || e.getClass().getSimpleName().contains("NoSuchTable")) {
        return null;
      }
      throw e;
    }
  }

  private static boolean sameColumns(StructType a, StructType b) {
    return describe(a).equals(describe(b));
  }

  private static List<String> describe(StructType s) {
    List<String> out = new ArrayList<>();
    for (StructField f : s.fields()) {
      out.add(f.name() + " " + f.dataType().simpleString());
    }
    return out;
  }
}
