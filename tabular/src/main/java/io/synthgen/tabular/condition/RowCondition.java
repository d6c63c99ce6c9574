package io.synthgen.tabular.condition;

import io.synthgen.model.InvalidInputException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One condition of {@code generate --condition} (or {@code evaluate --condition}), as written,
 * before it is checked against a model's columns ({@link ConditionSet#resolve}). The grammar
 * (keywords in any case; a value may be quoted with {@code '} or {@code "}):
 *
 * <pre>
 *   COL=VALUE                 a category, or a number of a numeric column
 *   COL in (A, B, ...)        one of several categories
 *   COL&gt;=X  COL&gt;X  COL&lt;=X  COL&lt;X   a numeric range
 *   COL between X and Y       a closed numeric range, X &lt;= Y
 *   COL is null               a missing value
 *   COL is not null           any value but a missing one
 * </pre>
 *
 * <p>A range is held as its bounds ({@code low}, {@code high}, each possibly infinite) and
 * whether each is included; equality on a numeric column is the closed range [X, X]. The value
 * of {@code COL=VALUE} is kept as written after the {@code =} (a category with spaces around it
 * can be named; {@link ConditionSet} also accepts it trimmed), unless quoted.
 *
 * @param text the condition as written (used in every message about it)
 * @param column the column it names
 * @param kind what it asks for
 * @param values the categories of {@link Kind#EQUALS} (one) and {@link Kind#IN} (one or more)
 * @param low lower bound of {@link Kind#RANGE} ({@code -Infinity}: none)
 * @param lowIncluded whether {@code low} itself meets it
 * @param high upper bound of {@link Kind#RANGE} ({@code +Infinity}: none)
 * @param highIncluded whether {@code high} itself meets it
 */
public record RowCondition(String text, String column, Kind kind, List<String> values,
    double low, boolean lowIncluded, double high, boolean highIncluded) implements Serializable {

  /** What a condition asks of its column. */
  public enum Kind {
    EQUALS, IN, RANGE, IS_NULL, NOT_NULL
  }

  private static final Pattern NOT_NULL =
      Pattern.compile("(?is)\\s*([^<>=]+?)\\s+is\\s+not\\s+null\\s*");
  private static final Pattern IS_NULL = Pattern.compile("(?is)\\s*([^<>=]+?)\\s+is\\s+null\\s*");
  private static final Pattern BETWEEN =
      Pattern.compile("(?is)\\s*([^<>=]+?)\\s+between\\s+(\\S+)\\s+and\\s+(\\S+)\\s*");
  private static final Pattern IN = Pattern.compile("(?is)\\s*([^<>=]+?)\\s+in\\s*\\((.*)\\)\\s*");
  private static final Pattern COMPARE =
      Pattern.compile("(?s)\\s*([^<>=]+?)\\s*(>=|<=|>|<)\\s*(.+?)\\s*");
  private static final Pattern EQUALS = Pattern.compile("(?s)\\s*([^<>=]+?)\\s*=(.*)");

  /** The forms a condition may take, for error messages. */
  public static final String FORMS = "COL=VALUE, COL in (A,B), COL>=X, COL>X, COL<=X, COL<X, "
      + "COL between X and Y, COL is null, COL is not null";

  public RowCondition {
    values = values == null ? List.of() : List.copyOf(values);
  }

  /**
   * Parses one condition; anything outside the grammar is an error naming {@code option} (the
   * command-line option it came from) and the forms it may take.
   */
  public static RowCondition parse(String text, String option) {
    if (text == null || text.isBlank()) {
      throw new InvalidInputException("option '" + option + "' is empty: give a condition of "
          + "the form " + FORMS);
    }
    Matcher m;
    if ((m = NOT_NULL.matcher(text)).matches()) {
      return new RowCondition(text, m.group(1), Kind.NOT_NULL, null, 0, false, 0, false);
    }
    if ((m = IS_NULL.matcher(text)).matches()) {
      return new RowCondition(text, m.group(1), Kind.IS_NULL, null, 0, false, 0, false);
    }
    if ((m = BETWEEN.matcher(text)).matches()) {
      double lo = number(m.group(2), text, option);
      double hi = number(m.group(3), text, option);
      return range(text, m.group(1), lo, true, hi, true, option);
    }
    if ((m = IN.matcher(text)).matches()) {
      List<String> values = new ArrayList<>();
      for (String v : m.group(2).split(",", -1)) {
        values.add(unquote(v.trim()));
      }
      if (values.size() == 1 && values.get(0).isEmpty()) {
        throw new InvalidInputException("option '" + option + "' value '" + text + "' lists no "
            + "value in its parentheses: give at least one, as in COL in (A,B)");
      }
      return new RowCondition(text, m.group(1), Kind.IN, values, 0, false, 0, false);
    }
    if ((m = COMPARE.matcher(text)).matches()) {
      double x = number(m.group(3), text, option);
      String op = m.group(2);
      double inf = Double.POSITIVE_INFINITY;
      return switch (op) {
        case ">=" -> range(text, m.group(1), x, true, inf, false, option);
        case ">" -> range(text, m.group(1), x, false, inf, false, option);
        case "<=" -> range(text, m.group(1), -inf, false, x, true, option);
        default -> range(text, m.group(1), -inf, false, x, false, option);
      };
    }
    if ((m = EQUALS.matcher(text)).matches() && !m.group(1).isBlank()) {
      String raw = m.group(2);
      String trimmed = raw.trim();
      boolean quoted = !unquote(trimmed).equals(trimmed);
      return new RowCondition(text, m.group(1), Kind.EQUALS,
          List.of(quoted ? unquote(trimmed) : raw), 0, false, 0, false);
    }
    throw new InvalidInputException("option '" + option + "' value '" + text + "' is not a "
        + "condition: use one of " + FORMS);
  }

  private static RowCondition range(String text, String column, double lo, boolean loIn,
      double hi, boolean hiIn, String option) {
    if (lo > hi || (lo == hi && !(loIn && hiIn))) {
      throw new InvalidInputException("option '" + option + "' value '" + text + "' is an "
          + "empty range (no value is " + describe(lo, loIn, hi, hiIn) + "): give a lower bound "
          + "below the upper one");
    }
    return new RowCondition(text, column, Kind.RANGE, null, lo, loIn, hi, hiIn);
  }

  /**
   * {@code s} as a number (not NaN); anything else is an error naming the condition
   * {@code text} and {@code option}.
   */
  static double number(String s, String text, String option) {
    try {
      double v = Double.parseDouble(unquote(s.trim()));
      if (!Double.isNaN(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidInputException("option '" + option + "' value '" + text + "' compares with '"
        + s.trim() + "', which is not a number: ranges are for numeric columns (use COL=VALUE or "
        + "COL in (A,B) for categories)");
  }

  private static String unquote(String s) {
    if (s.length() >= 2 && (s.charAt(0) == '\'' || s.charAt(0) == '"')
        && s.charAt(s.length() - 1) == s.charAt(0)) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }

  /** A range in words, e.g. {@code >= 3 and < 5}. */
  static String describe(double lo, boolean loIn, double hi, boolean hiIn) {
    List<String> parts = new ArrayList<>();
    if (lo != Double.NEGATIVE_INFINITY) {
      parts.add((loIn ? ">= " : "> ") + format(lo));
    }
    if (hi != Double.POSITIVE_INFINITY) {
      parts.add((hiIn ? "<= " : "< ") + format(hi));
    }
    return String.join(" and ", parts);
  }

  static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%s", v);
  }

  /** Whether {@code value} (a number; null for a missing value) meets this range condition. */
  public boolean admits(Double value) {
    if (value == null || value.isNaN()) {
      return false;
    }
    double v = value;
    return (lowIncluded ? v >= low : v > low) && (highIncluded ? v <= high : v < high);
  }

  @Override
  public String toString() {
    return text;
  }
}
