package io.synthgen.tabular.gan;

import io.synthgen.model.Seeds;
import io.synthgen.model.train.LocalTrainer;
import io.synthgen.model.train.TrainingState;
import io.synthgen.tabular.EncodedTable;
import io.synthgen.tabular.condition.LabelPairs;
import io.synthgen.tabular.condition.TrainingByConditionSampler;
import io.synthgen.tabular.transform.TableTransformer;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/** Runs local CTGAN steps on one worker's {@link EncodedTable}, for the averaging trainer. */
public final class TabularGanTrainer implements LocalTrainer<EncodedTable> {
  private static final long serialVersionUID = 1L;
  private final TableTransformer transformer;
  private final TabularGanConfig config;
  private final LabelPairs labelPairs;
  private final int label;
  /** DP-SGD settings, or null to train without differential privacy. */
  private final PrivateSgd privateSgd;

  public TabularGanTrainer(TableTransformer transformer, TabularGanConfig config) {
    this(transformer, config, null, -1);
  }

  /**
   * A trainer whose critic runs DP-SGD with {@code privateSgd} ({@link
   * TabularGan#trainStepPrivately}); the config must have the auxiliary classifier and the
   * correlation loss off.
   */
  public TabularGanTrainer(TableTransformer transformer, TabularGanConfig config,
      PrivateSgd privateSgd) {
    this(transformer, config, null, -1, privateSgd);
  }

  /**
   * A trainer whose conditions pair each category with the label ({@code labelPairs}; null for
   * CTGAN's); {@code label} is the label's index among the discrete columns (-1: none), which
   * the auxiliary classifier ({@code classifier-loss-weight}) predicts.
   */
  public TabularGanTrainer(TableTransformer transformer, TabularGanConfig config,
      LabelPairs labelPairs, int label) {
    this(transformer, config, labelPairs, label, null);
  }

  private TabularGanTrainer(TableTransformer transformer, TabularGanConfig config,
      LabelPairs labelPairs, int label, PrivateSgd privateSgd) {
    this.transformer = transformer;
    this.config = config;
    this.labelPairs = labelPairs;
    this.label = label;
    this.privateSgd = privateSgd;
  }

  @Override
  public java.util.Set<String> parameterTensors() {
    return config.classifierWeight > 0 && label >= 0
        ? java.util.Set.of(TabularGanTensors.GENERATOR, TabularGanTensors.CRITIC, TabularGanTensors.CLASSIFIER)
        : java.util.Set.of(TabularGanTensors.GENERATOR, TabularGanTensors.CRITIC);
  }

  @Override
  public String[] metricNames() {
    String[] metrics = privateSgd != null ? TabularGan.PRIVATE_METRICS : TabularGan.METRICS;
    if (!config.stepPhases) {
      return metrics.clone();
    }
    String[] names = java.util.Arrays.copyOf(metrics, metrics.length + TabularGan.PHASES.length);
    for (int i = 0; i < TabularGan.PHASES.length; i++) {
      names[metrics.length + i] = "ms_" + TabularGan.PHASES[i];
    }
    return names;
  }

  /** Freshly initialized weights and zero optimizer state. */
  public TrainingState initialState(long seed) {
    TabularGan gan = new TabularGan(transformer, config, labelPairs, label);
    gan.initialize(Seeds.derive(seed, Seeds.INIT));
    return gan.exportState(new double[0], 0, 0);
  }

  @Override
  public TrainingState train(TrainingState start, EncodedTable partition, int steps, long seed) {
    TabularGan gan = new TabularGan(transformer, config, labelPairs, label);
    gan.importState(start);
    if (partition.rows() == 0) {
      throw new IllegalStateException("a training partition is empty: use fewer workers");
    }
    TrainingByConditionSampler sampler = privateSgd != null ? null
        : new TrainingByConditionSampler(partition, transformer);
    Random nd = Nd4j.getRandomFactory().getNewRandomInstance(Seeds.derive(seed, 1));
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, 2));
    double[] sums = new double[metricNames().length];
    int metrics = privateSgd != null ? TabularGan.PRIVATE_METRICS.length
        : TabularGan.METRICS.length;
    for (int s = 0; s < steps; s++) {
      double[] m = privateSgd != null ? gan.trainStepPrivately(partition, privateSgd, nd, rng)
          : gan.trainStep(partition, sampler, nd, rng);
      for (int i = 0; i < m.length; i++) {
        sums[i] += m[i];
      }
    }
    if (config.stepPhases) {
      long[] nanos = gan.phaseNanos();
      for (int i = 0; i < nanos.length; i++) {
        sums[metrics + i] = nanos[i] / 1e6;
      }
    }
    return gan.exportState(sums, steps, (long) steps * config.batchSize);
  }
}
