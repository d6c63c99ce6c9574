package io.synthgen.tabular.condition;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.InvalidInputException;
import io.synthgen.tabular.TabularFixtures;
import io.synthgen.tabular.ValueType;
import io.synthgen.tabular.profile.ColumnProfile;
import io.synthgen.tabular.profile.EmpiricalMarginal;
import io.synthgen.tabular.transform.TableTransformer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Conditions checked against the fixture table (amount: numeric with nulls; kind; label). */
class ConditionSetTest {
  private static final List<Object[]> ROWS = TabularFixtures.table(1000, 1);
  private static final TableTransformer T = TabularFixtures.fitted(ROWS);

  private static EmpiricalMarginal[] marginals() {
    List<ColumnProfile> p = TabularFixtures.profiles(ROWS);
    return new EmpiricalMarginal[] {EmpiricalMarginal.fit(p.get(0), 200), null, null};
  }

  private static ConditionSet resolve(ValueType amountType, String... conditions) {
    return ConditionSet.resolve(List.of(conditions), T, marginals(),
        List.of(amountType, ValueType.STRING, ValueType.STRING));
  }

  private static ConditionSet resolve(String... conditions) {
    return resolve(ValueType.DOUBLE, conditions);
  }

  private static String refusal(String... conditions) {
    return assertThrows(InvalidInputException.class, () -> resolve(conditions)).getMessage();
  }

  private static int category(String column, String value) {
    return T.categoriesOf(T.columnIndex(column)).indexOf(value);
  }

  @Test
  void cellsAreEveryCombinationOfTheAllowedCategories() {
    ConditionSet set = resolve("kind in (A,B)", "label in (yes,no)", "amount>=10");
    assertEquals(4, set.cells().size());
    Set<List<Integer>> seen = new HashSet<>();
    for (ConditionSet.Cell c : set.cells()) {
      seen.add(List.of(c.categories()[0], c.categories()[1]));
    }
    assertEquals(Set.of(List.of(category("kind", "A"), category("label", "yes")),
        List.of(category("kind", "A"), category("label", "no")),
        List.of(category("kind", "B"), category("label", "yes")),
        List.of(category("kind", "B"), category("label", "no"))), seen);
    assertEquals(1, set.numeric().size());
    assertEquals(10, set.numeric().get(0).low());
    assertEquals(Double.POSITIVE_INFINITY, set.numeric().get(0).high());
  }

  @Test
  void cellWeightsFollowTheCategoriesTrainingFrequencies() {
    ConditionSet set = resolve("kind in (A,B)");
    long[] counts = T.categoriesOf(T.columnIndex("kind")).counts();
    double[] w = set.weights();
    int a = set.cells().get(0).categories()[0];
    int b = set.cells().get(1).categories()[0];
    assertEquals((double) counts[a] / counts[b], w[0] / w[1], 1e-6);
  }

  @Test
  void conditionsOnOneColumnAreIntersected() {
    ConditionSet set = resolve("amount>=10", "amount<50", "kind in (A,B)", "kind=B");
    assertEquals(1, set.cells().size(), "A and B, then B: one cell");
    assertEquals(category("kind", "B"), set.cells().get(0).categories()[0]);
    ConditionSet.NumericRequirement r = set.numeric().get(0);
    assertEquals(10, r.low());
    assertEquals(Math.nextDown(50.0), r.high(), "a strict bound moves to the nearest value");
    assertTrue(r.admits(49.99) && !r.admits(50.0) && !r.admits(null));
  }

  @Test
  void integralColumnsMoveStrictBoundsToWholeNumbers() {
    ConditionSet.NumericRequirement r = resolve(ValueType.LONG, "amount>2.5", "amount<100")
        .numeric().get(0);
    assertEquals(3, r.low());
    assertEquals(99, r.high());
  }

