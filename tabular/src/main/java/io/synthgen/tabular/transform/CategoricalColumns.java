package io.synthgen.tabular.transform;

import java.util.List;

/**
 * The categorical columns of a fitted table model, as a
 * {@link io.synthgen.tabular.condition.GenerationPlan} conditions on them: a condition names a categorical column by its position in {@link #categoricalColumns()}
 * and a category by its index in that column's {@link OneHotCategoryEncoder#categories()}.
 */
public interface CategoricalColumns {
  /** The table's column names, in order. */
  List<String> columnNames();

  /** Table indices of the categorical columns, in table order. */
  int[] categoricalColumns();

  /** The categories, with their training counts, of the categorical column at {@code column}. */
  OneHotCategoryEncoder categoriesOf(int column);

  /** Index of the column called {@code name}, or -1. */
  default int columnIndex(String name) {
    return columnNames().indexOf(name);
  }

  /**
   * Position among {@link #categoricalColumns()} of the column called {@code name}, or -1 when
   * the name is null, unknown or names a numeric column.
   */
  default int categoricalIndexOf(String name) {
    int column = name == null ? -1 : columnIndex(name);
    return column < 0 ? -1 : categoricalIndex(column);
  }

  /** Position of table column {@code column} among {@link #categoricalColumns()}, or -1. */
  default int categoricalIndex(int column) {
    int[] c = categoricalColumns();
    for (int j = 0; j < c.length; j++) {
      if (c[j] == column) {
        return j;
      }
    }
    return -1;
  }
}
