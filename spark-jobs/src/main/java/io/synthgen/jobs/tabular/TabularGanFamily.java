package io.synthgen.jobs.tabular;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.jobs.evaluate.EvaluateRequest;
import io.synthgen.jobs.evaluate.EvaluationReport;
import io.synthgen.jobs.family.SparkModelFamily;
import io.synthgen.jobs.io.TableReader;
import io.synthgen.jobs.runtime.FaultInjection;
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
import io.synthgen.tabular.CategoryWeights;
import io.synthgen.tabular.EmpiricalMarginal;
import io.synthgen.tabular.EncodedTable;
import io.synthgen.tabular.GenerationPlan;
import io.synthgen.tabular.LabelFilter;
import io.synthgen.tabular.LabelPairs;
import io.synthgen.tabular.MarginalMatcher;
import io.synthgen.tabular.TableMetadata;
import io.synthgen.tabular.TableTransformer;
import io.synthgen.tabular.TabularGanConfig;
import io.synthgen.tabular.TabularGanTrainer;
import io.synthgen.tabular.TabularSampler;
import io.synthgen.tabular.ValueType;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
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
    ObjectNode transformerJson = withMarginals(transformer, previous, table, metadata, config,
        Seeds.derive(seed, Seeds.SAMPLE, MARGINALS_BY_LABEL));
    if (pairs != null) {
      transformerJson.set(LABEL_PAIRS, pairs.toJson());
    }
    TrainingSession.Plan<EncodedTable> plan = new TrainingSession.Plan<>(partitions, trainer,
        trainer::initialState, table.count(), workers, workerConfig.batchSize,
        table.metadata().toJson(), transformerJson);
    TrainSummary summary = session.train(sc, plan, listeners, prepSeconds, null);
    partitions.unpersist(false);
    bt.destroy();
    return summary;
  }

  /** The bundle transformer section's key of the label's joint counts. */
  static final String LABEL_PAIRS = "label_pairs";

  /**
   * The joint counts of the label with every categorical column over all partitions, for
   * {@code label-paired-conditions}; null (logged) when the table has no categorical label.
   */
  private static LabelPairs countLabelPairs(JavaRDD<EncodedTable> partitions,
      Broadcast<TableTransformer> bt, int label) {
    if (label < 0) {
      LOG.info("label-paired-conditions: the table has no categorical label; training with "
          + "single conditions");
      return null;
    }
    return partitions.map(p -> LabelPairs.count(p, bt.value(), label)).reduce(LabelPairs::plus);
  }

  /**
   * The bundle's label pairs when its config asks for them, else null: a table without a
   * categorical label has none, and a bundle trained before the key existed is warned about.
   */
  private static LabelPairs labelPairs(ModelBundle bundle, TableTransformer transformer,
      TabularGanConfig config, TableMetadata metadata) {
    if (!config.labelPairedConditions) {
      return null;
    }
    JsonNode node = bundle.transformer().get(LABEL_PAIRS);
    if (node == null) {
      if (transformer.categoricalIndexOf(metadata.label()) >= 0) {
        LOG.warn("the model bundle was trained without label-paired-conditions (it has no "
            + "label pairs): generating with single conditions");
      }
      return null;
    }
    return LabelPairs.fromJson(node, transformer);
  }

  private static List<String> columnNames(TableReader.LoadedTable t) {
    List<String> n = new ArrayList<>();
    t.profiles().forEach(p -> n.add(p.name()));
    return n;
  }

  /** Most points of a numeric column's training distribution kept for output.match-marginals. */
  static final int MARGINAL_POINTS = 2000;
  /** Path of the pilot sample's seed (under the model's seed and {@code Seeds.SAMPLE}). */
  private static final long PILOT = 0x70696c6fL;

  /** Path of the per-class profiles' sampling seed (under the model's seed and SAMPLE). */
  private static final long MARGINALS_BY_LABEL = 0x6d626cL;

  /**
   * The bundle's transformer section: the fitted transformer plus the training distribution of
   * every numeric column, and with a categorical label, of every numeric column within each class
   * (one more pass over the table; stored whatever output.match-marginals-by-label says, so a
   * generate job can switch it on); each kept from the resumed bundle when it has it.
   */
  private static ObjectNode withMarginals(TableTransformer transformer, ModelBundle previous,
      TableReader.LoadedTable table, TableMetadata metadata, TabularGanConfig config,
      long seed) {
    ObjectNode t = (ObjectNode) transformer.toJson();
    JsonNode kept = previous == null ? null : previous.transformer().get("marginals");
    t.set("marginals", kept != null ? kept
        : MarginalMatcher.marginalsJson(table.profiles(), MARGINAL_POINTS));
    JsonNode keptByLabel = previous == null ? null
        : previous.transformer().get("marginalsByLabel");
    if (keptByLabel != null) {
      t.set("marginalsByLabel", keptByLabel);
    } else if (transformer.categoricalIndexOf(metadata.label()) >= 0) {
      t.set("marginalsByLabel", MarginalMatcher.marginalsByClassJson(metadata.label(),
          TableReader.profilesByCategory(table, metadata.label(), config.sampleRows, seed),
          MARGINAL_POINTS));
    }
    return t;
  }

  /** The output corrections of a bundle; either part null when switched off. */
  record OutputCorrection(CategoryWeights categories, MarginalMatcher marginals)
      implements Serializable {}

  /**
   * The output.match-categories and output.match-marginals steps of a bundle, fitted on pilot
   * samples drawn on the driver (seeded by the model's seed, so every generate job of the model
   * corrects the same way): category weights from the raw softmax outputs, then the numeric
   * mapping from rows generated with those weights.
   */
  private static OutputCorrection correction(ModelBundle bundle, TableTransformer transformer,
      TabularGanConfig config, TableMetadata metadata, ClassifierWeights classifier) {
    if (!config.matchMarginals && !config.matchCategories) {
      return new OutputCorrection(null, null);
    }
    long t0 = System.nanoTime();
    GenerationPlan pilot = GenerationPlan.create(transformer, config.pilotRows, 1, null,
        metadata.label(), config.labelConditionShare)
        .pairedWith(labelPairs(bundle, transformer, config, metadata));
    long seed = Seeds.derive(bundle.seed(), Seeds.SAMPLE, PILOT);
    GenerationPlan.Conditions conditions = pilot.conditions(transformer, 0, seed);
    TabularSampler sampler = new TabularSampler(transformer, config,
        bundle.tensors().get("generator"), bundle.tensors().get("generator.buffers"))
        .filteringLabels(classifier.filter(transformer, config));
    CategoryWeights weights = null;
    if (config.matchCategories && !transformer.discreteColumns().isEmpty()) {
      long[][] counts = new long[transformer.discreteColumns().size()][];
      for (int j = 0; j < counts.length; j++) {
        counts[j] = transformer.categoriesOf(transformer.discreteColumns().get(j).column())
            .counts();
      }
      weights = CategoryWeights.fit(sampler.categoryProbabilities(conditions, seed), counts);
      sampler.weightingCategories(weights);
    }
    MarginalMatcher matcher = null;
    if (config.matchMarginals) {
      EmpiricalMarginal[] real = MarginalMatcher.marginalsFromJson(
          bundle.transformer().get("marginals"));
      if (real == null) {
        LOG.warn("the model bundle has no training distributions (written before "
            + "output.match-marginals): generating without matching them");
      } else {
        matcher = marginalMatcher(bundle, transformer, config,
            sampler.sample(conditions, seed).rows(), real);
      }
    }
    LOG.info("output corrections (categories={}, marginals={}) fitted on {} pilot rows in {} s",
        weights != null, matcher != null, config.pilotRows,
        String.format("%.2f", (System.nanoTime() - t0) / 1e9));
    return new OutputCorrection(weights, matcher);
  }

  /** output.match-marginals' step, per class of the label where the bundle has them. */
  private static MarginalMatcher marginalMatcher(ModelBundle bundle, TableTransformer transformer,
      TabularGanConfig config, List<Object[]> pilot, EmpiricalMarginal[] real) {
    JsonNode byLabel = bundle.transformer().get("marginalsByLabel");
    if (!config.matchMarginalsByLabel) {
      return MarginalMatcher.fit(pilot, real);
    }
    String label = MarginalMatcher.labelOf(byLabel);
    int column = label == null ? -1 : transformer.columnNames().indexOf(label);
    if (column < 0) {
      LOG.info("output.match-marginals-by-label: the model bundle has no per-class training "
          + "distributions (no categorical label, or written before the key): matching whole "
          + "columns");
      return MarginalMatcher.fit(pilot, real);
    }
    MarginalMatcher m = MarginalMatcher.fit(pilot, real, column,
        MarginalMatcher.marginalsByClassFromJson(byLabel));
    LOG.info("output.match-marginals-by-label: classes {} of '{}' mapped onto their own "
        + "distributions, the others onto whole columns", m.classes(), label);
    return m;
  }

  /** What each generation partition needs; shipped once per job as a broadcast. */
  record GeneratorPayload(TableTransformer transformer, TabularGanConfig config, float[] weights,
      float[] buffers, OutputCorrection correction, ClassifierWeights classifier,
      GenerationPlan plan, long seed) implements Serializable {}

  /**
   * The auxiliary classifier's weights and the label's discrete index, when output.label-filter
   * is on and the bundle has a classifier; {@link #filter} builds the filter where it runs.
   */
  record ClassifierWeights(int label, float[] weights) implements Serializable {
    static final ClassifierWeights NONE = new ClassifierWeights(-1, null);

    static ClassifierWeights of(ModelBundle bundle, TableTransformer transformer,
        TabularGanConfig config, TableMetadata metadata) {
      if (config.labelFilter <= 0) {
        return NONE;
      }
      int label = transformer.categoricalIndexOf(metadata.label());
      float[] w = bundle.tensors().get("classifier");
      if (label < 0 || w == null) {
        LOG.warn("output.label-filter={} ignored: the model has no auxiliary classifier ({}); "
            + "train with classifier-loss-weight > 0 and a categorical label to use it",
            config.labelFilter, label < 0 ? "the table has no categorical label"
                : "it was trained with classifier-loss-weight=0");
        return NONE;
      }
      LOG.info("output.label-filter: keeping rows whose label class the auxiliary classifier "
          + "gives p >= {} (at most {} draws a row)", config.labelFilter, LabelFilter.MAX_DRAWS);
      return new ClassifierWeights(label, w);
    }

    LabelFilter filter(TableTransformer transformer, TabularGanConfig config) {
      return weights == null ? null : new LabelFilter(transformer, config, label, weights);
    }
  }

  @Override
  public java.util.LinkedHashMap<String, Long> classCounts(ModelBundle bundle) throws Exception {
    return TableGeneration.classCounts(TableTransformer.fromJson(bundle.transformer()),
        TableMetadata.fromJson(bundle.metadata()));
  }

  @Override
  public GenerateSummary generate(SparkSession spark, ModelBundle bundle, GenerateRequest req)
      throws Exception {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    TableTransformer transformer = TableTransformer.fromJson(bundle.transformer());
    TableMetadata metadata = TableMetadata.fromJson(bundle.metadata());
    TabularGanConfig config = TabularGanConfig.from(
        TrainingSession.modelOptionsOf(bundle, TabularGanConfig.SPECS));
    GenerationPlan plan = GenerationPlan.create(transformer, req.rows(), req.partitions(),
        req.condition(), metadata.label(), config.labelConditionShare)
        .pairedWith(labelPairs(bundle, transformer, config, metadata));
    String format = TableGeneration.outputFormat(NAME, req);
    LOG.info("generate {}: rows={} partitions={} seed={} condition={} output={}", NAME,
        req.rows(), req.partitions(), req.seed(), req.condition(), req.output());
    ClassifierWeights classifier = ClassifierWeights.of(bundle, transformer, config, metadata);
    Broadcast<GeneratorPayload> payload = sc.broadcast(new GeneratorPayload(transformer, config,
        bundle.tensors().get("generator"), bundle.tensors().get("generator.buffers"),
        correction(bundle, transformer, config, metadata, classifier), classifier, plan,
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
          TableGeneration.schema(transformer.columnNames(), valueTypes(transformer)), NAME, bundle.seed());
      if (classifier.weights() != null) {
        LOG.info("output.label-filter: {} draws rejected and drawn again; {} rows kept after {} "
            + "rejected draws", redrawn.value(), keptRejected.value(), LabelFilter.MAX_DRAWS);
      }
      return new GenerateSummary(req.rows(), req.partitions(), w.seconds(), w.path(),
          conditioned.value(), honoured.value());
    } finally {
      payload.destroy();
    }
  }

  private static List<ValueType> valueTypes(TableTransformer t) {
    List<ValueType> types = new ArrayList<>();
    t.columns().forEach(c -> types.add(c.valueType()));
    return types;
  }

  /** Generates one partition's rows from its derived seed. */
  static final class GeneratePartition
      implements org.apache.spark.api.java.function.FlatMapFunction<Iterator<Integer>, Row> {
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
      TabularSampler sampler = new TabularSampler(p.transformer(), p.config(), p.weights(),
          p.buffers()).weightingCategories(p.correction().categories())
          .matchingMarginals(p.correction().marginals())
          .filteringLabels(p.classifier().filter(p.transformer(), p.config()));
      return FaultInjection.failingIfInjected(new Iterator<Row>() {
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
              redrawn.add(stream.redrawn());
              keptRejected.add(stream.keptRejected());
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
      });
    }
  }

  @Override
  public void evaluate(SparkSession spark, ModelBundle bundle, EvaluateRequest request,
      EvaluationReport report) throws Exception {
    TableEvaluator.evaluate(spark, bundle, request, report);
  }
}
