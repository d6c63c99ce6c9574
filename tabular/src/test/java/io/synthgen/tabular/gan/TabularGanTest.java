package io.synthgen.tabular.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.train.TrainingState;
import io.synthgen.tabular.EncodedTable;
import io.synthgen.tabular.TabularFixtures;
import io.synthgen.tabular.condition.GenerationPlan;
import io.synthgen.tabular.condition.LabelPairs;
import io.synthgen.tabular.condition.TrainingByConditionSampler;
import io.synthgen.tabular.correction.MarginalMatcher;
import io.synthgen.tabular.profile.ColumnProfile;
import io.synthgen.tabular.profile.EmpiricalMarginal;
import io.synthgen.tabular.transform.OneHotCategoryEncoder;
import io.synthgen.tabular.transform.TableTransformer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.factory.Nd4j;

class TabularGanTest {
  /** After short training the generator itself (before the value is fixed) honours most conditions. */
  private static final double MIN_HONOURED_SHARE = 0.8;
  /** A short run on two columns with r = 0.8 must reach at least this correlation. */
  private static final double MIN_RECOVERED_R = 0.6;
  /** Correlation-loss weight of the test that needs it. */
  private static final double CORRELATION_WEIGHT = 10;

  @Test
  void samplerDrawsCategoriesByLogFrequency() {
    List<Object[]> rows = TabularFixtures.table(3000, 1);
    TableTransformer t = TabularFixtures.fitted(rows);
    EncodedTable enc = t.encode(rows.iterator(), 1);
    TrainingByConditionSampler s = new TrainingByConditionSampler(enc, t);
    long[] counts = ((OneHotCategoryEncoder) t.columns().get(1)).counts();
    double[] expected = new double[counts.length];
    double total = 0;
    for (int c = 0; c < counts.length; c++) {
      expected[c] = Math.log(counts[c] + 1.0);
      total += expected[c];
    }
    int[] seen = new int[counts.length];
    SplittableRandom rng = new SplittableRandom(3);
    int draws = 30000;
    for (int i = 0; i < draws; i++) {
      int c = s.sampleCategory(0, rng);
      seen[c]++;
      int row = s.sampleRow(0, c, rng);
      assertEquals(c, enc.category(0, row), "drawn row carries the drawn category");
    }
    for (int c = 0; c < counts.length; c++) {
      assertEquals(expected[c] / total, (double) seen[c] / draws, 0.01, "category " + c);
    }
  }

  @Test
  void trainingTeachesTheGeneratorToHonourConditionsAndSamplingIsExact() {
    List<Object[]> rows = TabularFixtures.table(1000, 7);
    // CTGAN's losses only: in 300 steps the default correlation loss (weight 50) slows the
    // conditional cross-entropy (223 of 400 honoured); after full-length training the shared
    // tables' models honour 99.5-100% with it (scripts/benchmark-quality)
    TabularGanConfig config = TabularFixtures.smallConfig("correlation-loss-weight=0");
    TabularFixtures.Trained trained = TabularFixtures.trained(rows,
        TabularFixtures.profiles(rows), config, 7, 1, 15);
    TableTransformer t = trained.transformer();
    assertEquals(300, trained.state().step());
    TabularSampler sampler = trained.sampler();
    GenerationPlan plan = GenerationPlan.create(t, 400, 1, "label=yes", "label");
    TabularSampler.Result result = sampler.sample(plan.conditions(t, 0, 3), 3);
    assertEquals(400, result.rows().size());
    assertTrue(result.rows().stream().allMatch(r -> r[2].equals("yes")));
    assertTrue(result.honoured() >= MIN_HONOURED_SHARE * result.conditioned(),
        "honoured " + result.honoured() + " of " + result.conditioned());
    for (Object[] r : result.rows()) {
      if (r[0] != null) {
        double v = (Double) r[0];
        assertTrue(v >= -10 && v <= 200, "value within observed bounds: " + v);
      }
    }
  }

