package io.synthgen.tabular;

/** The storage type of a column, kept so generated rows come back with the input's types. */
public enum ValueType {
  STRING, INT, LONG, FLOAT, DOUBLE, BOOLEAN;

  /** Whether values of this type are whole numbers. */
  public boolean isIntegral() {
    return this == INT || this == LONG;
  }

  /** Converts a decoded numeric value to this type (rounding for integral types). */
  public Object fromDouble(double v) {
    switch (this) {
      case INT:
        return (int) Math.round(v);
      case LONG:
        return Math.round(v);
      case FLOAT:
        return (float) v;
      case DOUBLE:
        return v;
      case STRING:
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
      case BOOLEAN:
        return v != 0;
      default:
        throw new AssertionError(this);
    }
  }

  /** Converts a category label (as text) back to this type. */
  public Object fromText(String s) {
    if (s == null) {
      return null;
    }
    switch (this) {
      case STRING:
        return s;
      case INT:
        return (int) Math.round(Double.parseDouble(s));
      case LONG:
        return Math.round(Double.parseDouble(s));
      case FLOAT:
        return Float.parseFloat(s);
      case DOUBLE:
        return Double.parseDouble(s);
      case BOOLEAN:
        return Boolean.parseBoolean(s);
      default:
        throw new AssertionError(this);
    }
  }
}
