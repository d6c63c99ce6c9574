package io.synthgen.tabular.condition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.tabular.EncodedTable;
import io.synthgen.tabular.transform.TableTransformer;
import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Conditions paired with the label (key {@code label-paired-conditions}): every condition of the
 * tabular GAN names the label's class and one other categorical column's category, both taken
 * from one real row, so the generator learns each column given the class instead of leaving the
 * label to the generator (CTGAN's single condition) or every other column to it (a label-only
 * condition).
 *
 * <p>Holds the training table's joint counts of the label with each categorical column, from
 * which generation draws the partner of a condition: for a class, another categorical column
 * uniformly and its category by its real frequency within that class; for another column's
 * category, the class by its real frequency among rows carrying that category. Training draws
 * the same pairs from real rows ({@link #partner}), so both see one distribution.
 *
 * @implNote An extension of CTGAN's training-by-sampling (Xu et al., NeurIPS 2019), whose
 *     condition is a single category; the pairing with the label is this project's.
 */
public final class LabelPairs implements Serializable {
  private static final long serialVersionUID = 1L;
  private final int label;
  /** counts[j][labelClass][category of discrete column j]. */
  private final long[][][] counts;

  private LabelPairs(int label, long[][][] counts) {
    this.label = label;
    this.counts = counts;
  }

  /**
   * The base to which {@link #rounded} rounds every joint count: a combination of a class and a
   * category held by one or two training rows is stored as 0, three to seven rows as 5, and so on,
   * so the stored counts do not single out a record (statistical agencies' rounding to base 3 or
   * 5).
   */
  public static final int ROUNDING_BASE = 5;

  /** Discrete-column index of the label. */
  public int label() {
    return label;
  }

  /** The joint counts of one partition's rows; merge partitions with {@link #plus}. */
  public static LabelPairs count(EncodedTable table, TableTransformer t, int label) {
    int d = t.discreteColumns().size();
    if (label < 0 || label >= d) {
      throw new IllegalArgumentException("label discrete column " + label + " of " + d);
    }
    int classes = t.discreteColumns().get(label).width();
    long[][][] n = new long[d][classes][];
    for (int j = 0; j < d; j++) {
      for (int l = 0; l < classes; l++) {
        n[j][l] = new long[t.discreteColumns().get(j).width()];
      }
    }
    for (int r = 0; r < table.rows(); r++) {
      int l = table.category(label, r);
      for (int j = 0; j < d; j++) {
        n[j][l][table.category(j, r)]++;
      }
    }
    return new LabelPairs(label, n);
  }

  /**
   * These counts rounded to the nearest multiple of {@link #ROUNDING_BASE} (halves up): what a
   * model stores. A category whose every count rounds to 0 gets no partner when generating.
   */
  public LabelPairs rounded() {
    long[][][] n = new long[counts.length][][];
    for (int j = 0; j < counts.length; j++) {
      n[j] = new long[counts[j].length][];
      for (int l = 0; l < counts[j].length; l++) {
        n[j][l] = new long[counts[j][l].length];
        for (int k = 0; k < n[j][l].length; k++) {
          long c = counts[j][l][k];
          n[j][l][k] = (c + ROUNDING_BASE / 2) / ROUNDING_BASE * ROUNDING_BASE;
        }
      }
    }
    return new LabelPairs(label, n);
  }

  /** The counts of both tables' rows. */
  public LabelPairs plus(LabelPairs other) {
    long[][][] n = new long[counts.length][][];
    for (int j = 0; j < counts.length; j++) {
      n[j] = new long[counts[j].length][];
      for (int l = 0; l < counts[j].length; l++) {
        n[j][l] = counts[j][l].clone();
        for (int k = 0; k < n[j][l].length; k++) {
          n[j][l][k] += other.counts[j][l][k];
        }
      }
    }
    return new LabelPairs(label, n);
  }

  /**
   * Writes the partner of condition (discrete column {@code column}, category {@code category})
   * into {@code out} as {column, category}, or {-1, -1} when there is none (a table whose only
   * categorical column is the label, or a condition no training row carries).
   */
  public void draw(int column, int category, SplittableRandom rng, int[] out) {
    out[0] = -1;
    out[1] = -1;
    if (column == label) {
      int partner = otherColumn(rng);
      if (partner < 0) {
        return;
      }
      int k = drawIndex(counts[partner][category], rng);
      if (k >= 0) {
        out[0] = partner;
        out[1] = k;
      }
      return;
    }
    long[] byClass = new long[counts[column].length];
    for (int l = 0; l < byClass.length; l++) {
      byClass[l] = counts[column][l][category];
    }
    int l = drawIndex(byClass, rng);
    if (l >= 0) {
      out[0] = label;
      out[1] = l;
    }
  }

  /**
   * The partner of condition {@code column} taken from real row {@code row} of {@code table}
   * (training): the row's class, or for a condition on the label another categorical column
   * (uniformly) with the row's category in it. Writes {-1, -1} when there is none.
   */
  public void partner(int column, EncodedTable table, int row, SplittableRandom rng, int[] out) {
    out[0] = -1;
    out[1] = -1;
    int partner = column == label ? otherColumn(rng) : label;
    if (partner >= 0) {
      out[0] = partner;
      out[1] = table.category(partner, row);
    }
  }

  /** A categorical column other than the label, uniformly; -1 when there is none. */
  private int otherColumn(SplittableRandom rng) {
    int others = counts.length - 1;
    if (others == 0) {
      return -1;
    }
    int j = rng.nextInt(others);
    return j >= label ? j + 1 : j;
  }

  /**
   * Index k with probability {@code weights[k] / sum} from one uniform of {@code rng}; -1 when
   * every weight is 0.
   */
  static int drawIndex(long[] weights, SplittableRandom rng) {
    long total = 0;
    for (long w : weights) {
      total += w;
    }
    if (total == 0) {
      return -1;
    }
    long u = (long) (rng.nextDouble() * total);
    for (int k = 0; k < weights.length; k++) {
      if (u < weights[k]) {
        return k;
      }
      u -= weights[k];
    }
    return weights.length - 1;
  }

  public JsonNode toJson() {
    ObjectNode o = ModelBundle.json().createObjectNode();
    o.put("label", label);
    ArrayNode cols = o.putArray("counts");
    for (long[][] byClass : counts) {
      ArrayNode c = cols.addArray();
      for (long[] row : byClass) {
        ArrayNode r = c.addArray();
        for (long v : row) {
          r.add(v);
        }
      }
    }
    return o;
  }

  /** Reads {@link #toJson}, checked against the transformer's categorical columns. */
  public static LabelPairs fromJson(JsonNode node, TableTransformer t) {
    int d = t.discreteColumns().size();
    int label = node.path("label").asInt(-1);
    JsonNode cols = node.path("counts");
    if (label < 0 || label >= d || cols.size() != d) {
      throw new InvalidInputException("model bundle's label_pairs do not match its "
          + d + " categorical columns: retrain the model");
    }
    int classes = t.discreteColumns().get(label).width();
    long[][][] n = new long[d][classes][];
    for (int j = 0; j < d; j++) {
      int width = t.discreteColumns().get(j).width();
      if (cols.get(j).size() != classes) {
        throw new InvalidInputException("model bundle's label_pairs column " + j + " has "
            + cols.get(j).size() + " classes, the label has " + classes + ": retrain the model");
      }
      for (int l = 0; l < classes; l++) {
        JsonNode row = cols.get(j).get(l);
        if (row.size() != width) {
          throw new InvalidInputException("model bundle's label_pairs column " + j + " has "
              + row.size() + " categories, the transformer " + width + ": retrain the model");
        }
        n[j][l] = new long[width];
        for (int k = 0; k < width; k++) {
          n[j][l][k] = row.get(k).asLong();
        }
      }
    }
    return new LabelPairs(label, n);
  }
}