  @Test
  void samplingIsDeterministicForASeed() {
    List<Object[]> rows = TabularFixtures.table(300, 8);
    TabularGanConfig config = TabularFixtures.smallConfig();
    TableTransformer t = TableTransformer.fit(TabularFixtures.profiles(rows), config.fitOptions);
    TrainingState state = new TabularGanTrainer(t, config).initialState(2);
    TabularSampler sampler = new TabularSampler(t, config, state.tensor(TabularGanTensors.GENERATOR),
        state.tensor(TabularGanTensors.GENERATOR_BUFFERS));
    GenerationPlan plan = GenerationPlan.create(t, 50, 1, null, "label");
    List<Object[]> a = sampler.sample(plan.conditions(t, 0, 4), 4).rows();
    List<Object[]> b = sampler.sample(plan.conditions(t, 0, 4), 4).rows();
    for (int i = 0; i < a.size(); i++) {
      assertEquals(java.util.Arrays.asList(a.get(i)), java.util.Arrays.asList(b.get(i)));
    }
  }

  @Test
  void shortTrainingOnTwoCorrelatedColumnsRecoversTheirCorrelationAndMatchingKeepsIt() {
    List<Object[]> rows = correlatedPair(2000, 11);
    List<ColumnProfile> profiles = TabularFixtures.profilesOf(rows, new String[] {"x", "y"},
        new boolean[] {false, false});
    // one mode per column and no correlation loss: with ten modes, independent mode draws at
    // sampling time wash the learned dependence out (r stays near 0 after 600 steps)
    TabularGanConfig config = TabularFixtures.smallConfig("transformer.max-modes=1",
        "correlation-loss-weight=0");
    TabularFixtures.Trained trained = trainOn(rows, profiles, config);
    TableTransformer t = trained.transformer();
    TabularSampler sampler = trained.sampler();
    GenerationPlan plan = GenerationPlan.create(t, 2000, 1, null, null);
    List<Object[]> raw = sampler.sample(plan.conditions(t, 0, 12), 12).rows();
    assertTrue(pearson(raw) >= MIN_RECOVERED_R, "generated r " + pearson(raw));
    EmpiricalMarginal[] real = {EmpiricalMarginal.fit(profiles.get(0), 2000),
        EmpiricalMarginal.fit(profiles.get(1), 2000)};
    sampler.matchingMarginals(MarginalMatcher.fit(raw, real));
    List<Object[]> matched = sampler.sample(plan.conditions(t, 0, 13), 13).rows();
    assertTrue(pearson(matched) >= MIN_RECOVERED_R, "matched r " + pearson(matched));
  }

  @ParameterizedTest(name = "straight-through={0}")
  @ValueSource(booleans = {false, true})
  void correlationLossRecoversTheCorrelationThatIndependentModeDrawsWashOut(
      boolean straightThrough) {
    List<Object[]> rows = correlatedPair(2000, 11);
    List<ColumnProfile> profiles = TabularFixtures.profilesOf(rows, new String[] {"x", "y"},
        new boolean[] {false, false});
    TabularGanConfig config = TabularFixtures.smallConfig("correlation-loss-weight="
        + CORRELATION_WEIGHT, "correlation-loss-straight-through=" + straightThrough);
    assertTrue(config.fitOptions.maxModes() > 1, "several modes per column (the default)");
    // 20 rounds of 20 steps reach r = 0.72 / 0.73 (30 rounds: 0.68 / 0.71)
    TabularFixtures.Trained trained = TabularFixtures.trained(rows, profiles, config, 11, 11, 20);
    assertTrue(trained.state().metricMean(4) > 0, "the correlation loss is reported");
    TableTransformer t = trained.transformer();
    TabularSampler sampler = trained.sampler();
    GenerationPlan plan = GenerationPlan.create(t, 2000, 1, null, null);
    List<Object[]> raw = sampler.sample(plan.conditions(t, 0, 12), 12).rows();
    assertTrue(pearson(raw) >= MIN_RECOVERED_R, "generated r " + pearson(raw));
  }

  @Test
  void hardenedOutputHasOneHotSpansAtTheArgmaxAndKeepsScalars() {
    TableTransformer t = TabularFixtures.fitted(TabularFixtures.table(200, 3));
    TabularGan gan = new TabularGan(t, TabularFixtures.smallConfig());
    int w = t.width();
    float[] soft = new float[2 * w];
    SplittableRandom rng = new SplittableRandom(4);
    for (int i = 0; i < soft.length; i++) {
      soft[i] = (float) rng.nextDouble();
    }
    float[] hard = gan.hardened(Nd4j.create(soft, new long[] {2, w}, 'c')).data().asFloat();
    for (TableTransformer.Span s : t.spans()) {
      for (int b = 0; b < 2; b++) {
        int base = b * w + s.start();
        if (s.tanh()) {
          assertEquals(soft[base], hard[base]);
          continue;
        }
        int argmax = 0;
        for (int k = 1; k < s.width(); k++) {
          argmax = soft[base + k] > soft[base + argmax] ? k : argmax;
        }
        for (int k = 0; k < s.width(); k++) {
          assertEquals(k == argmax ? 1f : 0f, hard[base + k], "span at " + s.start());
        }
      }
    }
  }

