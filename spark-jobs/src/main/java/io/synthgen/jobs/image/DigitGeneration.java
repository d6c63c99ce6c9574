package io.synthgen.jobs.image;

import io.synthgen.image.DcganConfig;
import io.synthgen.image.DcganTrainer;
import io.synthgen.image.DigitImages;
import io.synthgen.image.DigitSampler;
import io.synthgen.image.ImageGrid;
import io.synthgen.image.PngCodec;
import io.synthgen.jobs.family.SparkModelFamily.GenerateRequest;
import io.synthgen.jobs.family.SparkModelFamily.GenerateSummary;
import io.synthgen.jobs.io.AtomicOutput;
import io.synthgen.jobs.runtime.TaskResources;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.bundle.ModelBundle;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generate stage of {@code digit-dcgan}: images fanned out over partitions, each image a
 * function of (seed, index) alone, written to Parquet (PNG bytes, label, seed, index) or to a
 * folder of PNG files, committed atomically; optionally a preview grid.
 */
final class DigitGeneration {
  private static final Logger LOG = LoggerFactory.getLogger(DigitDcganFamily.class);

  private DigitGeneration() {}

  /** What each generation partition needs; shipped once per job as a broadcast. */
  record GeneratorPayload(DcganConfig config, float[] weights, DigitLabelPlan labels, long seed,
      long rows, int partitions) implements Serializable {
    long first(int partition) {
      return rows * partition / partitions;
    }
  }

  static StructType schema() {
    return DataTypes.createStructType(List.of(
        DataTypes.createStructField("image", DataTypes.BinaryType, false),
        DataTypes.createStructField(DigitDcganFamily.LABEL_COLUMN, DataTypes.IntegerType, true),
        DataTypes.createStructField("seed", DataTypes.LongType, false),
        DataTypes.createStructField("index", DataTypes.LongType, false)));
  }

  /** Generates the request's images from {@code bundle} into its output, all or nothing. */
  static GenerateSummary generate(SparkSession spark, ModelBundle bundle, GenerateRequest req)
      throws Exception {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    DcganConfig config = DcganConfig.from(
        bundle.modelOptions(DcganConfig.SPECS));
    String condition = req.singleCondition(DigitDcganFamily.NAME);
    DigitLabelPlan labels = DigitLabelPlan.of(config, bundle, condition, req.classBalanced());
    String format = req.format() == null ? "parquet" : req.format();
    if (!format.equals("parquet") && !format.equals("png")) {
      throw new InvalidInputException("option '--output-format' has value '" + format
          + "': digit images are written as parquet or png");
    }
    LOG.info("generate {}: rows={} partitions={} seed={} condition={} balanced={} output={}",
        DigitDcganFamily.NAME, req.rows(), req.partitions(), req.seed(), condition,
        req.classBalanced(), req.output());
    GeneratorPayload p = new GeneratorPayload(config,
        DcganTrainer.samplingWeights(bundle.tensors()), labels, req.seed(), req.rows(),
        req.partitions());
    long t0 = System.nanoTime();
    try (AtomicOutput out = AtomicOutput.open(req.output(), req.overwrite(), hadoop)) {
      Broadcast<GeneratorPayload> payload = sc.broadcast(p);
      List<Integer> ids = IntStream.range(0, req.partitions()).boxed().toList();
      JavaRDD<Integer> parts = sc.parallelize(ids, req.partitions());
      if (format.equals("png")) {
        String staging = out.stagingPath();
        parts.foreachPartition(it -> writePngs(payload.value(), it, staging));
        if (labels.conditional()) {
          writeLabels(p, new Path(staging, "labels.txt"), hadoop);
        }
      } else {
        spark.createDataFrame(parts.mapPartitions(new GeneratePartition(payload)), schema())
            .write().parquet(out.stagingPath());
      }
      out.commit();
      payload.destroy();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (req.preview() != null) {
      int n = (int) Math.min(100, req.rows());
      DigitSampler sampler = new DigitSampler(config, p.weights());
      byte[] png = ImageGrid.render(sampler.sample(p.seed(), 0, n, labels.labels(p.seed(), 0, n)),
          (n + 9) / 10, 10);
      Path preview = new Path(req.preview());
      try (OutputStream o = preview.getFileSystem(hadoop).create(preview, true)) {
        o.write(png);
      }
      LOG.info("preview of the first {} images written to {}", n, preview);
    }
    return new GenerateSummary(req.rows(), req.partitions(), seconds, req.output(), 0, 0);
  }

  private static void writePngs(GeneratorPayload p, Iterator<Integer> ids, String dir)
      throws IOException {
    TaskResources.bindNativeThreads();
    DigitSampler sampler = new DigitSampler(p.config(), p.weights());
    Path base = new Path(dir);
    FileSystem fs = base.getFileSystem(new Configuration());
    fs.setWriteChecksum(false);
    while (ids.hasNext()) {
      int id = ids.next();
      for (long i = p.first(id); i < p.first(id + 1); i += DigitSampler.CHUNK) {
        int n = (int) Math.min(DigitSampler.CHUNK, p.first(id + 1) - i);
        DigitImages img = sampler.sample(p.seed(), i, n, p.labels().labels(p.seed(), i, n));
        for (int j = 0; j < n; j++) {
          try (OutputStream o = fs.create(new Path(base,
              String.format(Locale.ROOT, "%09d.png", i + j)), false)) {
            o.write(PngCodec.encodeDigit(img.pixels(), j));
          }
        }
      }
    }
  }

  private static void writeLabels(GeneratorPayload p, Path file, Configuration conf)
      throws IOException {
    FileSystem fs = file.getFileSystem(conf);
    fs.setWriteChecksum(false);
    try (Writer w = new java.io.OutputStreamWriter(fs.create(file, false),
        StandardCharsets.UTF_8)) {
      for (long i = 0; i < p.rows(); i++) {
        w.write(Integer.toString(p.labels().labelOf(p.seed(), i)));
        w.write('\n');
      }
    }
  }

  /** Generates one partition's images, chunk by chunk, from their (seed, index). */
  static final class GeneratePartition implements FlatMapFunction<Iterator<Integer>, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<GeneratorPayload> payload;

    GeneratePartition(Broadcast<GeneratorPayload> payload) {
      this.payload = payload;
    }

    @Override
    public Iterator<Row> call(Iterator<Integer> ids) {
      TaskResources.bindNativeThreads();
      GeneratorPayload p = payload.value();
      DigitSampler sampler = new DigitSampler(p.config(), p.weights());
      return new Iterator<>() {
        private long next;
        private long end;
        private DigitImages chunk;
        private long chunkFirst;

        @Override
        public boolean hasNext() {
          while (next >= end) {
            if (!ids.hasNext()) {
              return false;
            }
            int id = ids.next();
            next = p.first(id);
            end = p.first(id + 1);
          }
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          if (chunk == null || next >= chunkFirst + chunk.count() || next < chunkFirst) {
            int n = (int) Math.min(DigitSampler.CHUNK, end - next);
            chunk = sampler.sample(p.seed(), next, n, p.labels().labels(p.seed(), next, n));
            chunkFirst = next;
          }
          int j = (int) (next - chunkFirst);
          Integer label = chunk.labelled() ? chunk.labels()[j] : null;
          Row r = RowFactory.create(PngCodec.encodeDigit(chunk.pixels(), j), label, p.seed(),
              next);
          next++;
          return r;
        }
      };
    }
  }
}
