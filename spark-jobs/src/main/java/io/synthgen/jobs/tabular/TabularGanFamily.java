package io.synthgen.jobs.tabular;

import io.synthgen.jobs.evaluate.EvaluateRequest;
import io.synthgen.jobs.evaluate.EvaluationReport;
import io.synthgen.jobs.family.SparkModelFamily;
import io.synthgen.jobs.io.AtomicOutput;
import io.synthgen.jobs.io.TableReader;
import io.synthgen.jobs.train.TrainOptions;
import io.synthgen.jobs.train.TrainSummary;
import io.synthgen.jobs.train.TrainingSession;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.Seeds;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import io.synthgen.model.train.TrainingListener;
import io.synthgen.tabular.ColumnTransformer;
import io.synthgen.tabular.EncodedTable;
import io.synthgen.tabular.GenerationPlan;
import io.synthgen.tabular.TableMetadata;
import io.synthgen.tabular.TableTransformer;
import io.synthgen.tabular.TabularGanConfig;
import io.synthgen.tabular.TabularGanTrainer;
import io.synthgen.tabular.TabularSampler;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Spark stages of the {@code tabular-gan} family (the math lives in the tabular module). */
public final class TabularGanFamily implements SparkModelFamily {
  private static final Logger LOG = LoggerFactory.getLogger(TabularGanFamily.class);
  public static final String NAME = "tabular-gan";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<OptionSpec<?>> modelOptions() {
    return TabularGanConfig.SPECS;
  }

  @Override
  public TrainSummary train(SparkSession spark, Options options, boolean resume,
      List<TrainingListener> listeners) throws Exception {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    TrainingSession session = TrainingSession.open(spark, NAME, TabularGanConfig.SPECS, options,
        resume);
    options = session.options();
    String input = TrainingSession.require(options, TrainOptions.INPUT, "--input");
    long seed = session.seed();
    TabularGanConfig config = TabularGanConfig.from(options);
    LOG.info("train {}: seed={} input={} model-dir={}", NAME, seed, input, session.modelDir());
    TableMetadata metadata = null;
    String metaPath = options.get(TrainOptions.METADATA);
    if (metaPath != null) {
      metadata = TableMetadata.parse(readText(metaPath, hadoop, "metadata file"), metaPath);
    }
    long t0 = System.nanoTime();
    TableReader.LoadedTable table = TableReader.load(spark, input, options.get(TrainOptions.FORMAT),
        metadata, metaPath, config.sampleRows, config.maxCategories,
        Seeds.derive(seed, Seeds.SAMPLE));
    ModelBundle previous = session.previous();
    TableTransformer transformer = previous != null
        ? TableTransformer.fromJson(previous.transformer())
        : TableTransformer.fit(table.profiles(), config.fitOptions);
    if (previous != null && !transformer.columnNames().equals(columnNames(table))) {
      throw new InvalidInputException("input '" + input + "' has columns " + columnNames(table)
          + " but the model in '" + session.modelDir() + "' was trained on "
          + transformer.columnNames());
    }
    double prepSeconds = (System.nanoTime() - t0) / 1e9;
    int workers = session.workers(sc, table.count(), input);
    LOG.info("preprocessing: {} rows, {} columns, encoded width {}, condition width {}, "
        + "{} s", table.count(), transformer.columns().size(), transformer.width(),
        transformer.conditionWidth(), String.format("%.2f", prepSeconds));
    Broadcast<TableTransformer> bt = sc.broadcast(transformer);
    long encodeSeed = seed;
    JavaRDD<EncodedTable> partitions = table.rows().javaRDD().repartition(workers)
        .mapPartitionsWithIndex((idx, rows) -> Collections.singletonList(bt.value().encode(
            new RowValues(rows), Seeds.derive(encodeSeed, Seeds.TRANSFORM, idx))).iterator(), true)
        .persist(StorageLevel.MEMORY_AND_DISK());
    partitions.count();
    TabularGanTrainer trainer = new TabularGanTrainer(transformer, config);
    TrainingSession.Plan<EncodedTable> plan = new TrainingSession.Plan<>(partitions, trainer,
        trainer::initialState, table.count(), workers, config.batchSize,
        table.metadata().toJson(), transformer.toJson());
    TrainSummary summary = session.train(sc, plan, listeners, prepSeconds, null);
    partitions.unpersist(false);
    bt.destroy();
    return summary;
  }

  private static List<String> columnNames(TableReader.LoadedTable t) {
    List<String> n = new ArrayList<>();
    t.profiles().forEach(p -> n.add(p.name()));
    return n;
  }

