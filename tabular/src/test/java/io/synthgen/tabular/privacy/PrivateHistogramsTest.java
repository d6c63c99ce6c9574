package io.synthgen.tabular.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.InvalidInputException;
import io.synthgen.tabular.ValueType;
import io.synthgen.tabular.profile.ColumnProfile;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The private column summaries: sensitivity, noise, thresholds, bounds. */
class PrivateHistogramsTest {
  /** Noise small enough that every count comes back exact after rounding. */
  private static final double NO_NOISE = 1e-9;
  /** Quantile error of the released sample: one leaf of the tree over [0, 100]. */
  private static final double ONE_LEAF = 100.0 / (1 << PrivateHistograms.TREE_LEVELS);

  private static List<PrivateHistograms.Column> columns() {
    return List.of(new PrivateHistograms.Column("amount", false, ValueType.DOUBLE, 0, 100),
        new PrivateHistograms.Column("channel", true, ValueType.STRING, Double.NaN, Double.NaN));
  }

  /** amount uniform on (0, 100) with 30% zeros and 10% nulls; channel web / shop. */
  private static PrivateHistograms table(int rows, long seed) {
    PrivateHistograms h = PrivateHistograms.of(columns());
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < rows; i++) {
      double u = r.nextDouble();
      Double amount = u < 0.1 ? null : u < 0.4 ? 0.0 : 100 * r.nextDouble();
      h.add(new Object[] {amount, r.nextDouble() < 0.7 ? "web" : "shop"});
    }
    return h;
  }

  @Test
  void sensitivityCountsTheTreePathOfEachNumericColumnAndOneCountPerCategorical() {
    assertEquals(Math.sqrt(PrivateHistograms.TREE_LEVELS + 1 + 1),
        PrivateHistograms.of(columns()).sensitivity(), 1e-12);
  }

  @Test
  void withoutNoiseTheProfilesHoldTheExactCountsAndQuantiles() {
    List<ColumnProfile> p = table(5000, 1).release(NO_NOISE, 1e-5, new SplittableRandom(2));
    ColumnProfile amount = p.get(0);
    ColumnProfile channel = p.get(1);
    assertEquals(5000, amount.count());
    assertEquals(5000, channel.count());
    assertTrue(amount.nullCount() > 400 && amount.nullCount() < 600, "" + amount.nullCount());
    assertEquals(5000, channel.categoryCounts().values().stream().mapToLong(Long::longValue)
        .sum());
    double[] s = amount.sample();
    long zeros = Arrays.stream(s).filter(v -> v == 0).count();
    // 30% of all rows are zeros, a third of the non-null ones
    assertEquals(1.0 / 3, zeros / (double) s.length, 0.02);
    // the non-zero part is uniform on (0, 100): its median is 50 within sampling error
    double[] positive = Arrays.stream(s).filter(v -> v > 0).sorted().toArray();
    assertEquals(50, positive[positive.length / 2], 3 + ONE_LEAF);
    assertTrue(Arrays.stream(s).allMatch(v -> v >= 0 && v <= 100));
  }

  @Test
  void valuesOutsideTheBoundsAreClamped() {
    PrivateHistograms h = PrivateHistograms.of(columns());
    for (int i = 0; i < 100; i++) {
      h.add(new Object[] {i % 2 == 0 ? -50.0 : 1e9, "web"});
    }
    double[] s = h.release(NO_NOISE, 1e-5, new SplittableRandom(1)).get(0).sample();
    assertEquals(0, s[0]);
    assertTrue(s[s.length - 1] <= 100 && s[s.length - 1] > 100 - ONE_LEAF);
  }

  @Test
  void aCategoryOnlyAFewRowsHoldIsNotReleased() {
    PrivateHistograms h = table(2000, 3);
    h.add(new Object[] {1.0, "unique-customer-id"});
    // noise multiplier 1: sigma = sensitivity, threshold about 1 + 4.4 sigma
    for (long seed = 0; seed < 50; seed++) {
      ColumnProfile channel = h.release(1, 1e-5, new SplittableRandom(seed)).get(1);
      assertFalse(channel.categoryCounts().containsKey("unique-customer-id"), "seed " + seed);
      assertTrue(channel.categoryCounts().containsKey("web"));
    }
  }

  @Test
  void aPublicCategoryIsReleasedHoweverFewRowsHoldIt() {
    PrivateHistograms h = PrivateHistograms.of(List.of(
        new PrivateHistograms.Column("amount", false, ValueType.DOUBLE, 0, 100),
        new PrivateHistograms.Column("status", true, ValueType.STRING, Double.NaN, Double.NaN,
            java.util.Set.of("fraud", "chargeback"))));
    for (int i = 0; i < 2000; i++) {
      h.add(new Object[] {1.0, i < 3 ? "fraud" : "ok"});
    }
    for (long seed = 0; seed < 20; seed++) {
      ColumnProfile status = h.release(1, 1e-5, new SplittableRandom(seed)).get(1);
      assertTrue(status.categoryCounts().get("fraud") >= 1, "seed " + seed);
      assertTrue(status.categoryCounts().get("chargeback") >= 1, "a public name no row holds");
      assertTrue(status.categoryCounts().containsKey("ok"));
    }
  }

  @Test
  void aColumnWithoutNullsMostlyKeepsNoNullCount() {
    PrivateHistograms h = PrivateHistograms.of(columns());
    for (int i = 0; i < 1000; i++) {
      h.add(new Object[] {50.0, "web"});
    }
    int withNulls = 0;
    for (long seed = 0; seed < 100; seed++) {
      withNulls += h.release(1, 1e-5, new SplittableRandom(seed)).get(0).nullCount() > 0 ? 1 : 0;
    }
    // P(N(0,1) > 2) = 2.3%: the threshold keeps nearly all spurious nulls out
    assertTrue(withNulls <= 8, withNulls + " of 100");
  }

  @Test
  void mergingPartitionsEqualsOnePass() {
    PrivateHistograms whole = table(3000, 4);
    PrivateHistograms a = PrivateHistograms.of(columns());
    PrivateHistograms b = PrivateHistograms.of(columns());
    SplittableRandom r = new SplittableRandom(4);
    for (int i = 0; i < 3000; i++) {
      double u = r.nextDouble();
      Double amount = u < 0.1 ? null : u < 0.4 ? 0.0 : 100 * r.nextDouble();
      Object[] row = {amount, r.nextDouble() < 0.7 ? "web" : "shop"};
      (i % 3 == 0 ? a : b).add(row);
    }
    List<ColumnProfile> merged = a.merge(b).release(2, 1e-5, new SplittableRandom(9));
    List<ColumnProfile> one = whole.release(2, 1e-5, new SplittableRandom(9));
    assertArrayEquals(one.get(0).sample(), merged.get(0).sample());
    assertEquals(one.get(1).categoryCounts(), merged.get(1).categoryCounts());
  }

  @Test
  void theTreeEstimateKeepsMassWhereTheRowsAre() {
    long[] leaves = new long[1 << PrivateHistograms.TREE_LEVELS];
    leaves[10] = 500;
    leaves[900] = 500;
    double[] est = PrivateHistograms.treeEstimate(leaves, 5, new SplittableRandom(1));
    double near10 = 0;
    double near900 = 0;
    double total = 0;
    for (int i = 0; i < est.length; i++) {
      total += est[i];
      near10 += Math.abs(i - 10) <= 16 ? est[i] : 0;
      near900 += Math.abs(i - 900) <= 16 ? est[i] : 0;
    }
    assertEquals(1000, total, 20);
    assertTrue(near10 > 0.8 * 500 && near900 > 0.8 * 500, near10 + " " + near900);
  }

  @Test
  void aNumericColumnWithoutBoundsIsRefusedNamingItAndTheMetadataKey() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> PrivateHistograms.of(List.of(new PrivateHistograms.Column("income", false,
            ValueType.DOUBLE, Double.NaN, Double.NaN))));
    assertTrue(e.getMessage().contains("'income'") && e.getMessage().contains("\"bounds\""),
        e.getMessage());
  }

  @Test
  void aCategoricalColumnWithNothingAboveTheThresholdIsRefusedNamingIt() {
    PrivateHistograms h = PrivateHistograms.of(columns());
    for (int i = 0; i < 5; i++) {
      h.add(new Object[] {1.0, "web"});
    }
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> h.release(1, 1e-5, new SplittableRandom(1)));
    assertTrue(e.getMessage().contains("'channel'") && e.getMessage().contains("privacy.epsilon"),
        e.getMessage());
  }
}
