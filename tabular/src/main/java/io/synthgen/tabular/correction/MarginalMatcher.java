package io.synthgen.tabular.correction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.tabular.profile.ColumnProfile;
import io.synthgen.tabular.profile.EmpiricalMarginal;
import io.synthgen.tabular.profile.SortedRanks;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * An output step that maps every numeric column's generated values onto the real column's
 * distribution, keeping their order: {@code v -> F_real^-1(F_gen(v))}, where {@code F_gen} is the
 * generator's own distribution, estimated from a pilot sample of its rows, and {@code F_real}
 * the training column's {@link EmpiricalMarginal}. Rows are never copied: each value moves to the
 * real quantile of its own rank, and which row it sits in is the generator's choice. A value tied
 * in the pilot (a point mass the generator over- or under-produces) takes a random position
 * inside its tie, so point-mass shares come out right too.
 *
 * <p>Optionally per class of the label ({@link #fit(List, EmpiricalMarginal[], int, Map)}): a
 * row of class c moves to the quantile of the training column's values within c, by its rank
 * among the pilot's class-c values, so each class's numeric distribution is the real one (and the
 * table's, their mixture at the real class shares). A class with fewer than
 * {@link #MIN_CLASS_PILOT_ROWS} pilot rows, or a column with fewer than
 * {@link #MIN_CLASS_VALUES} real values in the class, is mapped with the whole column's.
 */
public final class MarginalMatcher implements Serializable {
  private static final long serialVersionUID = 3L;
  /** Fewest pilot rows of a class for its own mapping (fewer: a coarse rank estimate). */
  public static final int MIN_CLASS_PILOT_ROWS = 200;
  /** Fewest non-null training values of a column within a class for its own mapping. */
  public static final int MIN_CLASS_VALUES = 20;
  private final int[] columns;
  private final Mapping whole;
  private final int labelColumn;
  private final Map<String, Mapping> byClass;
  /** The keys and values of {@code byClass}, for a lookup per row without hashing. */
  private final String[] classKeys;
  private final Mapping[] classMappings;

  /** Ranked pilot values and training marginal per mapped column (null entries: use whole's). */
  private record Mapping(SortedRanks[] generated, EmpiricalMarginal[] real)
      implements Serializable {}

  private MarginalMatcher(int[] columns, Mapping whole, int labelColumn,
      Map<String, Mapping> byClass) {
    this.columns = columns;
    this.whole = whole;
    this.labelColumn = labelColumn;
    this.byClass = byClass;
    this.classKeys = byClass.keySet().toArray(new String[0]);
    this.classMappings = new Mapping[classKeys.length];
    for (int k = 0; k < classKeys.length; k++) {
      classMappings[k] = byClass.get(classKeys[k]);
    }
  }

  /**
   * Fits from pilot rows of the generator; {@code real} holds the training marginal of every
   * column, null for the columns left alone (categorical ones).
   */
  public static MarginalMatcher fit(List<Object[]> pilot, EmpiricalMarginal[] real) {
    return fit(pilot, real, -1, Map.of());
  }

  /**
   * Fits per class of column {@code labelColumn} as well: {@code realByClass} maps a class (its
   * value as a string) to the training marginals of the rows of that class, laid out as
   * {@code real}.
   */
  public static MarginalMatcher fit(List<Object[]> pilot, EmpiricalMarginal[] real,
      int labelColumn, Map<String, EmpiricalMarginal[]> realByClass) {
    List<Integer> cols = new ArrayList<>();
    for (int i = 0; i < real.length; i++) {
      if (real[i] != null && !real[i].allNull()) {
        cols.add(i);
      }
    }
    int[] c = cols.stream().mapToInt(Integer::intValue).toArray();
    Map<String, List<Object[]>> pilotByClass = realByClass.isEmpty() ? Map.of()
        : pilot.stream().collect(Collectors.groupingBy(r -> String.valueOf(r[labelColumn])));
    Map<String, Mapping> byClass = new HashMap<>();
    realByClass.forEach((k, marginals) -> {
      List<Object[]> rows = pilotByClass.getOrDefault(k, List.of());
      if (rows.size() >= MIN_CLASS_PILOT_ROWS) {
        byClass.put(k, mapping(rows, c, marginals, MIN_CLASS_VALUES));
      }
    });
    return new MarginalMatcher(c, mapping(pilot, c, real, 1), labelColumn, Map.copyOf(byClass));
  }

  /** The mapping of {@code columns} from {@code rows}; columns short of values left null. */
  private static Mapping mapping(List<Object[]> rows, int[] columns, EmpiricalMarginal[] real,
      int minValues) {
    SortedRanks[] gen = new SortedRanks[columns.length];
    EmpiricalMarginal[] target = new EmpiricalMarginal[columns.length];
    for (int j = 0; j < columns.length; j++) {
      int col = columns[j];
      EmpiricalMarginal r = real[col];
      if (r == null || r.size() < minValues) {
        continue;
      }
      gen[j] = new SortedRanks(rows.stream().filter(row -> row[col] != null)
          .mapToDouble(row -> ((Number) row[col]).doubleValue()).toArray());
      target[j] = r;
    }
    return new Mapping(gen, target);
  }

  /** Classes with a mapping of their own, sorted. */
  public List<String> classes() {
    return byClass.keySet().stream().sorted().toList();
  }

  /** Replaces the numeric values of {@code row} in place; {@code rng} places values in ties. */
  public void apply(Object[] row, SplittableRandom rng) {
    Mapping own = labelColumn < 0 ? null : classMapping(row[labelColumn]);
    for (int j = 0; j < columns.length; j++) {
      Object v = row[columns[j]];
      Mapping m = own != null && own.real()[j] != null ? own : whole;
      SortedRanks g = m.generated()[j];
      if (v == null || g == null || g.size() == 0) {
        continue;
      }
      double q = g.rankShare(((Number) v).doubleValue(), rng.nextDouble());
      row[columns[j]] = m.real()[j].valueAt(q);
    }
  }

  /** The mapping of the class {@code label} holds, or null. */
  private Mapping classMapping(Object label) {
    if (label == null) {
      return byClass.get("null");
    }
    String key = label instanceof String s ? s : String.valueOf(label);
    if (classKeys.length > 8) {
      return byClass.get(key);
    }
    for (int k = 0; k < classKeys.length; k++) {
      if (classKeys[k].equals(key)) {
        return classMappings[k];
      }
    }
    return null;
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

  /**
   * The training marginals of the rows of each class of column {@code label} with at least
   * {@code minClassRows} rows, as JSON: {@code {"label": name, "classes": {class: marginalsJson
   * of its rows}}}; smaller classes are left out (they are matched onto the whole columns).
   */
  public static JsonNode marginalsByClassJson(String label,
      Map<String, List<ColumnProfile>> byClass, int maxPoints, int minClassRows) {
    com.fasterxml.jackson.databind.node.ObjectNode o = ModelBundle.json().createObjectNode();
    o.put("label", label);
    com.fasterxml.jackson.databind.node.ObjectNode classes = o.putObject("classes");
    byClass.forEach((k, v) -> {
      if (!v.isEmpty() && v.get(0).count() >= minClassRows) {
        classes.set(k, marginalsJson(v, maxPoints));
      }
    });
    return o;
  }

  /** The classes of {@link #marginalsByClassJson}; empty when the node is missing. */
  public static Map<String, EmpiricalMarginal[]> marginalsByClassFromJson(JsonNode o) {
    Map<String, EmpiricalMarginal[]> m = new java.util.LinkedHashMap<>();
    if (o != null && o.has("classes")) {
      o.get("classes").fields().forEachRemaining(e -> m.put(e.getKey(),
          marginalsFromJson(e.getValue())));
    }
    return m;
  }

  /** The label column named by {@link #marginalsByClassJson}, or null. */
  public static String labelOf(JsonNode o) {
    return o == null || !o.has("label") ? null : o.get("label").asText();
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