  static String readText(String path, Configuration conf, String what) throws IOException {
    Path p = new Path(path);
    org.apache.hadoop.fs.FileSystem fs = p.getFileSystem(conf);
    if (!fs.exists(p)) {
      throw new InvalidInputException(what + " '" + path + "' does not exist");
    }
    try (InputStream in = fs.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Adapts Spark rows (double numerics, string categoricals) to the transformer's cells. */
  static final class RowValues implements Iterator<Object[]> {
    private final Iterator<Row> rows;

    RowValues(Iterator<Row> rows) {
      this.rows = rows;
    }

    @Override
    public boolean hasNext() {
      return rows.hasNext();
    }

    @Override
    public Object[] next() {
      Row r = rows.next();
      Object[] out = new Object[r.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = r.isNullAt(i) ? null : r.get(i);
      }
      return out;
    }
  }

  /** What each generation partition needs; shipped once per job as a broadcast. */
  record GeneratorPayload(TableTransformer transformer, TabularGanConfig config, float[] weights,
      float[] buffers, GenerationPlan plan, long seed) implements Serializable {}

  @Override
  public GenerateSummary generate(SparkSession spark, ModelBundle bundle, GenerateRequest req)
      throws Exception {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    TableTransformer transformer = TableTransformer.fromJson(bundle.transformer());
    TableMetadata metadata = TableMetadata.fromJson(bundle.metadata());
    TabularGanConfig config = TabularGanConfig.from(
        TrainingSession.modelOptionsOf(bundle, TabularGanConfig.SPECS));
    GenerationPlan plan = GenerationPlan.create(transformer, req.rows(), req.partitions(),
        req.condition(), metadata.label());
    if (req.classBalanced()) {
      throw new InvalidInputException("option '--class-balanced' is for image models; for "
          + NAME + " use --condition COLUMN=VALUE for one class");
    }
    if (req.preview() != null) {
      throw new InvalidInputException("option '--preview' draws image grids; " + NAME
          + " generates tables: drop --preview");
    }
    String format = req.format() == null ? "parquet" : req.format();
    if (!format.equals("parquet") && !format.equals("csv")) {
      throw new InvalidInputException("option '--output-format' has value '" + format
          + "': use parquet or csv");
    }
    LOG.info("generate {}: rows={} partitions={} seed={} condition={} output={}", NAME,
        req.rows(), req.partitions(), req.seed(), req.condition(), req.output());
    try (AtomicOutput out = AtomicOutput.open(req.output(), req.overwrite(), hadoop)) {
      long t0 = System.nanoTime();
      Broadcast<GeneratorPayload> payload = sc.broadcast(new GeneratorPayload(transformer, config,
          bundle.tensors().get("generator"), bundle.tensors().get("generator.buffers"), plan,
          req.seed()));
      LongAccumulator conditioned = sc.sc().longAccumulator("conditioned");
      LongAccumulator honoured = sc.sc().longAccumulator("honoured");
      List<Integer> ids = IntStream.range(0, req.partitions()).boxed().toList();
      JavaRDD<Row> rows = sc.parallelize(ids, req.partitions()).mapPartitions(
          new GeneratePartition(payload, conditioned, honoured));
      Dataset<Row> df = spark.createDataFrame(rows, schema(transformer));
      if (format.equals("csv")) {
        df.write().option("header", "true").csv(out.stagingPath());
      } else {
        df.write().parquet(out.stagingPath());
      }
      out.commit();
      payload.destroy();
      double seconds = (System.nanoTime() - t0) / 1e9;
      return new GenerateSummary(req.rows(), req.partitions(), seconds, out.targetPath(),
          conditioned.value(), honoured.value());
    }
  }

  /** Generates one partition's rows from its derived seed. */
  static final class GeneratePartition
      implements org.apache.spark.api.java.function.FlatMapFunction<Iterator<Integer>, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<GeneratorPayload> payload;
    private final LongAccumulator conditioned;
    private final LongAccumulator honoured;

    GeneratePartition(Broadcast<GeneratorPayload> payload, LongAccumulator conditioned,
        LongAccumulator honoured) {
      this.payload = payload;
      this.conditioned = conditioned;
      this.honoured = honoured;
    }

    @Override
    public Iterator<Row> call(Iterator<Integer> ids) {
      GeneratorPayload p = payload.value();
      TabularSampler sampler = new TabularSampler(p.transformer(), p.config(), p.weights(),
          p.buffers());
      return new Iterator<Row>() {
        private TabularSampler.Stream stream;
        private Iterator<Object[]> chunk = Collections.emptyIterator();

        @Override
        public boolean hasNext() {
          while (!chunk.hasNext()) {
            if (stream != null) {
              List<Object[]> next = stream.next();
              if (next != null) {
                chunk = next.iterator();
                continue;
              }
              conditioned.add(stream.conditioned());
              honoured.add(stream.honoured());
              stream = null;
            }
            if (!ids.hasNext()) {
              return false;
            }
            int id = ids.next();
            long s = Seeds.derive(p.seed(), Seeds.GENERATE, id);
            stream = sampler.stream(p.plan().conditions(p.transformer(), id, s), s);
          }
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          return RowFactory.create(chunk.next());
        }
      };
    }
  }

  static StructType schema(TableTransformer t) {
    List<StructField> fields = new ArrayList<>();
    for (ColumnTransformer c : t.columns()) {
      fields.add(DataTypes.createStructField(c.name(), TableReader.sparkType(c.valueType()), true));
    }
    return DataTypes.createStructType(fields);
  }


  @Override
  public void evaluate(SparkSession spark, ModelBundle bundle, EvaluateRequest request,
      EvaluationReport report) throws Exception {
    TableEvaluator.evaluate(spark, bundle, request, report);
  }
}
