package io.synthgen.tabular.condition;

import io.synthgen.model.InvalidInputException;
import io.synthgen.tabular.ValueType;
import io.synthgen.tabular.profile.EmpiricalMarginal;
import io.synthgen.tabular.transform.CategoricalColumns;
import io.synthgen.tabular.transform.OneHotCategoryEncoder;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The conditions of one generate request checked against a model's columns: per conditioned
 * column one requirement (all conditions on a column intersected), and the <em>cells</em> the
 * rows are apportioned over: one per combination of the categories the categorical requirements
 * allow ({@code type in (A,B)} and {@code shift in (day,night)} give four cells, every other
 * requirement shared by all of them).
 *
 * <p>Bad conditions are refused by name, with the fix: an unknown column or category, a range
 * on a categorical column, a range no value the model generates falls in, a missing value asked
 * of a column the model never leaves empty, and contradictory conditions (no value meets all
 * conditions on a column).
 */
public final class ConditionSet implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Most cells a request may have (the product of the categories each {@code in} allows). */
  public static final int MAX_CELLS = 10_000;
  private static final String OPTION = "--condition";

  /** What a row must hold in the categorical column {@code column}: one of {@code categories}. */
  public record CategoryRequirement(int column, String text, int[] categories)
      implements Serializable {}

  /** Whether a numeric requirement wants a missing value, or a value. */
  public enum Nulls {
    /** The value must be missing. */
    NULL,
    /** The value must be present and within [low, high]. */
    VALUE
  }

  /**
   * What a row must hold in the numeric column {@code column}: a missing value, or a value in
   * the closed interval [low, high] (strict bounds already moved to the nearest value of the
   * column's type that meets them; infinite where unbounded).
   */
  public record NumericRequirement(int column, String text, Nulls nulls, double low, double high)
      implements Serializable {
    /** Whether a generated cell value (a boxed number, or null) meets this requirement. */
    public boolean admits(Object value) {
      if (nulls == Nulls.NULL) {
        return value == null;
      }
      if (!(value instanceof Number n)) {
        return false;
      }
      double v = n.doubleValue();
      return v >= low && v <= high;
    }

    /** Whether it constrains the value (more than "present"). */
    public boolean bounded() {
      return nulls == Nulls.VALUE
          && (low != Double.NEGATIVE_INFINITY || high != Double.POSITIVE_INFINITY);
    }
  }

  /** One cell: the category of each categorical requirement, in {@link #categorical} order. */
  public record Cell(int[] categories) implements Serializable {}

  private final List<RowCondition> conditions;
  private final List<CategoryRequirement> categorical;
  private final List<NumericRequirement> numeric;
  private final List<Cell> cells;
  private final double[] weights;

  private ConditionSet(List<RowCondition> conditions, List<CategoryRequirement> categorical,
      List<NumericRequirement> numeric, List<Cell> cells, double[] weights) {
    this.conditions = List.copyOf(conditions);
    this.categorical = List.copyOf(categorical);
    this.numeric = List.copyOf(numeric);
    this.cells = List.copyOf(cells);
    this.weights = weights;
  }

  /**
   * Parses {@code texts} ({@link RowCondition} grammar) and checks them against a model's
   * columns: {@code t} gives the categorical ones, {@code marginals} (by table column; null for
   * a categorical column) what the model generates in each numeric one, {@code types} every
   * column's value type (either null when unknown: no support check, values not integral).
   * The cells are weighted by the product of their categories' training
   * frequencies (see {@link #withWeights} and {@link #withCellWeights}).
   */
  public static ConditionSet resolve(List<String> texts, CategoricalColumns t,
      EmpiricalMarginal[] marginals, List<ValueType> types) {
    List<RowCondition> parsed = new ArrayList<>();
    for (String text : texts) {
      parsed.add(RowCondition.parse(text, OPTION));
    }
    Map<Integer, List<RowCondition>> byColumn = new LinkedHashMap<>();
    for (RowCondition c : parsed) {
      int col = t.columnIndex(c.column().trim());
      if (col < 0) {
        throw new InvalidInputException("option '" + OPTION + "' value '" + c.text() + "' names "
            + "column '" + c.column().trim() + "', which is not in the model; its columns: "
            + String.join(", ", t.columnNames()));
      }
      byColumn.computeIfAbsent(col, k -> new ArrayList<>()).add(c);
    }
    List<CategoryRequirement> cat = new ArrayList<>();
    List<NumericRequirement> num = new ArrayList<>();
    for (int col = 0; col < t.columnNames().size(); col++) {
      List<RowCondition> on = byColumn.get(col);
      if (on == null) {
        continue;
      }
      if (t.categoricalIndex(col) >= 0) {
        cat.add(categoryRequirement(t, col, on));
      } else {
        num.add(numericRequirement(t.columnNames().get(col), col, on,
            marginals == null ? null : marginals[col],
            types == null ? ValueType.DOUBLE : types.get(col)));
      }
    }
    List<Cell> cells = cells(cat);
    double[] w = new double[cells.size()];
    for (int i = 0; i < w.length; i++) {
      double p = 1;
      for (int r = 0; r < cat.size(); r++) {
        long[] counts = t.categoriesOf(cat.get(r).column()).counts();
        p *= counts[cells.get(i).categories()[r]] + 1e-9;
      }
      w[i] = p;
    }
    return new ConditionSet(parsed, cat, num, cells, w);
  }

  private static CategoryRequirement categoryRequirement(CategoricalColumns t, int col,
      List<RowCondition> on) {
    OneHotCategoryEncoder enc = t.categoriesOf(col);
    String name = t.columnNames().get(col);
    boolean[] allowed = new boolean[enc.width()];
    Arrays.fill(allowed, true);
    for (RowCondition c : on) {
      boolean[] mine = new boolean[enc.width()];
      switch (c.kind()) {
        case EQUALS, IN -> {
          for (String v : c.values()) {
            int k = enc.indexOf(v);
            k = k >= 0 ? k : enc.indexOf(v.trim());
            if (k < 0) {
              throw new InvalidInputException("option '" + OPTION + "' value '" + c.text()
                  + "' asks column '" + name + "' for '" + v + "', which is not one of its "
                  + "categories; valid values: " + String.join(", ", enc.categories().stream()
                      .filter(Objects::nonNull).toList()));
            }
            mine[k] = true;
          }
        }
        case IS_NULL -> {
          int k = enc.indexOf(null);
          if (k < 0) {
            throw new InvalidInputException("option '" + OPTION + "' value '" + c.text()
                + "' asks for a missing value, but the model never leaves column '" + name
                + "' empty: drop the condition");
          }
          mine[k] = true;
        }
        case NOT_NULL -> {
          Arrays.fill(mine, true);
          int k = enc.indexOf(null);
          if (k >= 0) {
            mine[k] = false;
          }
        }
        case RANGE -> throw new InvalidInputException("option '" + OPTION + "' value '"
            + c.text() + "' is a range, but column '" + name + "' is categorical: use "
            + name + "=VALUE or " + name + " in (A,B)");
        default -> throw new AssertionError(c.kind());
      }
      for (int k = 0; k < allowed.length; k++) {
        allowed[k] &= mine[k];
      }
    }
    int[] ks = indicesOf(allowed);
    if (ks.length == 0) {
      throw contradiction(name, on);
    }
    return new CategoryRequirement(col, texts(on), ks);
  }

  private static NumericRequirement numericRequirement(String name, int col,
      List<RowCondition> on, EmpiricalMarginal m, ValueType type) {
    boolean wantsNull = false;
    boolean wantsValue = false;
    double lo = Double.NEGATIVE_INFINITY;
    double hi = Double.POSITIVE_INFINITY;
    boolean integral = type.isIntegral() || (m != null && m.integral());
    boolean single = type == ValueType.FLOAT;
    for (RowCondition c : on) {
      switch (c.kind()) {
        case IS_NULL -> wantsNull = true;
        case NOT_NULL -> wantsValue = true;
        case EQUALS -> {
          double x = numberOf(c, name);
          wantsValue = true;
          lo = Math.max(lo, lowBound(x, true, integral, single));
          hi = Math.min(hi, highBound(x, true, integral, single));
        }
        case RANGE -> {
          wantsValue = true;
          lo = Math.max(lo, lowBound(c.low(), c.lowIncluded(), integral, single));
          hi = Math.min(hi, highBound(c.high(), c.highIncluded(), integral, single));
        }
        case IN -> throw new InvalidInputException("option '" + OPTION + "' value '" + c.text()
            + "' lists categories, but column '" + name + "' is numeric: use a range such as "
            + name + " between X and Y");
        default -> throw new AssertionError(c.kind());
      }
    }
    String text = texts(on);
    if ((wantsNull && wantsValue) || lo > hi) {
      throw contradiction(name, on);
    }
    if (wantsNull) {
      if (m != null && m.nullShare() == 0) {
        throw new InvalidInputException("option '" + OPTION + "' value '" + text + "' asks for "
            + "a missing value, but the model never leaves column '" + name + "' empty: drop "
            + "the condition");
      }
      return new NumericRequirement(col, text, Nulls.NULL, lo, hi);
    }
    if (m != null) {
      if (m.allNull()) {
        throw new InvalidInputException("option '" + OPTION + "' value '" + text + "' asks for "
            + "a value, but the model leaves column '" + name + "' always empty: drop the "
            + "condition, or use " + name + " is null");
      }
      // an integral column's values are rounded: the model generates rint(min) to rint(max)
      double min = integral ? Math.rint(m.min()) : m.min();
      double max = integral ? Math.rint(m.max()) : m.max();
      if (lo > max || hi < min) {
        throw new InvalidInputException("option '" + OPTION + "' value '" + text + "': the "
            + "model generates column '" + name + "' only from " + RowCondition.format(min)
            + " to " + RowCondition.format(max) + ", so no row can meet it: give a range "
            + "that overlaps those values");
      }
    }
    return new NumericRequirement(col, text, Nulls.VALUE, lo, hi);
  }

  /** The number of a {@code COL=X} condition on numeric column {@code name} (not NaN). */
  public static double numberOf(RowCondition c, String name) {
    try {
      double x = Double.parseDouble(c.values().get(0).trim());
      if (!Double.isNaN(x)) {
        return x;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidInputException("option '" + OPTION + "' value '" + c.text() + "' gives '"
        + c.values().get(0).trim() + "', but column '" + name + "' is numeric: give a number, "
        + "or a range such as " + name + ">=X");
  }

  /**
   * The least value of the column's type that meets a lower bound: a whole number for an
   * integral column; for a float column the bound read as a float (values are compared at the
   * precision they are stored at: {@code x>=0.7} admits the float 0.7).
   */
  static double lowBound(double x, boolean included, boolean integral, boolean single) {
    if (Double.isInfinite(x)) {
      return x;
    }
    if (integral) {
      return included ? Math.ceil(x) : Math.floor(x) + 1;
    }
    if (single) {
      float f = (float) x;
      return included ? f : Math.nextUp(f);
    }
    return included ? x : Math.nextUp(x);
  }

  /** The greatest value of the column's type that meets an upper bound (see lowBound). */
  static double highBound(double x, boolean included, boolean integral, boolean single) {
    if (Double.isInfinite(x)) {
      return x;
    }
    if (integral) {
      return included ? Math.floor(x) : Math.ceil(x) - 1;
    }
    if (single) {
      float f = (float) x;
      return included ? f : Math.nextDown(f);
    }
    return included ? x : Math.nextDown(x);
  }

  private static InvalidInputException contradiction(String name, List<RowCondition> on) {
    return new InvalidInputException("option '" + OPTION + "' values " + on.stream()
        .map(c -> "'" + c.text() + "'").reduce((a, b) -> a + " and " + b).orElse("")
        + " contradict each other: no value of column '" + name + "' meets "
        + (on.size() == 1 ? "it" : "all of them") + "; drop or widen one");
  }

  private static String texts(List<RowCondition> on) {
    return String.join(" and ", on.stream().map(RowCondition::text).toList());
  }

  private static int[] indicesOf(boolean[] b) {
    int n = 0;
    for (boolean x : b) {
      n += x ? 1 : 0;
    }
    int[] out = new int[n];
    for (int k = 0, i = 0; k < b.length; k++) {
      if (b[k]) {
        out[i++] = k;
      }
    }
    return out;
  }

  private static List<Cell> cells(List<CategoryRequirement> cat) {
    long count = 1;
    for (CategoryRequirement r : cat) {
      count *= r.categories().length;
      if (count > MAX_CELLS) {
        throw new InvalidInputException("option '" + OPTION + "' values " + String.join(", ",
            cat.stream().filter(x -> x.categories().length > 1).map(x -> "'" + x.text() + "'")
                .toList()) + " allow more than " + MAX_CELLS + " combinations of categories: "
            + "name fewer categories");
      }
    }
    List<Cell> out = new ArrayList<>();
    int[] at = new int[cat.size()];
    for (long i = 0; i < count; i++) {
      int[] ks = new int[cat.size()];
      for (int r = 0; r < cat.size(); r++) {
        ks[r] = cat.get(r).categories()[at[r]];
      }
      out.add(new Cell(ks));
      for (int r = cat.size() - 1; r >= 0; r--) {
        if (++at[r] < cat.get(r).categories().length) {
          break;
        }
        at[r] = 0;
      }
    }
    return out;
  }

  /**
   * This set with the rows split over the categories of its one multi-valued categorical
   * requirement by {@code spec} ({@code --condition-weights}: {@code VALUE=WEIGHT,...}, every
   * allowed value once, weights >= 0 and not all 0); null or blank keeps the weights.
   */
  public ConditionSet withWeights(String spec, CategoricalColumns t) {
    if (spec == null || spec.isBlank()) {
      return this;
    }
    String option = "--condition-weights";
    List<Integer> multi = new ArrayList<>();
    for (int r = 0; r < categorical.size(); r++) {
      if (categorical.get(r).categories().length > 1) {
        multi.add(r);
      }
    }
    if (multi.size() != 1) {
      throw new InvalidInputException("option '" + option + "' value '" + spec + "' needs "
          + "exactly one condition that allows several categories (COL in (A,B)); these "
          + "conditions have " + multi.size() + ": drop " + option + " or name one such column");
    }
    CategoryRequirement req = categorical.get(multi.get(0));
    OneHotCategoryEncoder enc = t.categoriesOf(req.column());
    String name = t.columnNames().get(req.column());
    double[] byCategory = new double[enc.width()];
    Arrays.fill(byCategory, Double.NaN);
    for (String part : spec.split(",")) {
      int eq = part.lastIndexOf('=');
      String value = eq < 0 ? part.trim() : part.substring(0, eq).trim();
      int k = enc.indexOf(value);
      double w;
      try {
        w = eq < 0 ? Double.NaN : Double.parseDouble(part.substring(eq + 1).trim());
      } catch (NumberFormatException e) {
        w = Double.NaN;
      }
      if (k < 0 || Arrays.binarySearch(req.categories(), k) < 0 || !(w >= 0)
          || Double.isInfinite(w) || !Double.isNaN(byCategory[k])) {
        throw new InvalidInputException("option '" + option + "' value '" + spec + "' has '"
            + part.trim() + "': give VALUE=WEIGHT (a weight >= 0) once for each value the "
            + "condition '" + req.text() + "' on column '" + name + "' allows");
      }
      byCategory[k] = w;
    }
    double sum = 0;
    for (int k : req.categories()) {
      if (Double.isNaN(byCategory[k])) {
        throw new InvalidInputException("option '" + option + "' value '" + spec + "' gives no "
            + "weight for '" + enc.categories().get(k) + "', which the condition '" + req.text()
            + "' allows: give VALUE=WEIGHT for each");
      }
      sum += byCategory[k];
    }
    if (sum <= 0) {
      throw new InvalidInputException("option '" + option + "' value '" + spec + "' gives every "
          + "value weight 0: give at least one a positive weight");
    }
    int r = multi.get(0);
    double[] w = new double[cells.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = byCategory[cells.get(i).categories()[r]];
    }
    return new ConditionSet(conditions, categorical, numeric, cells, w);
  }

  /**
   * This set with its cells weighted by {@code w} (one weight >= 0 per cell, not all 0): a
   * model's own estimate of each cell's joint frequency.
   */
  public ConditionSet withCellWeights(double[] w) {
    if (w.length != cells.size()) {
      throw new IllegalArgumentException(w.length + " weights for " + cells.size() + " cells");
    }
    return new ConditionSet(conditions, categorical, numeric, cells, w.clone());
  }

  /** The conditions as parsed, in the order given. */
  public List<RowCondition> conditions() {
    return conditions;
  }

  /** The categorical requirements, in table column order. */
  public List<CategoryRequirement> categorical() {
    return categorical;
  }

  /** The numeric requirements, in table column order. */
  public List<NumericRequirement> numeric() {
    return numeric;
  }

  public List<Cell> cells() {
    return cells;
  }

  /** Each cell's weight (relative; the plan apportions rows in proportion). */
  public double[] weights() {
    return weights.clone();
  }

  /** Position of table column {@code column} among {@link #categorical}, or -1. */
  public int categoricalRequirementOf(int column) {
    for (int r = 0; r < categorical.size(); r++) {
      if (categorical.get(r).column() == column) {
        return r;
      }
    }
    return -1;
  }

  /**
   * Whether {@code row} (cells as generated: a category's decoded value, a number or null)
   * meets every requirement, with {@code t} to map categorical values to their categories.
   */
  public boolean admits(Object[] row, CategoricalColumns t) {
    return cellOf(row, t) >= 0;
  }

  /**
   * The index in {@link #cells} of the cell {@code row} falls in when it meets every
   * requirement, else -1 (see {@link #admits}).
   */
  public int cellOf(Object[] row, CategoricalColumns t) {
    for (NumericRequirement r : numeric) {
      if (!r.admits(row[r.column()])) {
        return -1;
      }
    }
    int cell = 0;
    for (CategoryRequirement r : categorical) {
      Object v = row[r.column()];
      int at = Arrays.binarySearch(r.categories(),
          t.categoriesOf(r.column()).indexOf(v == null ? null : String.valueOf(v)));
      if (at < 0) {
        return -1;
      }
      cell = cell * r.categories().length + at; // cells() enumerates the last one fastest
    }
    return cell;
  }

  /**
   * The share of {@code rows} (a model's own unconditional rows) that falls in each cell: the
   * model's joint frequency of each combination of categories among rows meeting the other
   * requirements. All zeros when no row meets them.
   */
  public double[] cellFrequencies(Iterable<Object[]> rows, CategoricalColumns t) {
    double[] f = new double[cells.size()];
    for (Object[] row : rows) {
      int c = cellOf(row, t);
      if (c >= 0) {
        f[c]++;
      }
    }
    return f;
  }

  /**
   * This set weighted by {@code frequencies} ({@link #cellFrequencies}) when any is positive;
   * else this set (its cells weighted by their categories' training frequencies).
   */
  public ConditionSet withFrequencies(double[] frequencies) {
    double total = 0;
    for (double x : frequencies) {
      total += x;
    }
    return total > 0 ? withCellWeights(frequencies) : this;
  }

  @Override
  public String toString() {
    return String.join(" and ", conditions.stream().map(RowCondition::text).toList());
  }
}
