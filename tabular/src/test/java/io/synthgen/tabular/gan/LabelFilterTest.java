package io.synthgen.tabular.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.train.TrainingState;
import io.synthgen.tabular.EncodedTable;
import io.synthgen.tabular.TabularFixtures;
import io.synthgen.tabular.condition.GenerationPlan;
import io.synthgen.tabular.transform.TableTransformer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LabelFilterTest {
  private static final double THRESHOLD = 0.8;
  /**
   * Least rise of the share of class-consistent label=yes rows with the filter at 0.5 (measured
   * 0.53 -> 0.96).
   */
  private static final double MIN_AGREEMENT_GAIN = 0.3;
  private static final int ROWS = 1000;

  private static TableTransformer transformer;
  private static TrainingState state;

  /** label = yes exactly when x > 0.8; a short training leaves many label=yes rows below it. */
  @BeforeAll
  static void train() {
    List<Object[]> rows = new ArrayList<>();
    SplittableRandom rng = new SplittableRandom(9);
    for (int i = 0; i < 2000; i++) {
      double x = rng.nextGaussian();
      rows.add(new Object[] {x, rng.nextBoolean() ? "red" : "blue", x > THRESHOLD ? "yes" : "no"});
    }
    TabularGanConfig config = config(0);
    transformer = TableTransformer.fit(TabularFixtures.profilesOf(rows,
        new String[] {"x", "colour", "label"}, new boolean[] {false, true, true}),
        config.fitOptions);
    EncodedTable enc = transformer.encode(rows.iterator(), 1);
    state = TabularFixtures.trainRounds(
        new TabularGanTrainer(transformer, config, null, labelIndex()), enc, 3, 4);
  }

  private static TabularGanConfig config(double filter) {
    return TabularFixtures.smallConfig("correlation-loss-weight=0", "classifier-loss-weight=0.3",
        "output.label-filter=" + filter);
  }

  private static int labelIndex() {
    return transformer.categoricalIndex(2);
  }

  private static List<Object[]> sample(double filter, String condition, long seed) {
    TabularGanConfig config = config(filter);
    TabularSampler sampler = TabularFixtures.samplerOf(transformer, config, state);
    if (filter > 0) {
      sampler.filteringLabels(new LabelFilter(transformer, config, labelIndex(),
          state.tensor(TabularGanTensors.CLASSIFIER)));
    }
    return sampler.sample(GenerationPlan.create(transformer, ROWS, 1, condition, "label")
        .conditions(transformer, 0, seed), seed).rows();
  }

  private static double aboveThreshold(List<Object[]> rows) {
    return rows.stream().filter(r -> r[0] != null && (Double) r[0] > THRESHOLD).count()
        / (double) rows.size();
  }

  @Test
  void filteredRareClassRowsLieWhereRealRowsOfThatClassLie() {
    List<Object[]> plain = sample(0, "label=yes", 5);
    List<Object[]> filtered = sample(0.5, "label=yes", 5);
    assertEquals(ROWS, filtered.size());
    assertTrue(filtered.stream().allMatch(r -> "yes".equals(r[2])), "every row keeps its class");
    assertTrue(aboveThreshold(filtered) >= aboveThreshold(plain) + MIN_AGREEMENT_GAIN,
        "filtered " + aboveThreshold(filtered) + ", plain " + aboveThreshold(plain));
  }

  @Test
  void anUnconditionalJobKeepsItsExactClassCounts() {
    List<Object[]> plain = sample(0, null, 7);
    List<Object[]> filtered = sample(0.5, null, 7);
    assertEquals(yesCount(plain), yesCount(filtered), "the plan's class counts are exact");
  }

  private static long yesCount(List<Object[]> rows) {
    return rows.stream().filter(r -> "yes".equals(r[2])).count();
  }

  @Test
  void theSameSeedDrawsTheSameFilteredRows() {
    List<Object[]> a = sample(0.5, null, 11);
    List<Object[]> b = sample(0.5, null, 11);
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), "row " + i);
    }
  }

  @Test
  void aZeroThresholdAcceptsEveryRowAndChangesNothing() {
    TabularGanConfig config = config(0);
    TabularSampler sampler = TabularFixtures.samplerOf(transformer, config, state)
        .filteringLabels(new LabelFilter(transformer, config, labelIndex(),
            state.tensor(TabularGanTensors.CLASSIFIER)));
    GenerationPlan.Conditions plan = GenerationPlan.create(transformer, 300, 1, null, "label")
        .conditions(transformer, 0, 13);
    List<Object[]> filtered = sampler.sample(plan, 13).rows();
    List<Object[]> plain = TabularFixtures.samplerOf(transformer, config, state)
        .sample(plan, 13).rows();
    for (int i = 0; i < plain.size(); i++) {
      assertArrayEquals(plain.get(i), filtered.get(i), "row " + i);
    }
  }

  @Test
  void classProbabilitiesSumToOne() {
    TabularGanConfig config = config(0.5);
    LabelFilter f = new LabelFilter(transformer, config, labelIndex(),
        state.tensor(TabularGanTensors.CLASSIFIER));
    float[] codes = new float[3 * transformer.width()];
    codes[0] = 0.5f;
    float[] p = f.probabilities(codes, 3);
    for (int b = 0; b < 3; b++) {
      assertEquals(1.0, p[2 * b] + p[2 * b + 1], 1e-5);
    }
  }

  @Test
  void aTableWithoutACategoricalLabelOrWithoutClassifierWeightsIsRefused() {
    TabularGanConfig config = config(0.5);
    assertThrows(IllegalArgumentException.class,
        () -> new LabelFilter(transformer, config, -1, state.tensor(TabularGanTensors.CLASSIFIER)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LabelFilter(transformer, config, labelIndex(), new float[3]));
    assertTrue(e.getMessage().contains("3 values"), e.getMessage());
  }
}
