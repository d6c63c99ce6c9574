package io.synthgen.jobs.tabular;

import java.util.Iterator;
import org.apache.spark.sql.Row;

/**
 * Spark rows of a loaded table (numerics as Double, categoricals as String) as the cells the
 * table models read: one {@code Object[]} per row, null for a null cell.
 */
final class TableRows {
  private TableRows() {}

  static Object[] cells(Row r) {
    Object[] out = new Object[r.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = r.isNullAt(i) ? null : r.get(i);
    }
    return out;
  }

  static Iterator<Object[]> cells(Iterator<Row> rows) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Object[] next() {
        return cells(rows.next());
      }
    };
  }
}