  @Test
  void pairedTrainingConditionsNameACategoryAndTheLabelOfTheRealRowTheCriticSees() {
    List<Object[]> rows = TabularFixtures.table(1000, 2);
    TableTransformer t = TabularFixtures.fitted(rows);
    EncodedTable enc = t.encode(rows.iterator(), 1);
    int label = t.categoricalIndex(2);
    LabelPairs pairs = LabelPairs.count(enc, t, label);
    TabularGan gan = new TabularGan(t, TabularFixtures.smallConfig(), pairs, label);
    TabularGan.Conditions c = gan.trainingConditions(enc,
        new TrainingByConditionSampler(enc, t), 400, new SplittableRandom(6));
    float[] v = c.vector().data().asFloat();
    int w = t.conditionWidth();
    for (int b = 0; b < 400; b++) {
      int hot = 0;
      for (TableTransformer.DiscreteColumn d : t.discreteColumns()) {
        int j = t.categoricalIndex(d.column());
        for (int k = 0; k < d.width(); k++) {
          if (v[b * w + d.conditionOffset() + k] == 1f) {
            hot++;
            assertEquals(enc.category(j, c.rows()[b]), k, "the row carries every condition");
          }
        }
      }
      assertEquals(2, hot, "a category and a class");
      assertEquals(enc.category(c.column()[b], c.rows()[b]), c.category()[b]);
    }
    TabularGan.Conditions single = new TabularGan(t, TabularFixtures.smallConfig())
        .trainingConditions(enc, new TrainingByConditionSampler(enc, t), 50,
            new SplittableRandom(6));
    assertEquals(50.0, single.vector().sumNumber().doubleValue(), 0.0, "one-hot without pairs");
  }

