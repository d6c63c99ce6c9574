package io.synthgen.tabular.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.tabular.TableMetadata;
import io.synthgen.tabular.TabularFixtures;
import io.synthgen.tabular.condition.GenerationPlan;
import io.synthgen.tabular.profile.ColumnProfile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TabularGanModelTest {
  private static final long SEED = 7;
  private static TabularFixtures.Trained trained;
  private static List<ColumnProfile> profiles;

  @BeforeAll
  static void train() {
    List<Object[]> rows = TabularFixtures.table(600, 1);
    profiles = TabularFixtures.profiles(rows);
    trained = TabularFixtures.trained(rows, profiles, TabularFixtures.smallConfig(), 2, 3, 2);
  }

  /** A bundle as the train job writes it, with the given generation-time keys. */
  private static ModelBundle bundle(Map<String, String> config) {
    TableMetadata metadata = new TableMetadata("label", "yes", List.of("kind", "label"),
        List.of("amount"));
    JsonNode section = TabularGanModel.transformerSection(trained.transformer(), null, profiles,
        "label", () -> Map.of("yes", profiles, "no", profiles), 100, null);
    Map<String, String> c = new java.util.LinkedHashMap<>(Map.of("batch-size", "100",
        "embedding-dim", "16", "generator-dims", "32,32", "critic-dims", "32,32"));
    c.putAll(config);
    return new ModelBundle("tabular-gan", SEED, c, metadata.toJson(), section,
        ModelBundle.json().createObjectNode(), trained.state().tensors());
  }

  private static List<Object[]> drain(Iterator<Object[]> it) {
    List<Object[]> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  private static List<Object[]> rows(TabularGanModel model, GenerationPlan plan) {
    return drain(TabularGanModel.rows(model.sampler(), model.transformer(), plan,
        java.util.stream.IntStream.range(0, plan.partitions()).iterator(), 11,
        s -> { }));
  }

  @Test
  void theBundleSectionHoldsTheTransformerMarginalsAndPerClassMarginals() {
    JsonNode section = bundle(Map.of()).transformer();
    assertTrue(section.has(TabularGanTensors.MARGINALS));
    assertEquals("label", section.path(TabularGanTensors.MARGINALS_BY_LABEL).path("label")
        .asText(), section.path(TabularGanTensors.MARGINALS_BY_LABEL).toString());
    assertFalse(section.has(TabularGanTensors.LABEL_PAIRS), "no pairs given");
  }

  @Test
  void aModelSurvivesJavaSerializationAndSamplesTheSameRows() throws Exception {
    TabularGanModel model = TabularGanModel.fromBundle(bundle(Map.of()));
    GenerationPlan plan = model.plan(300, 2, "kind=B");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(model);
      out.writeObject(plan);
    }
    TabularGanModel copy;
    GenerationPlan planCopy;
    try (ObjectInputStream in = new ObjectInputStream(
        new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (TabularGanModel) in.readObject();
      planCopy = (GenerationPlan) in.readObject();
    }
    List<Object[]> a = rows(model, plan);
    List<Object[]> b = rows(copy, planCopy);
    assertEquals(300, a.size(), "exactly the plan's rows over both partitions");
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), "row " + i);
      assertEquals("B", a.get(i)[1], "the condition is carried by every row");
    }
  }

  @Test
  void correctionsFollowTheBundleConfig() {
    TabularGanModel off = TabularGanModel.fromBundle(bundle(Map.of(
        "output.match-marginals", "false", "output.match-categories", "false")));
    TabularGanModel on = TabularGanModel.fromBundle(bundle(Map.of(
        "output.match-marginals", "true", "output.match-categories", "true")));
    GenerationPlan plan = on.plan(400, 1, null);
    List<Object[]> raw = rows(off, plan);
    List<Object[]> corrected = rows(on, plan);
    assertEquals(raw.size(), corrected.size());
    boolean differs = false;
    for (int i = 0; i < raw.size() && !differs; i++) {
      differs = !java.util.Arrays.equals(raw.get(i), corrected.get(i));
    }
    assertTrue(differs, "the fitted corrections change the rows");
    assertFalse(off.filtersLabels(), "no label filter without a classifier");
    assertNotNull(on.sampler());
  }

  @Test
  void aMillionGeneratedRowsHaveFarMoreDistinctAmountsThanTheSummaryHasPoints() {
    TabularGanModel model = TabularGanModel.fromBundle(bundle(Map.of()));
    GenerationPlan plan = model.plan(1_000_000, 4, null);
    java.util.Set<Double> distinct = new java.util.HashSet<>();
    Iterator<Object[]> it = TabularGanModel.rows(model.sampler(), model.transformer(), plan,
        java.util.stream.IntStream.range(0, plan.partitions()).iterator(), 13, s -> { });
    long rows = 0;
    while (it.hasNext()) {
      Object amount = it.next()[0];
      rows++;
      if (amount != null) {
        distinct.add((Double) amount);
      }
    }
    assertEquals(1_000_000, rows);
    assertTrue(distinct.size() > 100_000, "distinct amounts in 1 M rows: " + distinct.size()
        + " (a summary of at most 200 points; the old stored points capped a column at ~20,001)");
  }

  /** Rows of the plan with each partition's stream handed to {@code streams}. */
  private static List<Object[]> rows(TabularGanModel model, GenerationPlan plan,
      List<TabularSampler.Stream> streams) {
    return drain(TabularGanModel.rows(model.sampler(), model.transformer(), plan,
        java.util.stream.IntStream.range(0, plan.partitions()).iterator(), 11, streams::add));
  }

  @Test
  void everyRowMeetsCategoricalAndRangeConditionsAndTheStreamCountsWhatTheGeneratorMet() {
    TabularGanModel model = TabularGanModel.fromBundle(bundle(Map.of()));
    GenerationPlan plan = model.plan(600, 2, List.of("kind in (A,B)", "label=no",
        "amount between 15 and 25"), null);
    List<TabularSampler.Stream> streams = new ArrayList<>();
    List<Object[]> rows = rows(model, plan, streams);
    assertEquals(600, rows.size());
    io.synthgen.tabular.condition.ConditionSet set = plan.conditionSet();
    for (Object[] r : rows) {
      assertTrue(set.admits(r, model.transformer()), java.util.Arrays.toString(r));
    }
    long a = rows.stream().filter(r -> "A".equals(r[1])).count();
    assertTrue(a > 0 && a < 600, "both kinds: " + a + " of A");
    long[] met = new long[3];
    for (TabularSampler.Stream s : streams) {
      for (int r = 0; r < 3; r++) {
        met[r] += s.requirementHonoured()[r];
      }
    }
    for (long m : met) {
      assertTrue(m >= 0 && m <= 600);
    }
    assertTrue(met[2] > 0, "the generator met the range by itself in some draws");
  }

  @Test
  void aRangeTheGeneratorRarelyMeetsIsMetByTheFallbackAndCountedAsAGiveUp() {
    TabularGanModel model = TabularGanModel.fromBundle(bundle(Map.of()));
    // between the table's modes at 0, about 20 and about 100: the generator seldom goes there
    GenerationPlan plan = model.plan(400, 1, List.of("amount between 55 and 56"), null);
    List<TabularSampler.Stream> streams = new ArrayList<>();
    List<Object[]> rows = rows(model, plan, streams);
    assertEquals(400, rows.size());
    assertTrue(rows.stream().allMatch(r -> r[0] != null && (Double) r[0] >= 55
        && (Double) r[0] <= 56));
    long giveUps = streams.get(0).conditionGiveUps();
    assertTrue(giveUps > 0, "some rows missed in every draw");
    long firstDrawsMet = streams.get(0).requirementHonoured()[0];
    assertTrue(firstDrawsMet <= 400 - giveUps,
        "a row whose first draw met the range never gives up; redraws met it in others: "
            + firstDrawsMet + " first draws met, " + giveUps + " give-ups");
    assertTrue(rows.stream().map(r -> r[0]).distinct().count() > 50,
        "fallback values are drawn inside the range, not clamped to a bound");
  }

  @Test
  void conditionedRowsDependOnThePartitionCountNotOnWhoDrawsThem() {
    TabularGanModel model = TabularGanModel.fromBundle(bundle(Map.of()));
    GenerationPlan plan = model.plan(300, 3, List.of("kind=B", "amount>=50"), null);
    List<Object[]> all = rows(model, plan);
    List<Object[]> oneByOne = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      oneByOne.addAll(drain(TabularGanModel.rows(model.sampler(), model.transformer(), plan,
          List.of(p).iterator(), 11, s -> { })));
    }
    assertEquals(all.size(), oneByOne.size());
    for (int i = 0; i < all.size(); i++) {
      assertArrayEquals(all.get(i), oneByOne.get(i), "row " + i);
    }
  }

  @Test
  void severalAllowedCategoriesAreSplitByTheModelsJointFrequencyUnderTheOtherConditions() {
    TabularGanModel model = TabularGanModel.fromBundle(bundle(Map.of()));
    // in the table amounts above 60 belong to kind B (about 100; A's are about 20); the kinds'
    // overall frequencies (A 70%, B 25%) would give A 74% of the rows; the small model's own
    // rows carry part of the dependence (measured: 54% A), and the split follows them
    GenerationPlan plan = model.plan(500, 1, List.of("kind in (A,B)", "amount>=60"), null);
    List<Object[]> rows = rows(model, plan);
    long a = rows.stream().filter(r -> "A".equals(r[1])).count();
    assertTrue(a < 0.64 * rows.size(), a + " rows of A in 500");
    GenerationPlan weighted = model.plan(500, 1, List.of("kind in (A,B)", "amount>=60"), "A=1,B=1");
    assertEquals(250, rows(model, weighted).stream().filter(r -> "A".equals(r[1])).count(),
        "--condition-weights overrides the model's frequencies, exactly");
  }
}
