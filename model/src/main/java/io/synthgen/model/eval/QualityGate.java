package io.synthgen.model.eval;

import io.synthgen.model.InvalidInputException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A threshold on one named metric of an evaluation report, written {@code name>=value} (also
 * {@code <=}, {@code >}, {@code <}, {@code ==}), e.g. {@code column_pair_trends>=0.85}.
 *
 * @param metric the metric's JSON name
 * @param operator one of {@code >= <= > < ==}
 * @param threshold the bound
 */
public record QualityGate(String metric, String operator, double threshold) {
  private static final Pattern SYNTAX =
      Pattern.compile("\\s*([A-Za-z0-9_.]+)\\s*(>=|<=|==|>|<)\\s*([-+0-9.eE]+)\\s*");

  /** Parses {@code name>=value}; {@code option} names the flag in errors. */
  public static QualityGate parse(String text, String option) {
    Matcher m = SYNTAX.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new InvalidInputException("option '" + option + "' has value '" + text
          + "': write METRIC>=NUMBER (or <=, >, <, ==), e.g. column_pair_trends>=0.85");
    }
    double v;
    try {
      v = Double.parseDouble(m.group(3));
    } catch (NumberFormatException e) {
      throw new InvalidInputException("option '" + option + "' has value '" + text
          + "': '" + m.group(3) + "' is not a number");
    }
    return new QualityGate(m.group(1), m.group(2), v);
  }

  /** Whether {@code value} passes; a missing (NaN) value never passes. */
  public boolean passes(double value) {
    if (Double.isNaN(value)) {
      return false;
    }
    switch (operator) {
      case ">=":
        return value >= threshold;
      case "<=":
        return value <= threshold;
      case ">":
        return value > threshold;
      case "<":
        return value < threshold;
      default:
        return value == threshold;
    }
  }

  /**
   * The value of this gate's metric in {@code metrics}; an unknown name is an error listing the
   * known ones.
   */
  public double valueIn(Map<String, Double> metrics, String option) {
    Double v = metrics.get(metric);
    if (v == null) {
      throw new InvalidInputException("option '" + option + "' names metric '" + metric
          + "', which this report does not have: use one of " + String.join(", ",
          new java.util.TreeSet<>(metrics.keySet())));
    }
    return v;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s%s%s", metric, operator, fmt(threshold));
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
