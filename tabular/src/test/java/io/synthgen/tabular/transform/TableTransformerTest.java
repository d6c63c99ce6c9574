package io.synthgen.tabular.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.tabular.EncodedTable;
import io.synthgen.tabular.TabularFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableTransformerTest {
  /** Numeric values may lose precision only through the (-0.99, 0.99) clip of 4-sigma offsets. */
  private static final double NUMERIC_TOLERANCE = 1e-3;

  /** Decodes an encoded row with the encoding's own one-hots (no sampling). */
  static Object[] decodeEncoded(TableTransformer t, float[] data, int row) {
    Object[] out = new Object[t.columns().size()];
    int base = row * t.width();
    for (int i = 0; i < out.length; i++) {
      int off = base + t.dataOffset(i);
      ColumnTransformer c = t.columns().get(i);
      if (c instanceof ModeSpecificNormalizer n) {
        out[i] = n.decode(data[off], argmax(data, off + 1, n.modeCount()));
      } else {
        out[i] = ((OneHotCategoryEncoder) c).decode(argmax(data, off, c.width()));
      }
    }
    return out;
  }

  static int argmax(float[] v, int off, int n) {
    int best = 0;
    for (int k = 1; k < n; k++) {
      best = v[off + k] > v[off + best] ? k : best;
    }
    return best;
  }

  @Test
  void encodeDecodeRoundTripKeepsValuesCategoriesAndNulls() {
    List<Object[]> rows = TabularFixtures.table(2000, 1);
    TableTransformer t = TabularFixtures.fitted(rows);
    EncodedTable enc = t.encode(rows.iterator(), 5);
    assertEquals(rows.size(), enc.rows());
    for (int r = 0; r < rows.size(); r++) {
      Object[] back = decodeEncoded(t, enc.data(), r);
      Object[] orig = rows.get(r);
      if (orig[0] == null) {
        assertEquals(null, back[0], "row " + r);
      } else {
        assertEquals((Double) orig[0], (Double) back[0], NUMERIC_TOLERANCE, "row " + r);
      }
      assertEquals(orig[1], back[1], "row " + r);
      assertEquals(orig[2], back[2], "row " + r);
    }
  }

  @Test
  void frequentExactValuesBecomePointMassesAndNullsGetAMode() {
    List<Object[]> rows = TabularFixtures.table(2000, 2);
    TableTransformer t = TabularFixtures.fitted(rows);
    ModeSpecificNormalizer amount = (ModeSpecificNormalizer) t.columns().get(0);
    assertEquals(1, amount.pointValues().length);
    assertEquals(0.0, amount.pointValues()[0]);
    assertTrue(amount.gaussianModes() >= 2, "bimodal remainder gets at least two modes");
    assertEquals(amount.gaussianModes() + 2, amount.modeCount(), "point mass + null mode");
    OneHotCategoryEncoder kind = (OneHotCategoryEncoder) t.columns().get(1);
    assertEquals(List.of("A", "B"), kind.categories().subList(0, 2));
    assertEquals(null, kind.categories().get(2));
  }

  @Test
  void layoutPlacesConditionSlotsOnTheRightColumns() {
    List<Object[]> rows = TabularFixtures.table(500, 3);
    TableTransformer t = TabularFixtures.fitted(rows);
    assertEquals(2, t.discreteColumns().size());
    TableTransformer.DiscreteColumn kind = t.discreteColumns().get(0);
    TableTransformer.DiscreteColumn label = t.discreteColumns().get(1);
    assertEquals(1, kind.column());
    assertEquals(t.dataOffset(1), kind.dataOffset());
    assertEquals(0, kind.conditionOffset());
    assertEquals(kind.width(), label.conditionOffset());
    assertEquals(t.width(), label.dataOffset() + label.width());
  }

  @Test
  void jsonRoundTripGivesTheSameEncoding() {
    List<Object[]> rows = TabularFixtures.table(300, 4);
    TableTransformer t = TabularFixtures.fitted(rows);
    TableTransformer back = TableTransformer.fromJson(t.toJson());
    assertEquals(t.toJson(), back.toJson());
    assertEquals(java.util.Arrays.toString(t.encode(rows.iterator(), 9).data()),
        java.util.Arrays.toString(back.encode(rows.iterator(), 9).data()));
  }
}
