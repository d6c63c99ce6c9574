package io.synthgen.jobs.tabular;

import com.fasterxml.jackson.databind.JsonNode;
import io.synthgen.jobs.evaluate.EvaluateRequest;
import io.synthgen.jobs.evaluate.EvaluationReport;
import io.synthgen.jobs.family.SparkModelFamily;
import io.synthgen.jobs.io.TableReader;
import io.synthgen.jobs.runtime.JobDescriptions;
import io.synthgen.jobs.runtime.TaskResources;
import io.synthgen.jobs.train.TrainOptions;
import io.synthgen.jobs.train.TrainSummary;
import io.synthgen.jobs.train.TrainingSession;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.Seeds;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import io.synthgen.model.privacy.PrivacyOptions;
import io.synthgen.model.train.TrainingListener;
import io.synthgen.tabular.EncodedTable;
import io.synthgen.tabular.TableMetadata;
import io.synthgen.tabular.privacy.PrivateHistograms;
import io.synthgen.tabular.profile.ColumnProfile;
import io.synthgen.tabular.condition.ConditionSet;
import io.synthgen.tabular.condition.GenerationPlan;
import io.synthgen.tabular.condition.LabelPairs;
import io.synthgen.tabular.gan.LabelFilter;
import io.synthgen.tabular.gan.PrivateGanPlan;
import io.synthgen.tabular.gan.TabularGanConfig;
import io.synthgen.tabular.gan.TabularGanModel;
import io.synthgen.tabular.gan.TabularGanTrainer;
import io.synthgen.tabular.transform.TableTransformer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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
    PrivacyOptions.Budget budget = PrivacyOptions.budget(options, table.count());
    if (budget != null) {
      return trainPrivately(spark, session, table, budget, listeners, t0);
    }
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
    JavaRDD<EncodedTable> partitions = encodedPartitions(table, bt, workers, seed, false);
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
   * The table's rows in {@code workers} encoded partitions, cached for the whole run: a row's
   * partition depends only on its position in the input (Spark's round-robin repartition, which
   * starts each input partition at a position seeded by its index), so a partition recomputed
   * after a lost executor holds the same rows, and every round trains a worker on the same
   * disjoint part of the table (which differential privacy's parallel composition needs).
   * {@code dropUnknownCategories}: see {@link TableTransformer#encode(Iterator, long, boolean)}.
   */
  static JavaRDD<EncodedTable> encodedPartitions(TableReader.LoadedTable table,
      Broadcast<TableTransformer> bt, int workers, long seed, boolean dropUnknownCategories) {
    JavaRDD<EncodedTable> partitions = table.rows().javaRDD().repartition(workers)
        .mapPartitionsWithIndex((idx, rows) -> Collections.singletonList(bt.value().encode(
            TableRows.cells(rows), Seeds.derive(seed, Seeds.TRANSFORM, idx),
            dropUnknownCategories)).iterator(), true)
        .persist(StorageLevel.MEMORY_AND_DISK());
    partitions.count();
    return partitions;
  }

  /**
   * Keys that read real rows outside the critic, switched off under differential privacy
   * (docs/privacy.md), with the value they take.
   */
  private static Options withoutRealRowReaders(Options options) {
    String why = "privacy.epsilon: reads real rows outside DP-SGD";
    Options o = options;
    if (o.get(TabularGanConfig.CLASSIFIER_WEIGHT) > 0) {
      o = o.with(TabularGanConfig.CLASSIFIER_WEIGHT, 0.0, why);
    }
    if (o.get(TabularGanConfig.CORRELATION_WEIGHT) > 0) {
      o = o.with(TabularGanConfig.CORRELATION_WEIGHT, 0.0, why);
    }
    if (o.get(TabularGanConfig.LABEL_PAIRED_CONDITIONS)) {
      o = o.with(TabularGanConfig.LABEL_PAIRED_CONDITIONS, false, why);
    }
    if (o.get(TabularGanConfig.LABEL_FILTER) > 0) {
      o = o.with(TabularGanConfig.LABEL_FILTER, 0.0, "privacy.epsilon: needs the auxiliary "
          + "classifier");
    }
    if (o.get(TabularGanConfig.MATCH_MARGINALS_BY_LABEL)) {
      o = o.with(TabularGanConfig.MATCH_MARGINALS_BY_LABEL, false, "privacy.epsilon: the "
          + "per-class distributions are not released");
    }
    if (!o.isSet(TrainOptions.MIN_STEPS)) {
      o = o.with(TrainOptions.MIN_STEPS, 0, "privacy.epsilon: the epochs set the steps");
    }
    if (!o.isSet(TabularGanConfig.PAC)) {
      o = o.with(TabularGanConfig.PAC, 1, "privacy.epsilon: a row is its own unit, ten times "
          + "the units of pac 10 against the same noise (docs/benchmarks.md)");
    }
    if (!o.isSet(TrainOptions.BATCH_SCOPE)) {
      o = o.with(TrainOptions.BATCH_SCOPE, "global", "privacy.epsilon: the sampling rate and "
          + "the steps, so the noise, do not depend on the worker count");
    }
    LOG.info("differential privacy: the auxiliary classifier, the correlation loss, label-paired "
        + "conditions, the label filter and per-class output distributions are off (they read "
        + "real rows outside DP-SGD); unless set, pac is 1, min-steps 0 and batch-scope global");
    return o;
  }

  /**
   * Training with {@code (epsilon, delta)} differential privacy (docs/privacy.md): one pass sums
   * the exact column histograms and the driver releases them with noise; the transformer, the
   * category frequencies of the conditions and the output distributions are fitted from that
   * release alone; then each worker runs DP-SGD on the critic over its fixed partition ({@link
   * PrivateGanPlan}, {@link TabularGan#trainStepPrivately}). A resumed model keeps its
   * transformer and the noise planned for it, and stops where its budget is spent.
   */
  private TrainSummary trainPrivately(SparkSession spark, TrainingSession session,
      TableReader.LoadedTable table, PrivacyOptions.Budget budget,
      List<TrainingListener> listeners, long t0) throws Exception {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    session = session.withOptions(withoutRealRowReaders(session.options()));
    Options options = session.options();
    TabularGanConfig config = TabularGanConfig.from(options);
    String input = options.get(TrainOptions.INPUT);
    long seed = session.seed();
    int workers = session.workers(sc, table.count(), input);
    PrivateHistograms empty = PrivateHistograms.forTable(table.profiles(), table.metadata());
    PrivateGanPlan plan = PrivateGanPlan.plan(budget, config.privacyTransformerShare,
        empty.categoricalColumns());
    ModelBundle previous = session.previous();
    TableTransformer transformer;
    List<ColumnProfile> released = null;
    long noisyRows;
    if (previous == null) {
      PrivateHistograms counts;
      try (JobDescriptions.Scope d = JobDescriptions.describe(spark, "train " + NAME
          + ": private histograms")) {
        counts = table.rows().javaRDD().treeAggregate(empty,
            (acc, row) -> acc.add(TableRows.cells(row)), PrivateHistograms::merge);
      }
      released = counts.release(plan.transformerNoise(), plan.selectionDelta(),
          new SplittableRandom(Seeds.derive(seed, Seeds.PRIVACY)));
      noisyRows = Math.max(released.get(0).count(), workers);
      transformer = TableTransformer.fit(released, config.fitOptions);
    } else {
      transformer = TableTransformer.fromJson(previous.transformer());
      noisyRows = previous.training().path("rows").asLong();
    }
    double prepSeconds = (System.nanoTime() - t0) / 1e9;
    TabularGanConfig workerConfig = TabularGanConfig.from(
        session.workerOptions(workers, TabularGanConfig.BATCH_SIZE, config.pac));
    int slots = workerConfig.batchSize / config.pac;
    if (previous == null) {
      double rate = Math.min(1.0, workerConfig.batchSize / ((double) noisyRows / workers));
      plan = plan.withCritic(rate, session.totalSteps(noisyRows, workers,
          workerConfig.batchSize) * config.criticSteps, config.pac, config.privacyClip);
    } else {
      plan = plan.withRecordedCritic(previous.training().path("privacy"), config.pac,
          config.privacyClip);
    }
    JsonNode record = previous == null ? plan.privacyJson(empty.sensitivity())
        : previous.training().path("privacy");
    double rate = plan.samplingRate();
    long steps = plan.steps();
    LOG.info("differential privacy: about {} rows, {} columns, encoded width {}; critic DP-SGD "
        + "on {} workers: sampling rate {}, {} packs of {} per update, clip {}, noise multiplier "
        + "{}, {} updates per worker; {}", noisyRows, transformer.columns().size(),
        transformer.width(), workers, String.format("%.4f", rate), slots, config.pac,
        config.privacyClip, String.format("%.3f", plan.criticNoise()), steps, record);
    Broadcast<TableTransformer> bt = sc.broadcast(transformer);
    JavaRDD<EncodedTable> partitions = encodedPartitions(table, bt, workers, seed, true);
    TabularGanTrainer trainer = new TabularGanTrainer(transformer, workerConfig,
        plan.privateSgd(slots));
    JsonNode transformerJson = TabularGanModel.transformerSection(transformer,
        previous == null ? null : previous.transformer(), released, null, Map::of,
        config.minClassRows, null);
    int affordable = (int) (steps / config.criticSteps
        / options.get(TrainOptions.AVERAGING_FREQUENCY));
    TrainingSession.Plan<EncodedTable> trainPlan = new TrainingSession.Plan<>(partitions, trainer,
        trainer::initialState, noisyRows, workers, workerConfig.batchSize,
        table.metadata().toJson(), transformerJson,
        new TrainingSession.Privacy(record, affordable));
    TrainSummary summary = session.train(sc, trainPlan, listeners, prepSeconds, null);
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
        req.rows(), req.partitions(), req.seed(), req.conditionText(), req.output());
    TabularGanModel model = TabularGanModel.fromBundle(bundle);
    GenerationPlan plan = model.plan(req.rows(), req.partitions(), req.conditions(),
        req.conditionWeights());
    ConditionSet set = plan.conditionSet();
    List<String> requirements = set == null ? List.of() : requirementTexts(set);
    Broadcast<GeneratorPayload> payload = sc.broadcast(new GeneratorPayload(model, plan,
        req.seed()));
    try {
      LongAccumulator conditioned = sc.sc().longAccumulator("conditioned");
      LongAccumulator honoured = sc.sc().longAccumulator("honoured");
      LongAccumulator redrawn = sc.sc().longAccumulator("label-filter redrawn");
      LongAccumulator keptRejected = sc.sc().longAccumulator("label-filter kept rejected");
      LongAccumulator giveUps = sc.sc().longAccumulator("condition give-ups");
      List<LongAccumulator> met = new ArrayList<>();
      for (String r : requirements) {
        met.add(sc.sc().longAccumulator("condition met: " + r));
      }
      List<Integer> ids = IntStream.range(0, req.partitions()).boxed().toList();
      JavaRDD<Row> rows = sc.parallelize(ids, req.partitions()).mapPartitions(
          new GeneratePartition(payload, conditioned, honoured, redrawn, keptRejected, giveUps,
              met));
      TableGeneration.Written w = TableGeneration.write(spark, req, format, rows,
          TableGeneration.schema(model.transformer().columnNames(), model.valueTypes()), NAME,
          bundle.seed());
      if (model.filtersLabels()) {
        LOG.info("output.label-filter: {} draws rejected and drawn again; {} rows rejected in all "
            + "{} draws, each written as its best-scoring draw", redrawn.value(),
            keptRejected.value(), LabelFilter.MAX_DRAWS);
      }
      java.util.Map<String, Double> shares = new java.util.LinkedHashMap<>();
      for (int r = 0; r < requirements.size(); r++) {
        shares.put(requirements.get(r), (double) met.get(r).value() / req.rows());
      }
      boolean ranges = set != null && !set.numeric().isEmpty();
      if (set != null) {
        LOG.info("conditions: shares of first draws the generator met: {}{}", shares,
            ranges ? "; " + giveUps.value() + " rows missed a numeric requirement in all "
                + LabelFilter.MAX_DRAWS + " draws and had their values replaced" : "");
      }
      return new GenerateSummary(req.rows(), req.partitions(), w.seconds(), w.path(),
          conditioned.value(), honoured.value(), model.filtersLabels() ? keptRejected.value() : -1,
          shares, ranges ? giveUps.value() : -1);
    } finally {
      payload.destroy();
    }
  }

  /**
   * The text of each requirement of {@code set} in the order the sampler counts them
   * (categorical, then numeric).
   */
  static List<String> requirementTexts(ConditionSet set) {
    List<String> texts = new ArrayList<>();
    set.categorical().forEach(r -> texts.add(r.text()));
    set.numeric().forEach(r -> texts.add(r.text()));
    return texts;
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
    private final LongAccumulator giveUps;
    private final List<LongAccumulator> met;

    GeneratePartition(Broadcast<GeneratorPayload> payload, LongAccumulator conditioned,
        LongAccumulator honoured, LongAccumulator redrawn, LongAccumulator keptRejected,
        LongAccumulator giveUps, List<LongAccumulator> met) {
      this.payload = payload;
      this.conditioned = conditioned;
      this.honoured = honoured;
      this.redrawn = redrawn;
      this.keptRejected = keptRejected;
      this.giveUps = giveUps;
      this.met = List.copyOf(met);
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
            giveUps.add(stream.conditionGiveUps());
            long[] honouredEach = stream.requirementHonoured();
            for (int r = 0; r < honouredEach.length; r++) {
              met.get(r).add(honouredEach[r]);
            }
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
