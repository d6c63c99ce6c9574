package io.synthgen.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.synthgen.model.eval.CoMoments;
import io.synthgen.tabular.condition.GenerationPlan;
import io.synthgen.tabular.copula.GaussianCopula;
import io.synthgen.tabular.gan.TabularGanConfig;
import io.synthgen.tabular.gan.TabularGanModel;
import io.synthgen.tabular.profile.ColumnProfile;
import io.synthgen.tabular.profile.ColumnRoles;
import io.synthgen.tabular.profile.EmpiricalMarginal;
import io.synthgen.tabular.profile.TableStatistics;
import io.synthgen.tabular.transform.TableTransformer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What a table model keeps of its training data is a summary: on a table of unique random
 * doubles, no training value of a numeric column appears anywhere in what either family writes
 * besides its weights (the transformer section and the copula's bundle JSON), whole-column or per
 * class, when the metadata gives the columns' bounds.
 */
class NoTrainingValuesInBundlesTest {
  private static final int ROWS = 3000;
  private static final List<String> NAMES = List.of("amount", "ratio", "kind", "label");

  /** Unique doubles (lognormal amount, uniform ratio), a category, a 10% positive label. */
  private static List<Object[]> table(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      boolean positive = rng.nextDouble() < 0.1;
      double amount = Math.exp(3 + rng.nextGaussian() + (positive ? 1 : 0));
      rows.add(new Object[] {amount, rng.nextDouble(), rng.nextDouble() < 0.6 ? "A" : "B",
          positive ? "yes" : "no"});
    }
    return rows;
  }

  private static TableMetadata metadata() {
    return new TableMetadata("label", "yes", List.of("kind"), List.of("amount", "ratio"),
        bounds());
  }

  /** The metadata of one class's rows (its label has a single value there). */
  private static TableMetadata classMetadata() {
    return new TableMetadata(null, null, List.of("kind", "label"), List.of("amount", "ratio"),
        bounds());
  }

  private static Map<String, double[]> bounds() {
    Map<String, double[]> bounds = new LinkedHashMap<>();
    bounds.put("amount", new double[] {0, 1e6});
    bounds.put("ratio", new double[] {0, 1});
    return bounds;
  }

  /** The column profiles as the train job builds them (one pass, the column-role policy). */
  private static List<ColumnProfile> profiles(List<Object[]> rows, TableMetadata metadata) {
    TableStatistics stats = new TableStatistics(NAMES.size(), 1000, 20_000, 5);
    rows.forEach(stats::add);
    return ColumnRoles.decide(NAMES, List.of(ColumnRoles.SourceType.DOUBLE,
        ColumnRoles.SourceType.DOUBLE, ColumnRoles.SourceType.STRING,
        ColumnRoles.SourceType.STRING), stats, metadata, "meta.json", "t.csv", 1000).profiles();
  }

  private static Set<Double> numericValues(List<Object[]> rows) {
    Set<Double> values = new HashSet<>();
    for (Object[] r : rows) {
      values.add((Double) r[0]);
      values.add((Double) r[1]);
    }
    return values;
  }

  /** Every number anywhere in {@code node} that is a training value. */
  private static List<Double> leaked(JsonNode node, Set<Double> training) {
    List<Double> out = new ArrayList<>();
    if (node.isNumber()) {
      if (training.contains(node.asDouble())) {
        out.add(node.asDouble());
      }
    } else {
      node.forEach(child -> out.addAll(leaked(child, training)));
    }
    return out;
  }

  /** The transformer a tabular-gan of default keys fits on {@code profiles}. */
  private static TableTransformer fittedWithDefaults(List<ColumnProfile> profiles) {
    return TableTransformer.fit(profiles, TabularGanConfig.from(
        io.synthgen.model.config.Options.builder(TabularGanConfig.SPECS).build()).fitOptions);
  }

  @Test
  void theGanTransformerSectionHoldsNoTrainingValueWholeOrPerClass() {
    List<Object[]> rows = table(1);
    TableMetadata metadata = metadata();
    List<ColumnProfile> profiles = profiles(rows, metadata);
    TableTransformer transformer = fittedWithDefaults(profiles);
    List<Object[]> positives = rows.stream().filter(r -> "yes".equals(r[3])).toList();
    List<Object[]> negatives = rows.stream().filter(r -> "no".equals(r[3])).toList();
    JsonNode section = TabularGanModel.transformerSection(transformer, null, profiles, "label",
        () -> Map.of("yes", profiles(positives, classMetadata()), "no",
            profiles(negatives, classMetadata())),
        100, null);
    assertTrue(section.path("marginalsByLabel").path("classes").has("yes"),
        "the positive class (~300 rows) keeps a summary of its own");
    assertEquals(List.of(), leaked(section, numericValues(rows)));
  }

  @Test
  void aClassBelowTheMinimumKeepsNoSummaryOfItsOwn() {
    List<Object[]> rows = table(2);
    TableMetadata metadata = metadata();
    List<ColumnProfile> profiles = profiles(rows, metadata);
    TableTransformer transformer = fittedWithDefaults(profiles);
    List<Object[]> positives = rows.stream().filter(r -> "yes".equals(r[3])).toList();
    JsonNode section = TabularGanModel.transformerSection(transformer, null, profiles, "label",
        () -> Map.of("yes", profiles(positives, classMetadata())), positives.size() + 1, null);
    assertTrue(section.path("marginalsByLabel").path("classes").isEmpty(), section
        .path("marginalsByLabel").toString());
  }

  @Test
  void theCopulaHoldsNoTrainingValue() {
    List<Object[]> rows = table(3);
    GaussianCopula marginals = GaussianCopula.fitMarginals(profiles(rows, metadata()),
        EmpiricalMarginal.GRID_POINTS);
    CoMoments m = new CoMoments(marginals.latentDim());
    rows.forEach(r -> m.add(marginals.normalScores(r, 9)));
    GaussianCopula copula = marginals.withCorrelation(m);
    assertEquals(List.of(), leaked(copula.toJson(), numericValues(rows)));
  }

  @Test
  void generatedValuesAreContinuousNotSnappedToStoredPoints() {
    List<Object[]> rows = table(4);
    GaussianCopula marginals = GaussianCopula.fitMarginals(profiles(rows, metadata()),
        EmpiricalMarginal.GRID_POINTS);
    CoMoments m = new CoMoments(marginals.latentDim());
    rows.forEach(r -> m.add(marginals.normalScores(r, 9)));
    GaussianCopula copula = marginals.withCorrelation(m);
    GenerationPlan plan = GenerationPlan.create(copula, 50_000, 1, null, "label");
    Set<Double> distinct = new HashSet<>();
    Set<Double> training = numericValues(rows);
    int copies = 0;
    for (Object[] r : copula.sample(plan.conditions(copula, 0, 11), 11)) {
      distinct.add((Double) r[0]);
      copies += training.contains((Double) r[0]) ? 1 : 0;
    }
    assertTrue(distinct.size() > 49_000, "distinct amounts: " + distinct.size()
        + " of 50000, from a grid of " + EmpiricalMarginal.GRID_POINTS + " points");
    assertEquals(0, copies, "generated amounts equal to a training amount");
  }

  /** Amounts rounded to cents (many ties) with 30% zeros; ratio unique. */
  private static List<Object[]> tiedTable(long seed) {
    List<Object[]> rows = table(seed);
    SplittableRandom rng = new SplittableRandom(seed + 1);
    for (Object[] r : rows) {
      r[0] = rng.nextDouble() < 0.3 ? 0.0 : Math.round((Double) r[0] * 100) / 100.0;
    }
    return rows;
  }

  /** Training values of the amount column held by fewer than {@code min} rows. */
  private static Set<Double> rareAmounts(List<Object[]> rows, int min) {
    Map<Double, Integer> counts = new java.util.HashMap<>();
    rows.forEach(r -> counts.merge((Double) r[0], 1, Integer::sum));
    Set<Double> rare = new HashSet<>();
    counts.forEach((v, c) -> {
      if (c < min) {
        rare.add(v);
      }
    });
    return rare;
  }

  @Test
  void tiedValuesAreStoredOnlyWhenManyRowsHoldThem() {
    List<Object[]> rows = tiedTable(5);
    List<ColumnProfile> profiles = profiles(rows, metadata());
    TableTransformer transformer = fittedWithDefaults(profiles);
    JsonNode section = TabularGanModel.transformerSection(transformer, null, profiles, "label",
        Map::of, 100, null);
    GaussianCopula copula = GaussianCopula.fitMarginals(profiles, EmpiricalMarginal.GRID_POINTS);
    Set<Double> rare = rareAmounts(rows, EmpiricalMarginal.MIN_SHARED_ROWS);
    assertTrue(rare.size() > 1000, "the fixture has many rarely held amounts: " + rare.size());
    assertEquals(List.of(), leaked(section, rare));
    assertEquals(List.of(), leaked(copula.toJson(), rare));
    List<Double> points = new ArrayList<>();
    section.path("marginals").get(0).path("points").forEach(p -> points.add(p.asDouble()));
    assertTrue(points.stream().filter(p -> p == 0.0).count() > 40,
        "the zero point mass (30% of rows) keeps its share of the grid: " + points);
  }

  @Test
  void aPerClassGridOnALatticeOfMinutesLandsOnNoRarelyHeldValueOfTheColumn() {
    // times of day in minutes (hpc_jobs' hour): a midpoint of two minutes of one class is often
    // a minute another class's row holds
    List<Object[]> rows = table(6);
    SplittableRandom rng = new SplittableRandom(7);
    for (Object[] r : rows) {
      r[0] = Math.round(rng.nextDouble() * 24 * 60) / 60.0;
    }
    List<ColumnProfile> profiles = profiles(rows, metadata());
    List<Object[]> positives = rows.stream().filter(r -> "yes".equals(r[3])).toList();
    List<Object[]> negatives = rows.stream().filter(r -> "no".equals(r[3])).toList();
    JsonNode section = TabularGanModel.transformerSection(fittedWithDefaults(profiles), null,
        profiles, "label", () -> Map.of("yes", profiles(positives, classMetadata()), "no",
            profiles(negatives, classMetadata())), 100, null);
    Set<Double> rare = rareAmounts(rows, EmpiricalMarginal.MIN_SHARED_ROWS);
    rare.remove(0.0); // the declared lower bound, which the model keeps as the range's end
    assertTrue(rare.size() > 500, "minutes held by few rows: " + rare.size());
    assertTrue(section.path("marginalsByLabel").path("classes").has("yes"));
    assertEquals(List.of(), leaked(section, rare));
  }
}
