package io.synthgen.tabular.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TableStatisticsTest {
  private static Object[] row(int i) {
    return new Object[] {i % 10 == 0 ? null : String.valueOf(i * 0.5), "c" + (i % 3), "id" + i};
  }

  @Test
  void mergedPartitionsGiveTheSameCountsAsOnePass() {
    TableStatistics whole = new TableStatistics(3, 50, 100, 1);
    TableStatistics a = new TableStatistics(3, 50, 100, 2);
    TableStatistics b = new TableStatistics(3, 50, 100, 3);
    for (int i = 0; i < 1000; i++) {
      whole.add(row(i));
      (i < 400 ? a : b).add(row(i));
    }
    TableStatistics merged = a.merge(b);
    assertEquals(1000, merged.rows());
    assertEquals(whole.nulls(0), merged.nulls(0));
    assertEquals(100, merged.nulls(0));
    assertEquals(0, merged.nonNumeric(0));
    assertEquals(0.5, merged.min(0));
    assertEquals(499.5, merged.max(0));
    assertFalse(merged.integral(0));
    assertEquals(Map.of("c0", 334L, "c1", 333L, "c2", 333L), merged.categories(1));
    assertEquals(1000, merged.nonNumeric(2));
    assertEquals("id400", b.firstNonNumeric(2));
    assertNull(merged.categories(2), "more than 50 distinct ids overflow the cap");
  }

  @Test
  void sampleIsBoundedAndSkipsNulls() {
    TableStatistics s = new TableStatistics(3, 50, 100, 4);
    for (int i = 0; i < 5000; i++) {
      s.add(row(i));
    }
    double[] sample = s.sample(0);
    assertTrue(sample.length <= 100 && sample.length >= 80, "length " + sample.length);
    double mean = java.util.Arrays.stream(sample).average().orElseThrow();
    assertEquals(1250, mean, 200, "uniform sample of 0..2500 has mean near 1250");
  }
}
