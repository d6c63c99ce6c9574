package io.synthgen.tabular;

import java.io.Serializable;

/**
 * One worker's training rows, encoded: a row-major float matrix and, per categorical column, each
 * row's category index (for training-by-sampling).
 */
public final class EncodedTable implements Serializable {
  private static final long serialVersionUID = 1L;
  private final float[] data;
  private final int rows;
  private final int width;
  private final int[][] categories;

  public EncodedTable(float[] data, int rows, int width, int[][] categories) {
    if (data.length != (long) rows * width) {
      throw new IllegalArgumentException("data length " + data.length + " != " + rows + " x " + width);
    }
    this.data = data;
    this.rows = rows;
    this.width = width;
    this.categories = categories;
  }

  public float[] data() {
    return data;
  }

  public int rows() {
    return rows;
  }

  public int width() {
    return width;
  }

  /** Category index of {@code row} in discrete column {@code discreteColumn}. */
  public int category(int discreteColumn, int row) {
    return categories[discreteColumn][row];
  }

  public int discreteColumns() {
    return categories.length;
  }

  /** Copies row {@code row} into {@code target} at {@code offset}. */
  public void copyRow(int row, float[] target, int offset) {
    System.arraycopy(data, row * width, target, offset, width);
  }
}