  @Test
  void nullConditionsOnANumericColumn() {
    ConditionSet.NumericRequirement isNull = resolve("amount is null").numeric().get(0);
    assertEquals(ConditionSet.Nulls.NULL, isNull.nulls());
    assertTrue(isNull.admits(null) && !isNull.admits(3.0));
    ConditionSet.NumericRequirement notNull = resolve("amount is not null").numeric().get(0);
    assertTrue(notNull.admits(3.0) && !notNull.admits(null));
  }

  @Test
  void nullAndNotNullOnACategoricalColumn() {
    ConditionSet isNull = resolve("kind is null");
    assertArrayEquals(new int[] {category("kind", null)},
        isNull.categorical().get(0).categories());
    ConditionSet notNull = resolve("kind is not null");
    assertEquals(2, notNull.cells().size());
    for (ConditionSet.Cell c : notNull.cells()) {
      assertNotEquals(category("kind", null), c.categories()[0]);
    }
  }

  @Test
  void rowsAreCheckedAgainstEveryRequirement() {
    ConditionSet set = resolve("kind=B", "amount between 50 and 150");
    assertTrue(set.admits(new Object[] {100.0, "B", "yes"}, T));
    assertTrue(!set.admits(new Object[] {100.0, "A", "yes"}, T), "wrong category");
    assertTrue(!set.admits(new Object[] {10.0, "B", "yes"}, T), "outside the range");
    assertTrue(!set.admits(new Object[] {null, "B", "yes"}, T), "missing value");
  }

  @Test
  void anUnknownColumnIsRefusedWithTheModelsColumns() {
    String m = refusal("colour=red");
    assertTrue(m.contains("'colour=red'") && m.contains("amount, kind, label"), m);
  }

  @Test
  void anUnknownCategoryIsRefusedWithTheValidOnes() {
    String m = refusal("kind in (A,Z)");
    assertTrue(m.contains("'Z'") && m.contains("valid values: ") && m.contains("B"), m);
  }

  @Test
  void aRangeOnACategoricalColumnIsRefused() {
    String m = refusal("kind>=3");
    assertTrue(m.contains("'kind>=3'") && m.contains("categorical"), m);
  }

  @Test
  void categoriesOnANumericColumnAreRefused() {
    String m = refusal("amount in (1,2)");
    assertTrue(m.contains("numeric") && m.contains("between"), m);
    assertTrue(refusal("amount=lots").contains("'lots'"));
  }

  @Test
  void contradictoryConditionsAreRefusedNamingBoth() {
    String m = refusal("kind=A", "kind=B");
    assertTrue(m.contains("'kind=A'") && m.contains("'kind=B'") && m.contains("contradict"), m);
    String r = refusal("amount>50", "amount<10");
    assertTrue(r.contains("'amount>50'") && r.contains("'amount<10'"), r);
    assertTrue(refusal("amount is null", "amount>=1").contains("contradict"));
  }

  @Test
  void aRangeOutsideWhatTheModelGeneratesIsRefused() {
    String m = refusal("amount>=100000");
    assertTrue(m.contains("only from") && m.contains("'amount>=100000'"), m);
  }

  @Test
  void aMissingValueOfAColumnWithoutNullsIsRefused() {
    String m = refusal("label is null");
    assertTrue(m.contains("never leaves column 'label' empty"), m);
  }

  @Test
  void conditionWeightsSplitTheOneMultiValuedCondition() {
    ConditionSet set = resolve("kind in (A,B)").withWeights("B=3, A=1", T);
    double[] w = set.weights();
    int b = set.cells().get(0).categories()[0] == category("kind", "B") ? 0 : 1;
    assertEquals(3.0, w[b]);
    assertEquals(1.0, w[1 - b]);
  }

  @Test
  void badConditionWeightsAreRefusedByOption() {
    ConditionSet set = resolve("kind in (A,B)");
    for (String bad : new String[] {"A=1", "A=1,B=x", "A=1,B=-2", "A=1,B=1,A=2", "A=0,B=0",
        "A=1,C=1"}) {
      String m = assertThrows(InvalidInputException.class, () -> set.withWeights(bad, T))
          .getMessage();
      assertTrue(m.contains("--condition-weights"), m);
    }
    String m = assertThrows(InvalidInputException.class,
        () -> resolve("kind=A").withWeights("A=1", T)).getMessage();
    assertTrue(m.contains("exactly one condition that allows several"), m);
  }