  @Test
  void aGeneratorTrainedWithPairedConditionsHonoursThePartnerAndGenerationCarriesIt() {
    SplittableRandom data = new SplittableRandom(21);
    List<Object[]> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      boolean red = data.nextBoolean();
      rows.add(new Object[] {(red ? 10 : 50) + data.nextGaussian(), red ? "red" : "blue",
          data.nextDouble() < 0.2 ? "yes" : "no"});
    }
    List<ColumnProfile> profiles = TabularFixtures.profilesOf(rows,
        new String[] {"x", "colour", "label"}, new boolean[] {false, true, true});
    TabularGanConfig config = TabularFixtures.smallConfig("correlation-loss-weight=0",
        "label-paired-conditions=true");
    TableTransformer t = TableTransformer.fit(profiles, config.fitOptions);
    EncodedTable enc = t.encode(rows.iterator(), 1);
    LabelPairs pairs = LabelPairs.count(enc, t, t.categoricalIndex(2));
    TabularSampler sampler = TabularFixtures.samplerOf(t, config, TabularFixtures.trainRounds(
        new TabularGanTrainer(t, config, pairs, t.categoricalIndex(2)), enc, 3, 15));
    GenerationPlan.Conditions plan = GenerationPlan.create(t, 1000, 1, "label=yes", "label")
        .pairedWith(pairs).conditions(t, 0, 5);
    // the same conditions, none carried: what the generator itself makes of them
    GenerationPlan.Conditions free = new GenerationPlan.Conditions(plan.column(),
        plan.category(), -1, plan.pairedColumn(), plan.pairedCategory());
    List<Object[]> out = sampler.sample(free, 5).rows();
    List<String> colours = t.categoriesOf(1).categories();
    int classes = 0;
    int partners = 0;
    int red = 0;
    for (int i = 0; i < out.size(); i++) {
      classes += "yes".equals(out.get(i)[2]) ? 1 : 0;
      String partner = colours.get(plan.pairedCategory()[i]);
      partners += partner.equals(out.get(i)[1]) ? 1 : 0;
      red += "red".equals(partner) ? 1 : 0;
    }
    assertEquals(0.5, red / 1000.0, 0.06, "partner colours drawn at their real share");
    assertTrue(classes >= MIN_HONOURED_SHARE * out.size(), "class honoured " + classes);
    assertTrue(partners >= MIN_HONOURED_SHARE * out.size(), "partner honoured " + partners);
    List<Object[]> carried = sampler.sample(plan, 5).rows();
    for (int i = 0; i < carried.size(); i++) {
      assertEquals("yes", carried.get(i)[2]);
      assertEquals(colours.get(plan.pairedCategory()[i]), carried.get(i)[1],
          "a generate job carries the partner");
    }
  }

  @Test
  void stepPhaseTelemetryReportsEachPartsTimeAndLeavesTrainingUnchanged() {
    List<Object[]> rows = thresholdLabelled(400, 4);
    TabularGanConfig plain = TabularFixtures.smallConfig("classifier-loss-weight=1");
    TabularGanConfig timed = TabularFixtures.smallConfig("classifier-loss-weight=1",
        "telemetry.step-phases=true");
    TableTransformer t = TableTransformer.fit(thresholdProfiles(rows), plain.fitOptions);
    EncodedTable enc = t.encode(rows.iterator(), 1);
    int label = t.categoricalIndex(2);
    TabularGanTrainer a = new TabularGanTrainer(t, plain, null, label);
    TabularGanTrainer b = new TabularGanTrainer(t, timed, null, label);
    assertEquals(TabularGan.METRICS.length, a.metricNames().length);
    assertEquals(TabularGan.METRICS.length + TabularGan.PHASES.length, b.metricNames().length);
    assertEquals("ms_gp", b.metricNames()[TabularGan.METRICS.length
        + java.util.Arrays.asList(TabularGan.PHASES).indexOf("gp")]);
    TrainingState ea = a.train(a.initialState(5), enc, 5, 1);
    TrainingState eb = b.train(b.initialState(5), enc, 5, 1);
    assertEquals(java.util.Arrays.toString(ea.tensor(TabularGanTensors.GENERATOR)),
        java.util.Arrays.toString(eb.tensor(TabularGanTensors.GENERATOR)), "same training");
    for (int i = 0; i < TabularGan.PHASES.length; i++) {
      double ms = eb.metricMean(TabularGan.METRICS.length + i);
      assertTrue(ms > 0 && ms < 60_000, TabularGan.PHASES[i] + " " + ms);
    }
  }

  @Test
  void theAuxiliaryClassifierIsTrainedAveragedAndOnlyWithACategoricalLabel() {
    List<Object[]> rows = thresholdLabelled(600, 4);
    TabularGanConfig config = TabularFixtures.smallConfig("classifier-loss-weight=1");
    TableTransformer t = TableTransformer.fit(thresholdProfiles(rows), config.fitOptions);
    EncodedTable enc = t.encode(rows.iterator(), 1);
    int label = t.categoricalIndex(2);
    TabularGanTrainer trainer = new TabularGanTrainer(t, config, null, label);
    assertTrue(trainer.parameterTensors().contains(TabularGanTensors.CLASSIFIER), "averaged");
    TrainingState start = trainer.initialState(5);
    TrainingState end = trainer.train(start, enc, 20, 1);
    int aux = java.util.Arrays.asList(TabularGan.METRICS).indexOf("aux_ce");
    assertTrue(end.metricMean(aux) > 0 && Double.isFinite(end.metricMean(aux)));
    assertTrue(!java.util.Arrays.equals(start.tensor(TabularGanTensors.CLASSIFIER),
        end.tensor(TabularGanTensors.CLASSIFIER)), "the classifier learns");
    assertTrue(end.tensors().containsKey(TabularGanTensors.CLASSIFIER_ADAM_M));
    TabularGanTrainer noLabel = new TabularGanTrainer(t, config, null, -1);
    assertTrue(!noLabel.initialState(5).tensors().containsKey(TabularGanTensors.CLASSIFIER));
    TabularGanTrainer off = new TabularGanTrainer(t,
        TabularFixtures.smallConfig("classifier-loss-weight=0"), null, label);
    assertTrue(!off.initialState(5).tensors().containsKey(TabularGanTensors.CLASSIFIER));
    assertEquals(java.util.Arrays.toString(off.initialState(5).tensor(TabularGanTensors.GENERATOR)),
        java.util.Arrays.toString(start.tensor(TabularGanTensors.GENERATOR)),
        "the classifier's weights are drawn after the generator's and the critic's");
  }

  @Test
  void theClassifierTrainsAtItsOwnLearningRate() {
    List<Object[]> rows = thresholdLabelled(600, 4);
    TabularGanConfig frozen = TabularFixtures.smallConfig("classifier-loss-weight=1",
        "classifier-lr=0");
    TableTransformer t = TableTransformer.fit(thresholdProfiles(rows), frozen.fitOptions);
    EncodedTable enc = t.encode(rows.iterator(), 1);
    TabularGanTrainer trainer = new TabularGanTrainer(t, frozen, null, t.categoricalIndex(2));
    TrainingState start = trainer.initialState(5);
    TrainingState end = trainer.train(start, enc, 10, 1);
    assertArrayEquals(start.tensor(TabularGanTensors.CLASSIFIER), end.tensor(TabularGanTensors.CLASSIFIER),
        "classifier-lr=0 leaves the classifier as drawn");
    assertTrue(!java.util.Arrays.equals(start.tensor(TabularGanTensors.CRITIC),
        end.tensor(TabularGanTensors.CRITIC)), "while the critic (critic-lr) learns");
  }

  @Test
  void theClassifierLossMakesGeneratedRowsAgreeWithTheirClass() {
    List<Object[]> rows = thresholdLabelled(2000, 9);
    double without = agreement(rows, TabularFixtures.smallConfig("correlation-loss-weight=0",
        "classifier-loss-weight=0"));
    double with = agreement(rows, TabularFixtures.smallConfig("correlation-loss-weight=0",
        "classifier-loss-weight=" + CLASSIFIER_WEIGHT));
    assertTrue(with >= without + MIN_AGREEMENT_GAIN, "with " + with + ", without " + without);
  }

  /**
   * Share of 1,000 generated {@code label=yes} rows whose x lies above the real threshold, after
   * 10 rounds of 20 local steps.
   */
  private static double agreement(List<Object[]> rows, TabularGanConfig config) {
    TableTransformer t = TableTransformer.fit(thresholdProfiles(rows), config.fitOptions);
    EncodedTable enc = t.encode(rows.iterator(), 1);
    TabularSampler sampler = TabularFixtures.samplerOf(t, config, TabularFixtures.trainRounds(
        new TabularGanTrainer(t, config, null, t.categoricalIndex(2)), enc, 3, 10));
    List<Object[]> out = sampler.sample(GenerationPlan.create(t, 1000, 1, "label=yes", "label")
        .conditions(t, 0, 5), 5).rows();
    return out.stream().filter(r -> r[0] != null && (Double) r[0] > THRESHOLD).count()
        / (double) out.size();
  }

  private static final double THRESHOLD = 0.8;
  /** Classifier-loss weight of the agreement test. */
  private static final double CLASSIFIER_WEIGHT = 5;
  /** Least rise of the share of class-consistent rows with the classifier loss (0.40 -> 0.96). */
  private static final double MIN_AGREEMENT_GAIN = 0.3;

  /** x ~ N(0, 1), a colour independent of it, label yes exactly when x > 0.8 (about 21%). */
  private static List<Object[]> thresholdLabelled(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Object[]> rows = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x = rng.nextGaussian();
      rows.add(new Object[] {x, rng.nextBoolean() ? "red" : "blue", x > THRESHOLD ? "yes" : "no"});
    }
    return rows;
  }

  private static List<ColumnProfile> thresholdProfiles(List<Object[]> rows) {
    return TabularFixtures.profilesOf(rows, new String[] {"x", "colour", "label"},
        new boolean[] {false, true, true});
  }

  /** 30 rounds of 20 local steps on one worker, seeded. */
  private static TabularFixtures.Trained trainOn(List<Object[]> rows,
      List<ColumnProfile> profiles, TabularGanConfig config) {
    return TabularFixtures.trained(rows, profiles, config, 11, 11, 30);
  }

  /** x ~ N(0,1), y = 0.8 x + 0.6 e: Pearson r = 0.8. */
  private static List<Object[]> correlatedPair(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Object[]> rows = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x = rng.nextGaussian();
      rows.add(new Object[] {x, 0.8 * x + 0.6 * rng.nextGaussian()});
    }
    return rows;
  }

  private static double pearson(List<Object[]> rows) {
    io.synthgen.model.eval.CoMoments m = new io.synthgen.model.eval.CoMoments(2);
    rows.forEach(r -> m.add(new double[] {(Double) r[0], (Double) r[1]}));
    return m.correlation(0, 1);
  }
}
