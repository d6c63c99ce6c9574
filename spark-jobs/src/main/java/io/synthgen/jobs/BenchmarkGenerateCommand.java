package io.synthgen.jobs;

import io.synthgen.jobs.family.SparkModelFamily;
import io.synthgen.jobs.io.HadoopBundleStore;
import io.synthgen.jobs.job.ModelRegistry;
import io.synthgen.jobs.runtime.JobDescriptions;
import io.synthgen.jobs.runtime.SparkSessions;
import io.synthgen.jobs.runtime.TaskResources;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.bundle.ModelBundle;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code synth benchmark-generate}: generation throughput against the storage's own speed, in
 * one Spark session. Generates N rows from a bundle to Parquet (the generate job's path: the
 * model's forward pass, decoding, atomic commit), then has Spark write N random rows of the same
 * schema with the same number of partitions, and prints both rates, their ratio and the peak
 * resident memory of the executors (VmHWM of each executor JVM).
 */
@Command(name = "benchmark-generate", mixinStandardHelpOptions = true,
    description = "Benchmark: generate N rows to Parquet, then Spark's own Parquet write of N "
        + "random rows of the same schema and partitions; prints rows/s, ratio, peak memory.")
final class BenchmarkGenerateCommand extends SynthRunner.Common implements Callable<Integer> {
  @Option(names = "--model-dir", paramLabel = "DIR", required = true,
      description = "model bundle directory written by train") String modelDir;
  @Option(names = "--rows", paramLabel = "N", required = true,
      description = "rows to generate and to write raw") long rows;
  @Option(names = "--partitions", paramLabel = "P",
      description = "partitions of both writes (default: the cluster's default parallelism)")
  Integer partitions;
  @Option(names = "--output", paramLabel = "DIR", required = true,
      description = "scratch directory (must not exist; removed at the end)") String output;

  @Override
  public Integer call() throws Exception {
    SparkSession spark = SparkSessions.open("benchmark-generate", master);
    org.apache.hadoop.fs.Path scratch = new org.apache.hadoop.fs.Path(output);
    FileSystem fs = scratch.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (fs.exists(scratch)) {
      spark.stop();
      throw new InvalidInputException("option '--output' has value '" + output
          + "': it exists; give a scratch directory that does not (it is removed at the end)");
    }
    try {
      ModelBundle bundle = ModelBundle.read(new HadoopBundleStore(modelDir,
          spark.sparkContext().hadoopConfiguration()));
      SparkModelFamily family = ModelRegistry.get(bundle.model(), "model bundle " + modelDir);
      int p = partitions != null ? partitions : spark.sparkContext().defaultParallelism();
      String generated = output + "/generated";
      SparkModelFamily.GenerateSummary sum;
      try (JobDescriptions.Scope d = JobDescriptions.describe(spark, "benchmark-generate "
          + family.name() + ": generate " + rows + " rows")) {
        sum = family.generate(spark, bundle, new SparkModelFamily.GenerateRequest(rows, p, null,
            null, bundle.seed(), generated, "parquet", false, false, null, null, null));
      }
      long t0;
      double rawSeconds;
      Dataset<Row> schemaSource;
      try (JobDescriptions.Scope d = JobDescriptions.describe(spark,
          "benchmark-generate: raw Parquet write of " + rows + " rows")) {
        schemaSource = spark.read().parquet(generated);
        t0 = System.nanoTime();
        randomRows(spark, schemaSource, rows, p, bundle.seed()).write()
            .parquet(output + "/raw");
        rawSeconds = (System.nanoTime() - t0) / 1e9;
      }
      long peak = TaskResources.peakExecutorRssBytes(spark);
      double genRate = rows / sum.seconds();
      double rawRate = rows / rawSeconds;
      System.out.printf(Locale.ROOT, "generate: %d rows, %d columns, %d partitions in %.2f s "
              + "(%.0f rows/s)%nraw Spark Parquet write, same schema and partitions: %.2f s "
              + "(%.0f rows/s)%nratio generate / raw: %.2f%npeak executor RSS: %.0f MB%n",
          rows, schemaSource.schema().size(), p, sum.seconds(), genRate, rawSeconds, rawRate,
          genRate / rawRate, peak / 1e6);
      return 0;
    } finally {
      fs.delete(scratch, true);
      spark.stop();
    }
  }

  /**
   * {@code n} rows of uniform noise in {@code p} partitions with the schema of {@code like}:
   * numbers in [0, 1000), strings from 20 short values, booleans at 1/2; no nulls.
   */
  static Dataset<Row> randomRows(SparkSession spark, Dataset<Row> like, long n, int p,
      long seed) {
    List<Column> cols = new ArrayList<>();
    int i = 0;
    for (StructField f : like.schema().fields()) {
      Column u = functions.rand(seed + i++);
      DataType t = f.dataType();
      Column c;
      if (t.equals(DataTypes.StringType)) {
        c = functions.concat(functions.lit("v"),
            functions.floor(u.multiply(20)).cast(DataTypes.StringType));
      } else if (t.equals(DataTypes.BooleanType)) {
        c = u.lt(0.5);
      } else {
        c = u.multiply(1000).cast(t);
      }
      cols.add(c.as(f.name()));
    }
    return spark.range(0, n, 1, p).select(cols.toArray(new Column[0]));
  }
}
