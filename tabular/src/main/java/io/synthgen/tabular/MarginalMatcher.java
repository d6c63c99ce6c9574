package io.synthgen.tabular;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.synthgen.model.bundle.ModelBundle;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An output step that maps every numeric column's generated values onto the real column's
 * distribution, keeping their order: {@code v -> F_real^-1(F_gen(v))}, where {@code F_gen} is the
 * generator's own distribution, estimated from a pilot sample of its rows, and {@code F_real}
 * the training column's {@link EmpiricalMarginal}. Rows are never copied: each value moves to the
 * real quantile of its own rank, and which row it sits in is the generator's choice. A value tied
 * in the pilot (a point mass the generator over- or under-produces) takes a random position
 * inside its tie, so point-mass shares come out right too.
 */
public final class MarginalMatcher implements Serializable {
  private static final long serialVersionUID = 1L;
  private final int[] columns;
  private final double[][] generated;
  private final EmpiricalMarginal[] real;

  private MarginalMatcher(int[] columns, double[][] generated, EmpiricalMarginal[] real) {
    this.columns = columns;
    this.generated = generated;
    this.real = real;
  }

  /**
   * Fits from pilot rows of the generator; {@code real} holds the training marginal of every
   * column, null for the columns left alone (categorical ones).
   */
  public static MarginalMatcher fit(List<Object[]> pilot, EmpiricalMarginal[] real) {
    List<Integer> cols = new ArrayList<>();
    for (int i = 0; i < real.length; i++) {
      if (real[i] != null && !real[i].allNull()) {
        cols.add(i);
      }
    }
    int[] c = cols.stream().mapToInt(Integer::intValue).toArray();
    double[][] gen = new double[c.length][];
    EmpiricalMarginal[] target = new EmpiricalMarginal[c.length];
    for (int j = 0; j < c.length; j++) {
      int col = c[j];
      gen[j] = pilot.stream().filter(r -> r[col] != null)
          .mapToDouble(r -> ((Number) r[col]).doubleValue()).sorted().toArray();
      target[j] = real[col];
    }
    return new MarginalMatcher(c, gen, target);
  }

  /** Replaces the numeric values of {@code row} in place; {@code rng} places values in ties. */
  public void apply(Object[] row, SplittableRandom rng) {
    for (int j = 0; j < columns.length; j++) {
      Object v = row[columns[j]];
      double[] g = generated[j];
      if (v == null || g.length == 0) {
        continue;
      }
      double q = EmpiricalMarginal.rankShare(g, ((Number) v).doubleValue(), rng.nextDouble());
      row[columns[j]] = real[j].valueAt(q);
    }
  }

  /** The training marginals of a table's columns as JSON (null for categorical columns). */
  public static JsonNode marginalsJson(List<ColumnProfile> profiles, int maxPoints) {
    ArrayNode a = ModelBundle.json().createArrayNode();
    for (ColumnProfile p : profiles) {
      if (p.categorical()) {
        a.addNull();
      } else {
        a.add(EmpiricalMarginal.fit(p, maxPoints).toJson());
      }
    }
    return a;
  }

  /** Reads {@link #marginalsJson}; null when the node is missing (bundles written before it). */
  public static EmpiricalMarginal[] marginalsFromJson(JsonNode a) {
    if (a == null || !a.isArray()) {
      return null;
    }
    EmpiricalMarginal[] m = new EmpiricalMarginal[a.size()];
    for (int i = 0; i < m.length; i++) {
      m[i] = a.get(i).isNull() ? null : EmpiricalMarginal.fromJson(a.get(i));
    }
    return m;
  }

  @Override
  public String toString() {
    return "MarginalMatcher" + Arrays.toString(columns);
  }
}
