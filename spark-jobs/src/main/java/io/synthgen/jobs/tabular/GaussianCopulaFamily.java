package io.synthgen.jobs.tabular;

import io.synthgen.jobs.evaluate.EvaluateRequest;
import io.synthgen.jobs.evaluate.EvaluationReport;
import io.synthgen.jobs.family.SparkModelFamily;
import io.synthgen.jobs.io.TableReader;
import io.synthgen.jobs.runtime.JobDescriptions;
import io.synthgen.jobs.train.TrainOptions;
import io.synthgen.jobs.train.TrainSummary;
import io.synthgen.jobs.train.TrainingSession;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.Seeds;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import io.synthgen.model.eval.CoMoments;
import io.synthgen.model.privacy.PrivacyOptions;
import io.synthgen.model.train.TrainingListener;
import io.synthgen.tabular.TableMetadata;
import io.synthgen.tabular.condition.ConditionSet;
import io.synthgen.tabular.condition.GenerationPlan;
import io.synthgen.tabular.copula.GaussianCopula;
import io.synthgen.tabular.copula.GaussianCopulaConfig;
import io.synthgen.tabular.copula.PrivateCopulaFit;
import io.synthgen.tabular.privacy.ClippedOuterProducts;
import io.synthgen.tabular.privacy.PrivateHistograms;
import io.synthgen.tabular.profile.EmpiricalMarginal;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark stages of the {@code gaussian-copula} family, the statistical baseline every table
 * benchmark compares the GAN with ({@link GaussianCopula}): training is one profiling pass (the
 * marginals, as for the GAN) and one pass that sums the co-moments of every row's normal scores
 * on the executors; generation and evaluation are those of the tables (exact counts and
 * conditions, seeded partitions, Parquet or CSV).
 */
public final class GaussianCopulaFamily implements SparkModelFamily {
  private static final Logger LOG = LoggerFactory.getLogger(GaussianCopulaFamily.class);
  public static final String NAME = "gaussian-copula";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<OptionSpec<?>> modelOptions() {
    return GaussianCopulaConfig.SPECS;
  }