  @Test
  void plansApportionRowsOverCellsExactlyAndSpreadEachOverThePartitions() {
    ConditionSet set = resolve("kind in (A,B)", "amount>=10").withWeights("A=1,B=3", T);
    GenerationPlan plan = GenerationPlan.forConditions(T, 1001, 3, set, "label", 1.0);
    int[] perCell = new int[2];
    for (int p = 0; p < 3; p++) {
      GenerationPlan.Conditions c = plan.conditions(T, p, 5);
      int[] mine = new int[2];
      for (int i = 0; i < c.size(); i++) {
        mine[c.cellOf()[i]]++;
        int kind = T.categoricalIndexOf("kind");
        assertEquals(kind, c.column()[i], "the conditional vector carries the cell's kind");
        assertEquals(set.cells().get(c.cellOf()[i]).categories()[0], c.category()[i]);
        assertTrue(c.enforced(i));
      }
      assertEquals(c.size() / 4.0, mine[0], 2.0, "partition " + p + " gets its share");
      perCell[0] += mine[0];
      perCell[1] += mine[1];
    }
    int a = set.cells().get(0).categories()[0] == category("kind", "A") ? 0 : 1;
    assertEquals(250, perCell[a], "1001 rows at 1:3 (largest remainder)");
    assertEquals(751, perCell[1 - a]);
  }

  @Test
  void aPlansConditionsDependOnThePartitionAndSeedOnly() {
    ConditionSet set = resolve("kind in (A,B)");
    GenerationPlan plan = GenerationPlan.forConditions(T, 500, 2, set, "label", 1.0);
    assertArrayEquals(plan.conditions(T, 1, 9).cellOf(), plan.conditions(T, 1, 9).cellOf());
    assertTrue(!java.util.Arrays.equals(plan.conditions(T, 1, 9).cellOf(),
        plan.conditions(T, 1, 10).cellOf()), "another seed, another order");
  }

  @Test
  void equalityOnAnIntegralColumnNeedsAWholeNumber() {
    ConditionSet.NumericRequirement r = resolve(ValueType.LONG, "amount=20").numeric().get(0);
    assertEquals(20, r.low());
    assertEquals(20, r.high());
    String m = assertThrows(InvalidInputException.class,
        () -> resolve(ValueType.LONG, "amount=20.5")).getMessage();
    assertTrue(m.contains("'amount=20.5'") && m.contains("no value"), m);
  }

  @Test
  void aFloatColumnComparesAtFloatPrecision() {
    ConditionSet.NumericRequirement r = resolve(ValueType.FLOAT, "amount=20.7").numeric().get(0);
    assertTrue(r.admits(20.7f), "the float 20.7 meets amount=20.7");
    assertTrue(resolve(ValueType.FLOAT, "amount>=20.7").numeric().get(0).admits(20.7f));
    assertTrue(!resolve(ValueType.FLOAT, "amount>20.7").numeric().get(0).admits(20.7f));
  }

  @Test
  void notANumberIsRefused() {
    assertTrue(refusal("amount=NaN").contains("give a number"));
  }

  @Test
  void anIntegralColumnsRangeReachesTheRoundedEndsOfItsValues() {
    EmpiricalMarginal m = marginals()[0];
    double top = Math.rint(m.max());
    ConditionSet set = ConditionSet.resolve(List.of("amount>=" + top), T,
        new EmpiricalMarginal[] {m, null, null},
        List.of(ValueType.LONG, ValueType.STRING, ValueType.STRING));
    assertEquals(top, set.numeric().get(0).low());
  }

  @Test
  void aCategoryIsFoundAsWrittenOrTrimmed() {
    assertEquals(1, resolve("kind= B").cells().size());
    assertEquals(List.of(" B"), RowCondition.parse("kind= B", "--condition").values(),
        "kept as written, spaces included");
  }
}
