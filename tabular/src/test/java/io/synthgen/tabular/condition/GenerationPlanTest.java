package io.synthgen.tabular.condition;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.InvalidInputException;
import io.synthgen.tabular.TabularFixtures;
import io.synthgen.tabular.transform.OneHotCategoryEncoder;
import io.synthgen.tabular.transform.TableTransformer;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenerationPlanTest {
  /**
   * Rows a partition's share of a class may miss its proportional share by: each partition
   * rounds its share of the classes not yet given out, so the rounding drifts by a row or two.
   */
  private static final double SPREAD_TOLERANCE = 2.0;

  private static TableTransformer transformer() {
    List<Object[]> rows = TabularFixtures.table(1000, 1);
    return TabularFixtures.fitted(rows);
  }

  @Test
  void partitionsCoverExactlyTheRequestedRows() {
    GenerationPlan plan = GenerationPlan.create(transformer(), 1003, 4, null, "label");
    assertEquals(0, plan.start(0));
    assertEquals(1003, plan.start(4));
    for (int p = 0; p < 4; p++) {
      long n = plan.start(p + 1) - plan.start(p);
      assertTrue(n == 250 || n == 251);
    }
  }

  @Test
  void labelStratifiedPlanReproducesClassFrequenciesExactly() {
    TableTransformer t = transformer();
    GenerationPlan plan = GenerationPlan.create(t, 1000, 3, null, "label");
    OneHotCategoryEncoder label = (OneHotCategoryEncoder) t.columns().get(2);
    long[] counts = label.counts();
    long total = counts[0] + counts[1];
    long[] seen = new long[2];
    for (int p = 0; p < 3; p++) {
      GenerationPlan.Conditions c = plan.conditions(t, p, 11);
      for (int i = 0; i < c.size(); i++) {
        assertTrue(c.enforced(i));
      }
      for (int k : c.category()) {
        seen[k]++;
      }
    }
    assertEquals(Math.round(1000.0 * counts[0] / total), seen[0], 1.0);
    assertEquals(1000, seen[0] + seen[1]);
  }

  @Test
  void everyClassIsSpreadOverThePartitionsInProportionToTheirRows() {
    TableTransformer t = transformer();
    OneHotCategoryEncoder label = (OneHotCategoryEncoder) t.columns().get(2);
    long[] counts = label.counts();
    int rare = counts[0] < counts[1] ? 0 : 1;
    double rareShare = (double) counts[rare] / (counts[0] + counts[1]);
    for (int partitions : new int[] {3, 7, 40}) {
      GenerationPlan plan = GenerationPlan.create(t, 10_007, partitions, null, "label");
      long[] total = new long[2];
      for (int p = 0; p < partitions; p++) {
        GenerationPlan.Conditions c = plan.conditions(t, p, 3);
        long rareRows = 0;
        for (int i = 0; i < c.size(); i++) {
          rareRows += c.category()[i] == rare ? 1 : 0;
          total[c.category()[i]]++;
        }
        assertEquals(c.size() * rareShare, rareRows, SPREAD_TOLERANCE, "partition " + p
            + " of " + partitions + ": " + rareRows + " of " + c.size() + " rows");
      }
      assertArrayEquals(GenerationPlan.apportion(10_007, counts), total,
          "class totals exact over " + partitions + " partitions");
    }
  }

  @Test
  void aLabelShareConditionsThatShareOnTheLabelExactlyAndTheRestAsInTraining() {
    TableTransformer t = transformer();
    int labelIndex = t.categoricalIndex(2);
    long[] counts = ((OneHotCategoryEncoder) t.columns().get(2)).counts();
    GenerationPlan plan = GenerationPlan.create(t, 1000, 3, null, "label", 0.4);
    long[] labelRowsByClass = new long[2];
    long enforced = 0;
    long otherColumns = 0;
    for (int p = 0; p < 3; p++) {
      GenerationPlan.Conditions c = plan.conditions(t, p, 11);
      assertEquals(plan.start(p + 1) - plan.start(p), c.size());
      for (int i = 0; i < c.size(); i++) {
        if (c.enforced(i)) {
          enforced++;
          assertEquals(labelIndex, c.column()[i]);
          labelRowsByClass[c.category()[i]]++;
        } else {
          assertTrue(c.column()[i] != labelIndex && c.column()[i] >= 0);
          otherColumns++;
        }
      }
    }
    // 400 rows apportioned over the classes, plus the spread rows that drew the label column
    // (1/d of the 600 others for d categorical columns, enforced too): within 5 sd
    double d = t.categoricalColumns().length;
    long spreadOnLabel = enforced - 400;
    assertEquals(600 / d, spreadOnLabel, 5 * Math.sqrt(600 * (1 / d) * (1 - 1 / d)));
    assertEquals(1000, enforced + otherColumns);
    long[] apportioned = GenerationPlan.apportion(400, counts);
    assertTrue(labelRowsByClass[0] >= apportioned[0] && labelRowsByClass[1] >= apportioned[1]);
  }

  @Test
  void aLabelShareOfOneIsTheAllLabelPlan() {
    TableTransformer t = transformer();
    GenerationPlan all = GenerationPlan.create(t, 700, 2, null, "label");
    GenerationPlan one = GenerationPlan.create(t, 700, 2, null, "label", 1.0);
    for (int p = 0; p < 2; p++) {
      assertArrayEquals(all.conditions(t, p, 3).category(), one.conditions(t, p, 3).category());
    }
    assertThrows(InvalidInputException.class,
        () -> GenerationPlan.create(t, 10, 1, null, "label", 1.5));
  }

  @Test
  void pairedPlanKeepsTheSingleConditionsAndAddsAPartnerFromTheRealJointCounts() {
    List<Object[]> rows = TabularFixtures.table(1000, 1);
    TableTransformer t = TabularFixtures.fitted(rows);
    int label = t.categoricalIndex(2);
    int kind = t.categoricalIndex(1);
    LabelPairs pairs = LabelPairs.count(t.encode(rows.iterator(), 1), t, label);
    GenerationPlan single = GenerationPlan.create(t, 700, 2, null, "label");
    GenerationPlan paired = single.pairedWith(pairs);
    int yes = t.categoriesOf(2).indexOf("yes");
    int b = t.categoriesOf(1).indexOf("B");
    for (int p = 0; p < 2; p++) {
      GenerationPlan.Conditions s = single.conditions(t, p, 3);
      GenerationPlan.Conditions c = paired.conditions(t, p, 3);
      assertEquals(null, s.pairedColumn(), "no partners without pairing");
      assertArrayEquals(s.column(), c.column(), "the rows' own conditions are unchanged");
      assertArrayEquals(s.category(), c.category());
      assertArrayEquals(c.pairedCategory(), paired.conditions(t, p, 3).pairedCategory(),
          "partners depend on seed and partition only");
      for (int i = 0; i < c.size(); i++) {
        assertEquals(kind, c.partnerColumn(i), "a class is paired with the other column");
        assertEquals(c.category()[i] == yes, c.pairedCategory()[i] == b,
            "kind B exactly in the 'yes' rows, as in the real table");
      }
    }
    GenerationPlan.Conditions onKind = GenerationPlan.create(t, 50, 1, "kind=B", "label")
        .pairedWith(pairs).conditions(t, 0, 4);
    for (int i = 0; i < onKind.size(); i++) {
      assertTrue(onKind.enforced(i));
      assertEquals(label, onKind.partnerColumn(i));
      assertEquals(yes, onKind.pairedCategory()[i]);
    }
  }

  @Test
  void conditionsDependOnlyOnSeedAndPartition() {
    TableTransformer t = transformer();
    GenerationPlan plan = GenerationPlan.create(t, 500, 2, null, null);
    assertArrayEquals(plan.conditions(t, 1, 5).category(), plan.conditions(t, 1, 5).category());
    assertArrayEquals(plan.conditions(t, 1, 5).column(), plan.conditions(t, 1, 5).column());
  }

  @Test
  void unknownConditionValueListsTheValidOnes() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> GenerationPlan.create(transformer(), 10, 1, "label=maybe", "label"));
    assertTrue(e.getMessage().contains("'maybe'") && e.getMessage().contains("yes")
        && e.getMessage().contains("no"), e.getMessage());
  }

  @Test
  void categoriesOfANumericColumnOrAnUnknownColumnAreRefusedByName() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> GenerationPlan.create(transformer(), 10, 1, "amount in (3,4)", "label"));
    assertTrue(e.getMessage().contains("'amount'") && e.getMessage().contains("numeric"),
        e.getMessage());
    InvalidInputException e2 = assertThrows(InvalidInputException.class,
        () -> GenerationPlan.create(transformer(), 10, 1, "colour=red", "label"));
    assertTrue(e2.getMessage().contains("'colour'") && e2.getMessage().contains("kind"),
        e2.getMessage());
  }
}
