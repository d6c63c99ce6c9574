package io.synthgen.jobs.tabular;

import io.synthgen.jobs.family.SparkModelFamily.GenerateRequest;
import io.synthgen.jobs.io.AtomicOutput;
import io.synthgen.jobs.io.IcebergTables;
import io.synthgen.jobs.io.TableReader;
import io.synthgen.jobs.runtime.FaultInjection;
import io.synthgen.model.InvalidInputException;
import io.synthgen.tabular.ValueType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What the table families' generate stages share: the checks of a table request, the output
 * schema (the training columns with their input types), and the all-or-nothing write of the
 * generated rows as Parquet or CSV through an {@link AtomicOutput}.
 */
final class TableGeneration {
  private TableGeneration() {}

  /** Where the rows went and how long computing and writing them took. */
  record Written(String path, double seconds) {}

  /**
   * Training rows per class of the label column of {@code metadata}, in category order; a table
   * without a label is refused by name.
   */
  static java.util.LinkedHashMap<String, Long> classCounts(
      io.synthgen.tabular.transform.CategoricalColumns table, io.synthgen.tabular.TableMetadata metadata) {
    int label = table.categoricalIndexOf(metadata.label());
    if (label < 0) {
      throw new InvalidInputException("the model's table has no label column (metadata key "
          + "'label'): give an exact row count instead of a class ratio, or train with a label");
    }
    io.synthgen.tabular.transform.OneHotCategoryEncoder classes =
        table.categoriesOf(table.categoricalColumns()[label]);
    java.util.LinkedHashMap<String, Long> out = new java.util.LinkedHashMap<>();
    long[] counts = classes.counts();
    for (int k = 0; k < counts.length; k++) {
      out.put(String.valueOf(classes.decode(k)), counts[k]);
    }
    return out;
  }

  /**
   * A generation partition's rows as Spark rows, lazily, with the tests' fault injection (a
   * partition's task failing mid-write; jobs never set it).
   */
  static Iterator<Row> sparkRows(Iterator<Object[]> cells) {
    return FaultInjection.failingIfInjected(new Iterator<Row>() {
      @Override
      public boolean hasNext() {
        return cells.hasNext();
      }

      @Override
      public Row next() {
        return RowFactory.create(cells.next());
      }
    });
  }

  /** The output format of a table request ("parquet" by default); image-only options refused. */
  static String outputFormat(String family, GenerateRequest req) {
    if (req.classBalanced()) {
      throw new InvalidInputException("option '--class-balanced' is for image models; for "
          + family + " use --condition COLUMN=VALUE for one class");
    }
    if (req.preview() != null) {
      throw new InvalidInputException("option '--preview' draws image grids; " + family
          + " generates tables: drop --preview");
    }
    String format = req.format() == null ? "parquet" : req.format();
    if (!format.equals("parquet") && !format.equals("csv") && !format.equals("iceberg")) {
      throw new InvalidInputException("option '--output-format' has value '" + format
          + "': use parquet, csv or iceberg");
    }
    return format;
  }

  /** The output schema: every column nullable, with the Spark type of its input type. */
  static StructType schema(List<String> names, List<ValueType> types) {
    List<StructField> fields = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      fields.add(DataTypes.createStructField(names.get(i), TableReader.sparkType(types.get(i)),
          true));
    }
    return DataTypes.createStructType(fields);
  }

  /**
   * Computes {@code rows} once, writing them into the request's output directory: staged, then
   * renamed into place on success; an existing output is an error unless the request overwrites.
   * Format iceberg: into the run date's partition of the request's table, replaced in one
   * snapshot whose summary names the model and the seeds.
   */
  static Written write(SparkSession spark, GenerateRequest req, String format, JavaRDD<Row> rows,
      StructType schema, String model, long modelSeed) throws IOException {
    if (format.equals("iceberg")) {
      long t0 = System.nanoTime();
      java.util.Map<String, String> summary = new java.util.LinkedHashMap<>();
      summary.put("model", model);
      summary.put("model-seed", Long.toString(modelSeed));
      summary.put("seed", Long.toString(req.seed()));
      summary.put("rows", Long.toString(req.rows()));
      summary.put("partitions", Integer.toString(req.partitions()));
      if (req.conditionText() != null) {
        summary.put("condition", req.conditionText());
      }
      IcebergTables.Target target = new IcebergTables.Target(req.output(), req.table(),
          req.runDate());
      long snapshot = IcebergTables.replaceDate(spark, target, spark.createDataFrame(rows, schema),
          summary, "--table");
      return new Written(req.output() + "#" + req.table() + "/run_date=" + req.runDate()
          + " (snapshot " + snapshot + ")", (System.nanoTime() - t0) / 1e9);
    }
    try (AtomicOutput out = AtomicOutput.open(req.output(), req.overwrite(),
        spark.sparkContext().hadoopConfiguration())) {
      long t0 = System.nanoTime();
      Dataset<Row> df = spark.createDataFrame(rows, schema);
      if (format.equals("csv")) {
        df.write().option("header", "true").option("escape", "\"").csv(out.stagingPath());
      } else {
        df.write().parquet(out.stagingPath());
      }
      out.commit();
      return new Written(out.targetPath(), (System.nanoTime() - t0) / 1e9);
    }
  }
}
