package io.synthgen.jobs.tabular;

import com.fasterxml.jackson.databind.JsonNode;
import io.synthgen.jobs.evaluate.EvaluateRequest;
import io.synthgen.jobs.evaluate.EvaluationReport;
import io.synthgen.jobs.family.SparkModelFamily;
import io.synthgen.jobs.io.TableReader;
import io.synthgen.jobs.runtime.TaskResources;
import io.synthgen.jobs.train.TrainOptions;
import io.synthgen.jobs.train.TrainSummary;
import io.synthgen.jobs.train.TrainingSession;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.Seeds;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import io.synthgen.model.train.TrainingListener;
import io.synthgen.tabular.EncodedTable;
import io.synthgen.tabular.TableMetadata;
import io.synthgen.tabular.condition.GenerationPlan;
import io.synthgen.tabular.condition.LabelPairs;
import io.synthgen.tabular.gan.LabelFilter;
import io.synthgen.tabular.gan.TabularGanConfig;
import io.synthgen.tabular.gan.TabularGanModel;
import io.synthgen.tabular.gan.TabularGanTrainer;
import io.synthgen.tabular.transform.TableTransformer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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

  /**
   * min-steps 1800 (CTGAN's update count for a 3,000-row table at 300 epochs and batch 500):
   * measured against 0 on the shared tables, 3 seeds (docs/benchmarks.md, "Table quality").
   */
  @Override
  public List<OptionSpec<?>> trainOptions() {
    return TRAIN_OPTIONS;
  }

  private static final List<OptionSpec<?>> TRAIN_OPTIONS = TrainOptions.withDefaults(
      TrainOptions.MIN_STEPS.withDefault(1800));

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
    String metaPath = options.get(TrainOptions.METADATA);
    TableMetadata metadata = TableReader.readMetadata(metaPath, hadoop);
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
            TableRows.cells(rows), Seeds.derive(encodeSeed, Seeds.TRANSFORM, idx)))
            .iterator(), true)
        .persist(StorageLevel.MEMORY_AND_DISK());
    partitions.count();
    TabularGanConfig workerConfig = TabularGanConfig.from(
        session.workerOptions(workers, TabularGanConfig.BATCH_SIZE, config.pac));
    int label = transformer.categoricalIndexOf(metadata.label());
    LabelPairs pairs = config.labelPairedConditions ? countLabelPairs(partitions, bt, label)
        : null;
    if (config.classifierWeight > 0 && label < 0) {
      LOG.info("classifier-loss-weight: the table has no categorical label; training without "
          + "the auxiliary classifier");
    }
    TabularGanTrainer trainer = new TabularGanTrainer(transformer, workerConfig, pairs, label);
    long byClassSeed = Seeds.derive(seed, Seeds.SAMPLE, MARGINALS_BY_LABEL);
    JsonNode transformerJson = TabularGanModel.transformerSection(transformer,
        previous == null ? null : previous.transformer(), table.profiles(), metadata.label(),
        () -> TableReader.profilesByCategory(table, metadata.label(), config.sampleRows,
            byClassSeed), config.minClassRows, pairs);
    TrainingSession.Plan<EncodedTable> plan = new TrainingSession.Plan<>(partitions, trainer,
        trainer::initialState, table.count(), workers, workerConfig.batchSize,
        table.metadata().toJson(), transformerJson);
    TrainSummary summary = session.train(sc, plan, listeners, prepSeconds, null);
    partitions.unpersist(false);
    bt.destroy();
    return summary;
  }

  /**
   * The joint counts of the label with every categorical column over all partitions, rounded
   * ({@link LabelPairs#rounded}), for
   * {@code label-paired-conditions}; null (logged) when the table has no categorical label.
   */
  private static LabelPairs countLabelPairs(JavaRDD<EncodedTable> partitions,
      Broadcast<TableTransformer> bt, int label) {
    if (label < 0) {
      LOG.info("label-paired-conditions: the table has no categorical label; training with "
          + "single conditions");
      return null;
    }
    return partitions.map(p -> LabelPairs.count(p, bt.value(), label)).reduce(LabelPairs::plus)
        .rounded();
  }

  private static List<String> columnNames(TableReader.LoadedTable t) {
    List<String> n = new ArrayList<>();
    t.profiles().forEach(p -> n.add(p.name()));
    return n;
  }

  /** Path of the per-class profiles' sampling seed (under the model's seed and SAMPLE). */
  private static final long MARGINALS_BY_LABEL = 0x6d626cL;

  @Override
  public java.util.LinkedHashMap<String, Long> classCounts(ModelBundle bundle) throws Exception {
    return TableGeneration.classCounts(TableTransformer.fromJson(bundle.transformer()),
        TableMetadata.fromJson(bundle.metadata()));
  }

  @Override
  public GenerateSummary generate(SparkSession spark, ModelBundle bundle, GenerateRequest req)
      throws Exception {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    String format = TableGeneration.outputFormat(NAME, req);
    LOG.info("generate {}: rows={} partitions={} seed={} condition={} output={}", NAME,
        req.rows(), req.partitions(), req.seed(), req.condition(), req.output());
    TabularGanModel model = TabularGanModel.fromBundle(bundle);
    GenerationPlan plan = model.plan(req.rows(), req.partitions(), req.condition());
    Broadcast<GeneratorPayload> payload = sc.broadcast(new GeneratorPayload(model, plan,
        req.seed()));
    try {
      LongAccumulator conditioned = sc.sc().longAccumulator("conditioned");
      LongAccumulator honoured = sc.sc().longAccumulator("honoured");
      LongAccumulator redrawn = sc.sc().longAccumulator("label-filter redrawn");
      LongAccumulator keptRejected = sc.sc().longAccumulator("label-filter kept rejected");
      List<Integer> ids = IntStream.range(0, req.partitions()).boxed().toList();
      JavaRDD<Row> rows = sc.parallelize(ids, req.partitions()).mapPartitions(
          new GeneratePartition(payload, conditioned, honoured, redrawn, keptRejected));
      TableGeneration.Written w = TableGeneration.write(spark, req, format, rows,
          TableGeneration.schema(model.transformer().columnNames(), model.valueTypes()), NAME,
          bundle.seed());
      if (model.filtersLabels()) {
        LOG.info("output.label-filter: {} draws rejected and drawn again; {} rows rejected in all "
            + "{} draws, each written as its best-scoring draw", redrawn.value(),
            keptRejected.value(), LabelFilter.MAX_DRAWS);
      }
      return new GenerateSummary(req.rows(), req.partitions(), w.seconds(), w.path(),
          conditioned.value(), honoured.value(), model.filtersLabels() ? keptRejected.value() : -1);
    } finally {
      payload.destroy();
    }
  }

  /** What each generation partition needs; shipped once per job as a broadcast. */
  record GeneratorPayload(TabularGanModel model, GenerationPlan plan, long seed)
      implements Serializable {}

  /** Generates one partition's rows from its derived seed. */
  static final class GeneratePartition implements FlatMapFunction<Iterator<Integer>, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<GeneratorPayload> payload;
    private final LongAccumulator conditioned;
    private final LongAccumulator honoured;
    private final LongAccumulator redrawn;
    private final LongAccumulator keptRejected;

    GeneratePartition(Broadcast<GeneratorPayload> payload, LongAccumulator conditioned,
        LongAccumulator honoured, LongAccumulator redrawn, LongAccumulator keptRejected) {
      this.payload = payload;
      this.conditioned = conditioned;
      this.honoured = honoured;
      this.redrawn = redrawn;
      this.keptRejected = keptRejected;
    }

    @Override
    public Iterator<Row> call(Iterator<Integer> ids) {
      TaskResources.bindNativeThreads();
      GeneratorPayload p = payload.value();
      Iterator<Object[]> rows = TabularGanModel.rows(p.model().sampler(),
          p.model().transformer(), p.plan(), ids, p.seed(), stream -> {
            conditioned.add(stream.conditioned());
            honoured.add(stream.honoured());
            redrawn.add(stream.redrawn());
            keptRejected.add(stream.keptRejected());
          });
      return TableGeneration.sparkRows(rows);
    }
  }

  @Override
  public void evaluate(SparkSession spark, ModelBundle bundle, EvaluateRequest request,
      EvaluationReport report) throws Exception {
    TableEvaluator.evaluate(spark, bundle, request, report);
  }
}
