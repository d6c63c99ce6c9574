package io.synthgen.tabular.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.Seeds;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.tabular.EncodedTable;
import io.synthgen.tabular.profile.ColumnProfile;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The fitted table encoding: one {@link ColumnTransformer} per column, in table order, and the
 * layout derived from them: where each column sits in the generator's output, which output spans
 * are tanh and which are (Gumbel-)softmax, and the conditional vector's slot for each categorical
 * column.
 */
public final class TableTransformer implements CategoricalColumns, Serializable {
  private static final long serialVersionUID = 1L;
  private final List<ColumnTransformer> columns;
  private final int[] dataOffset;
  private final List<Span> spans = new ArrayList<>();
  private final List<DiscreteColumn> discrete = new ArrayList<>();
  private final int width;
  private final int conditionWidth;

  /** A contiguous range of the output vector and its activation. */
  public record Span(int start, int width, boolean tanh) implements Serializable {}

  /**
   * A categorical column as the conditional vector sees it.
   *
   * @param column index of the column in the table
   * @param dataOffset start of its one-hot span in the data vector
   * @param conditionOffset start of its slot in the conditional vector
   * @param width number of categories
   */
  public record DiscreteColumn(int column, int dataOffset, int conditionOffset, int width)
      implements Serializable {}

  public TableTransformer(List<ColumnTransformer> columns) {
    this.columns = Collections.unmodifiableList(new ArrayList<>(columns));
    this.dataOffset = new int[columns.size()];
    int offset = 0;
    int cond = 0;
    for (int i = 0; i < columns.size(); i++) {
      ColumnTransformer c = columns.get(i);
      dataOffset[i] = offset;
      if (c instanceof ModeSpecificNormalizer) {
        spans.add(new Span(offset, 1, true));
        spans.add(new Span(offset + 1, c.width() - 1, false));
      } else {
        spans.add(new Span(offset, c.width(), false));
        discrete.add(new DiscreteColumn(i, offset, cond, c.width()));
        cond += c.width();
      }
      offset += c.width();
    }
    this.width = offset;
    this.conditionWidth = cond;
  }

  /** Fits every column (in parallel: the mixtures are independent), seeded per column. */
  public static TableTransformer fit(List<ColumnProfile> profiles,
      ModeSpecificNormalizer.FitOptions options) {
    ColumnTransformer[] fitted = new ColumnTransformer[profiles.size()];
    IntStream.range(0, profiles.size()).parallel().forEach(i -> {
      ColumnProfile p = profiles.get(i);
      fitted[i] = p.categorical() ? OneHotCategoryEncoder.fit(p)
          : ModeSpecificNormalizer.fit(p, options);
    });
    return new TableTransformer(List.of(fitted));
  }

  public List<ColumnTransformer> columns() {
    return columns;
  }

  @Override
  public List<String> columnNames() {
    List<String> names = new ArrayList<>();
    columns.forEach(c -> names.add(c.name()));
    return names;
  }

  @Override
  public int columnIndex(String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  public int width() {
    return width;
  }

  public int conditionWidth() {
    return conditionWidth;
  }

  public List<Span> spans() {
    return spans;
  }

  public List<DiscreteColumn> discreteColumns() {
    return discrete;
  }

  @Override
  public int[] categoricalColumns() {
    return discrete.stream().mapToInt(DiscreteColumn::column).toArray();
  }

  @Override
  public OneHotCategoryEncoder categoriesOf(int column) {
    return (OneHotCategoryEncoder) columns.get(column);
  }

  public int dataOffset(int column) {
    return dataOffset[column];
  }

  /**
   * Encodes rows (Double for numeric cells, String for categorical cells, null for nulls) into
   * one training partition; Gaussian modes are sampled from {@code seed}.
   */
  public EncodedTable encode(Iterator<Object[]> rows, long seed) {
    return encode(rows, seed, false);
  }

  /**
   * {@link #encode(Iterator, long)}, leaving out (when {@code dropUnknownCategories}) each row
   * with a category the transformer does not know instead of failing: under differential privacy
   * a category is known only when its noisy count passed the release threshold, so rare
   * categories' rows are expected, and a row left out contributes nothing to training. The
   * number left out is not reported (it is a count of private rows).
   */
  public EncodedTable encode(Iterator<Object[]> rows, long seed, boolean dropUnknownCategories) {
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, Seeds.TRANSFORM));
    FloatBuffer data = new FloatBuffer(width);
    List<int[]> cats = new ArrayList<>();
    float[] row = new float[width];
    rowLoop:
    while (rows.hasNext()) {
      Object[] values = rows.next();
      int[] catRow = new int[discrete.size()];
      int d = 0;
      for (int i = 0; i < columns.size(); i++) {
        ColumnTransformer c = columns.get(i);
        if (c instanceof ModeSpecificNormalizer n) {
          n.encode((Double) values[i], row, dataOffset[i], rng);
        } else {
          OneHotCategoryEncoder e = (OneHotCategoryEncoder) c;
          String v = (String) values[i];
          int k = e.indexOf(v);
          if (k < 0 && dropUnknownCategories) {
            continue rowLoop;
          }
          if (k < 0) {
            throw new InvalidInputException("column '" + c.name() + "' has value '" + v
                + "' that was not seen when the transformer was fitted");
          }
          java.util.Arrays.fill(row, dataOffset[i], dataOffset[i] + c.width(), 0f);
          row[dataOffset[i] + k] = 1f;
          catRow[d++] = k;
        }
      }
      data.add(row);
      cats.add(catRow);
    }
    int n = cats.size();
    int[][] byColumn = new int[discrete.size()][n];
    for (int r = 0; r < n; r++) {
      int[] cr = cats.get(r);
      for (int j = 0; j < cr.length; j++) {
        byColumn[j][r] = cr[j];
      }
    }
    return new EncodedTable(data.toArray(), n, width, byColumn);
  }

  /** Growable row-major float matrix. */
  private static final class FloatBuffer {
    private final int width;
    private float[] data = new float[1024];
    private int size;

    FloatBuffer(int width) {
      this.width = width;
    }

    void add(float[] row) {
      if (size + width > data.length) {
        data = java.util.Arrays.copyOf(data, Math.max(data.length * 2, size + width));
      }
      System.arraycopy(row, 0, data, size, width);
      size += width;
    }

    float[] toArray() {
      return java.util.Arrays.copyOf(data, size);
    }
  }

  public JsonNode toJson() {
    ObjectNode o = ModelBundle.json().createObjectNode();
    ArrayNode a = o.putArray("columns");
    columns.forEach(c -> a.add(c.toJson()));
    return o;
  }

  public static TableTransformer fromJson(JsonNode node) {
    List<ColumnTransformer> cols = new ArrayList<>();
    for (JsonNode c : node.path("columns")) {
      String kind = c.path("kind").asText();
      if (kind.equals("numeric")) {
        cols.add(ModeSpecificNormalizer.fromJson(c));
      } else if (kind.equals("categorical")) {
        cols.add(OneHotCategoryEncoder.fromJson(c));
      } else {
        throw new InvalidInputException("model bundle transformer has unknown column kind '"
            + kind + "'");
      }
    }
    if (cols.isEmpty()) {
      throw new InvalidInputException("model bundle transformer has no columns");
    }
    return new TableTransformer(cols);
  }
}
