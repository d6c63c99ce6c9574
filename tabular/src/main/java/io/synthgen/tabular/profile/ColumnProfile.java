package io.synthgen.tabular.profile;

import io.synthgen.tabular.ValueType;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the transformer is fitted from, for one column: exact counts and bounds computed over the
 * whole table, plus a bounded sample of its non-null numeric values.
 *
 * @param name column name
 * @param categorical whether the column is categorical
 * @param valueType the storage type of the input column
 * @param count rows in the table
 * @param nullCount null cells
 * @param min smallest non-null value (numeric columns)
 * @param max largest non-null value (numeric columns)
 * @param integral whether every non-null value is a whole number (numeric columns)
 * @param categoryCounts exact counts per category, null excluded (categorical columns)
 * @param sample bounded sample of non-null values (numeric columns)
 */
public record ColumnProfile(String name, boolean categorical, ValueType valueType, long count,
    long nullCount, double min, double max, boolean integral, Map<String, Long> categoryCounts,
    double[] sample) implements Serializable {

  public static ColumnProfile numeric(String name, ValueType type, long count, long nullCount,
      double min, double max, boolean integral, double[] sample) {
    return new ColumnProfile(name, false, type, count, nullCount, min, max, integral, Map.of(),
        sample);
  }

  public static ColumnProfile categorical(String name, ValueType type, long count,
      long nullCount, Map<String, Long> categoryCounts) {
    return new ColumnProfile(name, true, type, count, nullCount, Double.NaN, Double.NaN, false,
        new LinkedHashMap<>(categoryCounts), new double[0]);
  }
}