  @Override
  public TrainSummary train(SparkSession spark, Options options, boolean resume,
      List<TrainingListener> listeners) throws Exception {
    if (resume) {
      throw new InvalidInputException("model '" + NAME + "' is fitted in one pass over the data, "
          + "so --resume has nothing to continue: train it again into a new --model-dir");
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    TrainingSession session = TrainingSession.open(spark, NAME, GaussianCopulaConfig.SPECS,
        options, false);
    options = session.options();
    String input = TrainingSession.require(options, TrainOptions.INPUT, "--input");
    long seed = session.seed();
    GaussianCopulaConfig config = GaussianCopulaConfig.from(options);
    LOG.info("train {}: seed={} input={} model-dir={}", NAME, seed, input, session.modelDir());
    long t0 = System.nanoTime();
    TableMetadata metadata = TableReader.readMetadata(options.get(TrainOptions.METADATA),
        spark.sparkContext().hadoopConfiguration());
    TableReader.LoadedTable table = TableReader.load(spark, input,
        options.get(TrainOptions.FORMAT), metadata, options.get(TrainOptions.METADATA),
        config.sampleRows, config.maxCategories, Seeds.derive(seed, Seeds.SAMPLE));
    int workers = session.workers(sc, table.count(), input);
    PrivacyOptions.Budget budget = PrivacyOptions.budget(options, table.count());
    if (budget != null) {
      return trainPrivately(spark, session, table, config, budget, workers, t0);
    }
    GaussianCopula marginals = GaussianCopula.fitMarginals(table.profiles(),
        EmpiricalMarginal.GRID_POINTS);
    double prepSeconds = (System.nanoTime() - t0) / 1e9;
    long t1 = System.nanoTime();
    Broadcast<GaussianCopula> b = sc.broadcast(marginals);
    int columns = table.profiles().size();
    int latent = marginals.latentDim();
    long scoreSeed = Seeds.derive(seed, Seeds.TRANSFORM);
    CoMoments moments;
    try (JobDescriptions.Scope d = JobDescriptions.describe(spark, "train " + NAME
        + ": fit correlation")) {
      moments = table.rows().javaRDD().treeAggregate(new CoMoments(latent),
          (acc, row) -> acc.add(b.value().normalScores(TableRows.cells(row), scoreSeed)),
          CoMoments::merge);
    } finally {
      b.destroy();
    }
    GaussianCopula copula = marginals.withCorrelation(moments);
    double fitSeconds = (System.nanoTime() - t1) / 1e9;
    LOG.info("fitted {} columns on {} rows: marginals {} s, correlation {} s", columns,
        table.count(), String.format("%.2f", prepSeconds), String.format("%.2f", fitSeconds));
    return session.writeFitted(table.count(), workers, table.metadata().toJson(),
        copula.toJson(), Map.of(), prepSeconds, fitSeconds);
  }

  /**
   * The {@code (epsilon, delta)}-DP fit ({@link PrivateCopulaFit}): one pass sums the exact
   * histograms, the driver releases them with noise and fits the marginals; a second pass sums
   * the clipped outer products of the normal scores, released with noise. Only the noisy row
   * count is recorded or logged.
   */
  private TrainSummary trainPrivately(SparkSession spark, TrainingSession session,
      TableReader.LoadedTable table, GaussianCopulaConfig config, PrivacyOptions.Budget budget,
      int workers, long t0) throws Exception {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    long seed = session.seed();
    PrivateHistograms empty = PrivateHistograms.forTable(table.profiles(), table.metadata());
    PrivateCopulaFit fit = PrivateCopulaFit.plan(budget, config.marginalsShare,
        empty.categoricalColumns());
    SplittableRandom noise = new SplittableRandom(Seeds.derive(seed, Seeds.PRIVACY));
    PrivateHistograms counts;
    try (JobDescriptions.Scope d = JobDescriptions.describe(spark, "train " + NAME
        + ": private histograms")) {
      counts = table.rows().javaRDD().treeAggregate(empty,
          (acc, row) -> acc.add(TableRows.cells(row)), PrivateHistograms::merge);
    }
    GaussianCopula marginals = fit.marginals(counts, noise);
    long noisyRows = fit.noisyRows();
    double prepSeconds = (System.nanoTime() - t0) / 1e9;
    long t1 = System.nanoTime();
    Broadcast<GaussianCopula> b = sc.broadcast(marginals);
    long scoreSeed = Seeds.derive(seed, Seeds.TRANSFORM);
    ClippedOuterProducts sums;
    try (JobDescriptions.Scope d = JobDescriptions.describe(spark, "train " + NAME
        + ": private correlation")) {
      sums = table.rows().javaRDD().treeAggregate(
          new ClippedOuterProducts(marginals.latentDim(), PrivateCopulaFit.clipFor(marginals)),
          (acc, row) -> acc.add(b.value().normalScores(TableRows.cells(row), scoreSeed)),
          ClippedOuterProducts::merge);
    } finally {
      b.destroy();
    }
    GaussianCopula copula = fit.withCorrelation(marginals, sums, noise);
    double fitSeconds = (System.nanoTime() - t1) / 1e9;
    LOG.info("fitted {} columns with differential privacy (epsilon {}, delta {}) on about {} "
        + "rows: {}", table.profiles().size(), budget.epsilon(), budget.delta(), noisyRows,
        fit.privacyJson());
    return session.writeFitted(noisyRows, workers, table.metadata().toJson(), copula.toJson(),
        Map.of(), prepSeconds, fitSeconds, fit.privacyJson());
  }

  /** What each generation partition needs; shipped once per job as a broadcast. */
  record CopulaPayload(GaussianCopula copula, GenerationPlan plan, long seed)
      implements Serializable {}

  @Override
  public java.util.LinkedHashMap<String, Long> classCounts(ModelBundle bundle) throws Exception {
    return TableGeneration.classCounts(GaussianCopula.fromJson(bundle.transformer()),
        TableMetadata.fromJson(bundle.metadata()));
  }

  @Override
  public GenerateSummary generate(SparkSession spark, ModelBundle bundle, GenerateRequest req)
      throws Exception {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    GaussianCopula copula = GaussianCopula.fromJson(bundle.transformer());
    TableMetadata metadata = TableMetadata.fromJson(bundle.metadata());
    ConditionSet set = conditionSet(copula, req);
    GenerationPlan plan = GenerationPlan.forConditions(copula, req.rows(), req.partitions(), set,
        metadata.label(), 1.0);
    String format = TableGeneration.outputFormat(NAME, req);
    LOG.info("generate {}: rows={} partitions={} seed={} condition={} output={}", NAME,
        req.rows(), req.partitions(), req.seed(), req.conditionText(), req.output());
    Broadcast<CopulaPayload> payload = sc.broadcast(new CopulaPayload(copula, plan, req.seed()));
    try {
      List<Integer> ids = IntStream.range(0, req.partitions()).boxed().toList();
      JavaRDD<Row> rows = sc.parallelize(ids, req.partitions())
          .mapPartitions(new GeneratePartition(payload));
      TableGeneration.Written w = TableGeneration.write(spark, req, format, rows,
          TableGeneration.schema(copula.columnNames(), copula.valueTypes()), NAME, bundle.seed());
      return new GenerateSummary(req.rows(), req.partitions(), w.seconds(), w.path(), 0, 0);
    } finally {
      payload.destroy();
    }
  }

  /** Latent draws from which the rows' split over several categories is estimated. */
  static final int CELL_FREQUENCY_DRAWS = 100_000;

  /**
   * The request's conditions checked against the copula, or null without any; rows split over
   * the categories an {@code in} allows by {@code --condition-weights}, or else by the copula's
   * own joint frequency of each combination under the other conditions (estimated from
   * {@value #CELL_FREQUENCY_DRAWS} draws of the generation seed; by the categories' training
   * frequencies when no draw meets the conditions).
   */
  static ConditionSet conditionSet(GaussianCopula copula, GenerateRequest req) {
    if (req.conditions().isEmpty()) {
      return null;
    }
    ConditionSet set = ConditionSet.resolve(req.conditions(), copula, copula.marginals(),
        copula.valueTypes());
    if (req.conditionWeights() != null) {
      return set.withWeights(req.conditionWeights(), copula);
    }
    if (set.cells().size() == 1) {
      return set;
    }
    double[] f = copula.cellFrequencies(set, CELL_FREQUENCY_DRAWS, req.seed());
    LOG.info("conditions: {} combinations of categories, joint frequencies from {} draws: {}",
        f.length, CELL_FREQUENCY_DRAWS, java.util.Arrays.toString(f));
    return set.withFrequencies(f);
  }

  /** Generates one partition's rows from its derived seed, one at a time. */
  static final class GeneratePartition implements FlatMapFunction<Iterator<Integer>, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<CopulaPayload> payload;

    GeneratePartition(Broadcast<CopulaPayload> payload) {
      this.payload = payload;
    }

    @Override
    public Iterator<Row> call(Iterator<Integer> ids) {
      CopulaPayload p = payload.value();
      return TableGeneration.sparkRows(new Iterator<Object[]>() {
        private Iterator<Object[]> rows = java.util.Collections.emptyIterator();

        @Override
        public boolean hasNext() {
          while (!rows.hasNext() && ids.hasNext()) {
            int id = ids.next();
            long s = Seeds.derive(p.seed(), Seeds.GENERATE, id);
            rows = p.copula().rows(p.plan().conditions(p.copula(), id, s), s);
          }
          return rows.hasNext();
        }

        @Override
        public Object[] next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          return rows.next();
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
