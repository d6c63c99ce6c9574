package io.synthgen.tabular.gan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.model.Seeds;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.tabular.TableMetadata;
import io.synthgen.tabular.ValueType;
import io.synthgen.tabular.condition.ConditionSet;
import io.synthgen.tabular.condition.GenerationPlan;
import io.synthgen.tabular.condition.LabelPairs;
import io.synthgen.tabular.correction.CategoryWeights;
import io.synthgen.tabular.correction.MarginalMatcher;
import io.synthgen.tabular.profile.ColumnProfile;
import io.synthgen.tabular.profile.EmpiricalMarginal;
import io.synthgen.tabular.transform.TableTransformer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trained {@code tabular-gan} model, read from its bundle and ready to sample: the fitted
 * transformer, the generator's weights, the label pairs of its conditions, and the output
 * corrections its config asks for (output.match-categories, output.match-marginals,
 * output.label-filter), fitted once on the driver. It is serializable so that a Spark job ships
 * it to every generation partition, where {@link #sampler()} builds the sampler; sampling builds
 * neither the critic nor any optimizer.
 *
 * <p>The corrections are fitted on pilot samples seeded by the model's own seed, so every
 * generate job of one model corrects the same way, whatever its seed and partitioning.
 */
public final class TabularGanModel implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(TabularGanModel.class);
  /** Path of the pilot sample's seed (under the model's seed and {@code Seeds.SAMPLE}). */
  private static final long PILOT = 0x70696c6fL;

  private final TableTransformer transformer;
  /** The metadata's label column, or null. */
  private final String label;
  private final TabularGanConfig config;
  private final float[] generator;
  private final float[] generatorBuffers;
  private final LabelPairs labelPairs;
  /** The label's discrete index for output.label-filter, or -1 when it is off. */
  private final int filterLabel;
  private final float[] classifier;
  private CategoryWeights categoryWeights;
  private MarginalMatcher marginals;
  /** The training distribution of each numeric column (by table column), or null. */
  private EmpiricalMarginal[] trainingMarginals;
  /** The bundle's seed, from which pilot rows are drawn. */
  private long pilotSeed;

  private TabularGanModel(TableTransformer transformer, String label,
      TabularGanConfig config, float[] generator, float[] generatorBuffers,
      LabelPairs labelPairs, int filterLabel, float[] classifier) {
    this.transformer = transformer;
    this.label = label;
    this.config = config;
    this.generator = generator;
    this.generatorBuffers = generatorBuffers;
    this.labelPairs = labelPairs;
    this.filterLabel = filterLabel;
    this.classifier = classifier;
  }

  /**
   * The model of a {@code tabular-gan} bundle with its output corrections fitted (the bundle's
   * config, including any generation-time keys a job overrode, says which).
   */
  public static TabularGanModel fromBundle(ModelBundle bundle) {
    TableTransformer transformer = TableTransformer.fromJson(bundle.transformer());
    TableMetadata metadata = TableMetadata.fromJson(bundle.metadata());
    TabularGanConfig config = TabularGanConfig.from(bundle.modelOptions(TabularGanConfig.SPECS));
    int label = transformer.categoricalIndexOf(metadata.label());
    float[] classifier = null;
    if (config.labelFilter > 0) {
      classifier = bundle.tensors().get(TabularGanTensors.CLASSIFIER);
      if (label < 0 || classifier == null) {
        LOG.warn("output.label-filter={} ignored: the model has no auxiliary classifier ({}); "
            + "train with classifier-loss-weight > 0 and a categorical label to use it",
            config.labelFilter, label < 0 ? "the table has no categorical label"
                : "it was trained with classifier-loss-weight=0");
        classifier = null;
      } else {
        LOG.info("output.label-filter: keeping rows whose label class the auxiliary classifier "
            + "gives p >= {} (at most {} draws a row)", config.labelFilter,
            LabelFilter.MAX_DRAWS);
      }
    }
    TabularGanModel model = new TabularGanModel(transformer, metadata.label(), config,
        bundle.tensors().get(TabularGanTensors.GENERATOR),
        bundle.tensors().get(TabularGanTensors.GENERATOR_BUFFERS),
        labelPairs(bundle, transformer, config, metadata), classifier == null ? -1 : label,
        classifier);
    model.pilotSeed = bundle.seed();
    model.trainingMarginals = MarginalMatcher.marginalsFromJson(
        bundle.transformer().get(TabularGanTensors.MARGINALS));
    model.fitCorrections(bundle);
    return model;
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
    JsonNode node = bundle.transformer().get(TabularGanTensors.LABEL_PAIRS);
    if (node == null) {
      if (transformer.categoricalIndexOf(metadata.label()) >= 0) {
        LOG.warn("the model bundle was trained without label-paired-conditions (it has no "
            + "label pairs): generating with single conditions");
      }
      return null;
    }
    return LabelPairs.fromJson(node, transformer);
  }

  /**
   * Fits output.match-categories' weights from the raw softmax outputs of a pilot sample, then
   * output.match-marginals' mapping from rows generated with those weights.
   */
  private void fitCorrections(ModelBundle bundle) {
    if (!config.matchMarginals && !config.matchCategories) {
      return;
    }
    long t0 = System.nanoTime();
    GenerationPlan pilot = GenerationPlan.create(transformer, config.pilotRows, 1, null,
        label, config.labelConditionShare).pairedWith(labelPairs);
    long seed = Seeds.derive(bundle.seed(), Seeds.SAMPLE, PILOT);
    GenerationPlan.Conditions conditions = pilot.conditions(transformer, 0, seed);
    TabularSampler sampler = sampler();
    if (config.matchCategories && !transformer.discreteColumns().isEmpty()) {
      long[][] counts = new long[transformer.discreteColumns().size()][];
      for (int j = 0; j < counts.length; j++) {
        counts[j] = transformer.categoriesOf(transformer.discreteColumns().get(j).column())
            .counts();
      }
      categoryWeights = CategoryWeights.fit(sampler.categoryProbabilities(conditions, seed),
          counts);
      sampler.weightingCategories(categoryWeights);
    }
    if (config.matchMarginals) {
      EmpiricalMarginal[] real = MarginalMatcher.marginalsFromJson(
          bundle.transformer().get(TabularGanTensors.MARGINALS));
      if (real == null) {
        LOG.warn("the model bundle has no training distributions (written before "
            + "output.match-marginals): generating without matching them");
      } else {
        marginals = marginalMatcher(bundle, sampler.sample(conditions, seed).rows(), real);
      }
    }
    LOG.info("output corrections (categories={}, marginals={}) fitted on {} pilot rows in {} s",
        categoryWeights != null, marginals != null, config.pilotRows,
        String.format("%.2f", (System.nanoTime() - t0) / 1e9));
  }

  /** output.match-marginals' step, per class of the label where the bundle has them. */
  private MarginalMatcher marginalMatcher(ModelBundle bundle, List<Object[]> pilot,
      EmpiricalMarginal[] real) {
    JsonNode byLabel = bundle.transformer().get(TabularGanTensors.MARGINALS_BY_LABEL);
    if (!config.matchMarginalsByLabel) {
      return MarginalMatcher.fit(pilot, real);
    }
    String byLabelColumn = MarginalMatcher.labelOf(byLabel);
    int column = byLabelColumn == null ? -1
        : transformer.columnNames().indexOf(byLabelColumn);
    if (column < 0) {
      LOG.info("output.match-marginals-by-label: the model bundle has no per-class training "
          + "distributions (no categorical label, or written before the key): matching whole "
          + "columns");
      return MarginalMatcher.fit(pilot, real);
    }
    MarginalMatcher m = MarginalMatcher.fit(pilot, real, column,
        MarginalMatcher.marginalsByClassFromJson(byLabel));
    LOG.info("output.match-marginals-by-label: classes {} of '{}' mapped onto their own "
        + "distributions, the others onto whole columns", m.classes(), byLabelColumn);
    return m;
  }

  /**
   * A bundle's transformer section: the fitted transformer, the training distribution of every
   * numeric column ({@link TabularGanTensors#MARGINALS}) and, with a categorical label, of every
   * numeric column within each class ({@link TabularGanTensors#MARGINALS_BY_LABEL}, from
   * {@code profilesByClass}, one more pass over the table, for classes of at least
   * {@code minClassRows} rows; stored whatever output.match-marginals-by-label says, so a
   * generate job can switch it on), each a quantile grid ({@link EmpiricalMarginal}) kept from
   * {@code previous} (a resumed bundle's section, or null) when it has it; plus the label pairs
   * when not null.
   */
  public static JsonNode transformerSection(TableTransformer transformer, JsonNode previous,
      List<ColumnProfile> profiles, String label,
      Supplier<Map<String, List<ColumnProfile>>> profilesByClass, int minClassRows,
      LabelPairs pairs) {
    ObjectNode t = (ObjectNode) transformer.toJson();
    JsonNode kept = previous == null ? null : previous.get(TabularGanTensors.MARGINALS);
    t.set(TabularGanTensors.MARGINALS, kept != null ? kept
        : MarginalMatcher.marginalsJson(profiles, EmpiricalMarginal.GRID_POINTS));
    JsonNode keptByLabel = previous == null ? null
        : previous.get(TabularGanTensors.MARGINALS_BY_LABEL);
    if (keptByLabel != null) {
      t.set(TabularGanTensors.MARGINALS_BY_LABEL, keptByLabel);
    } else if (transformer.categoricalIndexOf(label) >= 0) {
      t.set(TabularGanTensors.MARGINALS_BY_LABEL, MarginalMatcher.marginalsByClassJson(label,
          profilesByClass.get(), EmpiricalMarginal.GRID_POINTS, minClassRows));
    }
    if (pairs != null) {
      t.set(TabularGanTensors.LABEL_PAIRS, pairs.toJson());
    }
    return t;
  }

  /** A sampler of this model with every fitted output correction applied. */
  public TabularSampler sampler() {
    return new TabularSampler(transformer, config, generator, generatorBuffers)
        .weightingCategories(categoryWeights)
        .withTrainingMarginals(trainingMarginals)
        .matchingMarginals(marginals)
        .filteringLabels(classifier == null ? null
            : new LabelFilter(transformer, config, filterLabel, classifier));
  }

  /**
   * The plan of a generate job: {@code rows} rows over {@code partitions} partitions, every row
   * carrying {@code condition} ({@code column=value}; null for the training distribution).
   */
  public GenerationPlan plan(long rows, int partitions, String condition) {
    return plan(rows, partitions, condition == null ? List.of() : List.of(condition), null);
  }

  /**
   * The plan of a generate job whose rows meet every one of {@code conditions} (the
   * {@link io.synthgen.tabular.condition.RowCondition} grammar; empty for the training
   * distribution), rows apportioned over the categories they allow by {@code weights}
   * ({@code --condition-weights}, or null: by the categories' training frequencies).
   */
  public GenerationPlan plan(long rows, int partitions, List<String> conditions,
      String weights) {
    ConditionSet set = conditions.isEmpty() ? null
        : ConditionSet.resolve(conditions, transformer, trainingMarginals, valueTypes());
    if (set != null && weights != null) {
      set = set.withWeights(weights, transformer);
    } else if (set != null && set.cells().size() > 1) {
      double[] f = set.cellFrequencies(pilotRows(), transformer);
      LOG.info("conditions: pilot rows in each combination of categories: {}",
          java.util.Arrays.toString(f));
      set = set.withFrequencies(f);
    }
    return GenerationPlan.forConditions(transformer, rows, partitions, set, label,
        config.labelConditionShare).pairedWith(labelPairs);
  }

  /**
   * {@code output.pilot-rows} unconditional rows of this model with its corrections, drawn from
   * the model's seed: the joint frequencies of the categories several conditions allow.
   */
  private List<Object[]> pilotRows() {
    long t0 = System.nanoTime();
    GenerationPlan pilot = GenerationPlan.create(transformer, config.pilotRows, 1, null,
        label, config.labelConditionShare).pairedWith(labelPairs);
    long seed = Seeds.derive(pilotSeed, Seeds.SAMPLE, PILOT, 2);
    List<Object[]> rows = sampler().sample(pilot.conditions(transformer, 0, seed), seed).rows();
    LOG.info("conditions: the split over categories from {} pilot rows ({} s)", rows.size(),
        String.format("%.2f", (System.nanoTime() - t0) / 1e9));
    return rows;
  }

  /**
   * The rows of the plan's partitions {@code partitionIds}, one after another, each partition
   * drawn from its own seed derived from {@code seed} (so the rows depend on the partition, not
   * on the executor that draws it). {@code onPartitionEnd} receives each partition's finished
   * stream (for its condition and label-filter counts).
   */
  public static Iterator<Object[]> rows(TabularSampler sampler, TableTransformer transformer,
      GenerationPlan plan, Iterator<Integer> partitionIds, long seed,
      Consumer<TabularSampler.Stream> onPartitionEnd) {
    return new Iterator<>() {
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
            onPartitionEnd.accept(stream);
            stream = null;
          }
          if (!partitionIds.hasNext()) {
            return false;
          }
          int id = partitionIds.next();
          long s = Seeds.derive(seed, Seeds.GENERATE, id);
          stream = sampler.stream(plan.conditions(transformer, id, s), s);
        }
        return true;
      }

      @Override
      public Object[] next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return chunk.next();
      }
    };
  }

  public TableTransformer transformer() {
    return transformer;
  }

  public TabularGanConfig config() {
    return config;
  }

  /** Whether output.label-filter is on and the model has the classifier it needs. */
  public boolean filtersLabels() {
    return classifier != null;
  }

  /** The value type of every column, in table order. */
  public List<ValueType> valueTypes() {
    List<ValueType> types = new ArrayList<>();
    transformer.columns().forEach(c -> types.add(c.valueType()));
    return types;
  }
}
