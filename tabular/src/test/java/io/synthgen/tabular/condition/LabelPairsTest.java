package io.synthgen.tabular.condition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.model.InvalidInputException;
import io.synthgen.tabular.EncodedTable;
import io.synthgen.tabular.TabularFixtures;
import io.synthgen.tabular.profile.ColumnProfile;
import io.synthgen.tabular.transform.OneHotCategoryEncoder;
import io.synthgen.tabular.transform.TableTransformer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LabelPairsTest {
  /** Drawn shares of a category match its real conditional share within this (20,000 draws). */
  private static final double SHARE_TOLERANCE = 0.015;
  /** Discrete-column indices of the fixture's columns (kind, label). */
  private static final int KIND = 0;
  private static final int LABEL = 1;

  private static List<Object[]> rows() {
    return TabularFixtures.table(3000, 5);
  }

  @Test
  void countsAreTheJointCountsOfTheLabelWithEveryCategoricalColumn() {
    List<Object[]> rows = rows();
    TableTransformer t = TabularFixtures.fitted(rows);
    LabelPairs whole = LabelPairs.count(t.encode(rows.iterator(), 1), t, LABEL);
    LabelPairs halves = LabelPairs.count(t.encode(rows.subList(0, 1000).iterator(), 1), t, LABEL)
        .plus(LabelPairs.count(t.encode(rows.subList(1000, 3000).iterator(), 2), t, LABEL));
    assertEquals(whole.toJson(), halves.toJson(), "partition counts merge to the whole");
    OneHotCategoryEncoder kind = t.categoriesOf(1);
    OneHotCategoryEncoder label = t.categoriesOf(2);
    long bYes = rows.stream().filter(r -> "B".equals(r[1]) && "yes".equals(r[2])).count();
    assertEquals(bYes, whole.toJson().path("counts").get(KIND).get(label.indexOf("yes"))
        .get(kind.indexOf("B")).asLong());
  }

  @Test
  void aClassIsPairedWithAnotherColumnsCategoryAtItsRealShareWithinTheClass() {
    List<Object[]> rows = rows();
    TableTransformer t = TabularFixtures.fitted(rows);
    LabelPairs pairs = LabelPairs.count(t.encode(rows.iterator(), 1), t, LABEL);
    OneHotCategoryEncoder kind = t.categoriesOf(1);
    int no = t.categoriesOf(2).indexOf("no");
    long noRows = rows.stream().filter(r -> "no".equals(r[2])).count();
    long aNo = rows.stream().filter(r -> "A".equals(r[1]) && "no".equals(r[2])).count();
    SplittableRandom rng = new SplittableRandom(3);
    int[] out = new int[2];
    int draws = 20_000;
    int seenA = 0;
    for (int i = 0; i < draws; i++) {
      pairs.draw(LABEL, no, rng, out);
      assertEquals(KIND, out[0], "the partner of a class is the other categorical column");
      assertTrue(out[1] != kind.indexOf("B"), "no 'no' row has kind B");
      seenA += out[1] == kind.indexOf("A") ? 1 : 0;
    }
    assertEquals((double) aNo / noRows, (double) seenA / draws, SHARE_TOLERANCE);
  }

  @Test
  void aCategoryIsPairedWithTheClassOfTheRowsCarryingIt() {
    List<Object[]> rows = rows();
    TableTransformer t = TabularFixtures.fitted(rows);
    EncodedTable enc = t.encode(rows.iterator(), 1);
    LabelPairs pairs = LabelPairs.count(enc, t, LABEL);
    int b = t.categoriesOf(1).indexOf("B");
    int yes = t.categoriesOf(2).indexOf("yes");
    int[] out = new int[2];
    SplittableRandom rng = new SplittableRandom(4);
    for (int i = 0; i < 100; i++) {
      pairs.draw(KIND, b, rng, out);
      assertEquals(LABEL, out[0]);
      assertEquals(yes, out[1], "every kind-B row is 'yes'");
    }
    for (int row = 0; row < 50; row++) {
      pairs.partner(KIND, enc, row, rng, out);
      assertEquals(LABEL, out[0]);
      assertEquals(enc.category(LABEL, row), out[1], "training takes the row's own class");
      pairs.partner(LABEL, enc, row, rng, out);
      assertEquals(KIND, out[0]);
      assertEquals(enc.category(KIND, row), out[1], "and the row's own category");
    }
  }

  @Test
  void aTableWhoseOnlyCategoricalColumnIsTheLabelHasNoPartner() {
    List<Object[]> rows = new ArrayList<>();
    for (Object[] r : rows()) {
      rows.add(new Object[] {r[0], r[2]});
    }
    List<ColumnProfile> profiles = TabularFixtures.profilesOf(rows,
        new String[] {"amount", "label"}, new boolean[] {false, true});
    TableTransformer t = TableTransformer.fit(profiles,
        TabularFixtures.defaultConfig().fitOptions);
    LabelPairs pairs = LabelPairs.count(t.encode(rows.iterator(), 1), t, 0);
    int[] out = new int[2];
    pairs.draw(0, 1, new SplittableRandom(1), out);
    assertEquals(-1, out[0]);
  }

  @Test
  void jsonRoundTripsAndAMismatchedTransformerIsRefused() {
    List<Object[]> rows = rows();
    TableTransformer t = TabularFixtures.fitted(rows);
    LabelPairs pairs = LabelPairs.count(t.encode(rows.iterator(), 1), t, LABEL);
    assertEquals(pairs.toJson(), LabelPairs.fromJson(pairs.toJson(), t).toJson());
    ObjectNode bad = (ObjectNode) pairs.toJson();
    ((ArrayNode) bad.path("counts").get(KIND).get(0)).add(7);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> LabelPairs.fromJson(bad, t));
    assertTrue(e.getMessage().contains("label_pairs") && e.getMessage().contains("retrain"),
        e.getMessage());
  }

  @Test
  void storedCountsAreRoundedToTheBaseAndARareCombinationIsNeverDrawn() {
    List<Object[]> rows = new ArrayList<>(rows());
    for (int r = 0; r < 2; r++) {
      rows.get(r)[1] = "rare";
      rows.get(r)[2] = "yes";
    }
    TableTransformer t = TabularFixtures.fitted(rows);
    LabelPairs exact = LabelPairs.count(t.encode(rows.iterator(), 1), t, LABEL);
    LabelPairs rounded = exact.rounded();
    ArrayNode exactCounts = (ArrayNode) exact.toJson().path("counts");
    ArrayNode roundedCounts = (ArrayNode) rounded.toJson().path("counts");
    int checked = 0;
    for (int j = 0; j < exactCounts.size(); j++) {
      for (int l = 0; l < exactCounts.get(j).size(); l++) {
        for (int k = 0; k < exactCounts.get(j).get(l).size(); k++) {
          long n = exactCounts.get(j).get(l).get(k).asLong();
          long m = roundedCounts.get(j).get(l).get(k).asLong();
          assertEquals(0, m % LabelPairs.ROUNDING_BASE, "count " + n + " stored as " + m);
          assertTrue(Math.abs(m - n) <= LabelPairs.ROUNDING_BASE / 2, n + " -> " + m);
          checked++;
        }
      }
    }
    assertTrue(checked > 4, "counts checked: " + checked);
    int rare = t.categoriesOf(1).indexOf("rare");
    int yes = t.categoriesOf(2).indexOf("yes");
    assertEquals(2, exactCounts.get(KIND).get(yes).get(rare).asLong());
    SplittableRandom rng = new SplittableRandom(5);
    int[] out = new int[2];
    int drawnRare = 0;
    for (int i = 0; i < 5_000; i++) {
      rounded.draw(LABEL, yes, rng, out);
      drawnRare += out[0] == KIND && out[1] == rare ? 1 : 0;
    }
    assertEquals(0, drawnRare, "a combination of two rows is stored as 0 and never drawn");
    rounded.draw(KIND, rare, rng, out);
    assertEquals(-1, out[0], "the rare category has no partner once its counts round to 0");
  }
}
