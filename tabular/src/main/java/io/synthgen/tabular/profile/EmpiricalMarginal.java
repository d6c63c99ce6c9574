package io.synthgen.tabular.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.tabular.ValueType;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The distribution of a numeric column as the Gaussian copula sees it: the share of nulls, and
 * the empirical distribution of the non-null values (a sorted sample, at most {@code maxPoints}
 * of them). Values are laid out on the unit interval in ascending order, so a tied value (a point
 * mass such as zero) owns an interval of its own width and comes back exactly.
 */
public final class EmpiricalMarginal implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String name;
  private final ValueType valueType;
  private final double nullShare;
  private final boolean integral;
  private final double[] points;

  EmpiricalMarginal(String name, ValueType valueType, double nullShare, boolean integral,
      double[] points) {
    this.name = name;
    this.valueType = valueType;
    this.nullShare = nullShare;
    this.integral = integral;
    this.points = points;
  }

  /**
   * Fits from a column profile: its null share and its sample, thinned to {@code maxPoints}
   * evenly spaced order statistics when larger.
   */
  public static EmpiricalMarginal fit(ColumnProfile p, int maxPoints) {
    double[] sorted = p.sample().clone();
    Arrays.sort(sorted);
    double nullShare = p.count() == 0 ? 0 : p.nullCount() / (double) p.count();
    if (sorted.length == 0) {
      nullShare = 1;
    } else if (sorted.length > maxPoints) {
      double[] thin = new double[maxPoints];
      for (int i = 0; i < maxPoints; i++) {
        thin[i] = sorted[(int) ((i + 0.5) * sorted.length / maxPoints)];
      }
      sorted = thin;
    }
    return new EmpiricalMarginal(p.name(), p.valueType(), nullShare, p.integral(), sorted);
  }

  public String name() {
    return name;
  }

  public ValueType valueType() {
    return valueType;
  }

  public double nullShare() {
    return nullShare;
  }

  /** Whether the column has both nulls and values (the copula gives it a null indicator). */
  public boolean partlyNull() {
    return nullShare > 0 && points.length > 0;
  }

  /** Whether the column has no non-null value at all. */
  /** Values the distribution keeps (the sample, thinned to at most its maxPoints). */
  public int size() {
    return points.length;
  }

  public boolean allNull() {
    return points.length == 0;
  }

  /**
   * The point of the unit interval a non-null value stands for: {@code jitter} in [0, 1) picks
   * where inside the interval its value owns (randomized probability integral transform), so the
   * result is uniform over the training values.
   */
  public double uniformOf(double value, double jitter) {
    return rankShare(points, value, jitter);
  }

  /**
   * Where {@code value} sits among the ascending {@code sorted} values, as a share of them: the
   * run of values equal to it spans [lo, hi) and {@code jitter} in [0, 1) picks a point inside.
   */
  public static double rankShare(double[] sorted, double value, double jitter) {
    int lo = bound(sorted, value, false);
    int hi = bound(sorted, value, true);
    return (lo + jitter * (hi - lo)) / sorted.length;
  }

  /** The value at point {@code q} of the unit interval: the interpolated empirical quantile. */
  public Object valueAt(double q) {
    if (points.length == 0) {
      return null;
    }
    double h = q * points.length - 0.5;
    double v;
    if (h <= 0) {
      v = points[0];
    } else if (h >= points.length - 1) {
      v = points[points.length - 1];
    } else {
      int f = (int) Math.floor(h);
      v = points[f] + (h - f) * (points[f + 1] - points[f]);
    }
    return valueType.fromDouble(integral ? Math.rint(v) : v);
  }

  /** The shares of the runs of tied values, in ascending order (each 1/n for distinct values). */
  public double[] blockShares() {
    java.util.List<Double> shares = new java.util.ArrayList<>();
    for (int i = 0; i < points.length; ) {
      int j = bound(points, points[i], true);
      shares.add((j - i) / (double) points.length);
      i = j;
    }
    return shares.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** First index of ascending {@code a} whose value is >= x (> x when {@code upper}). */
  private static int bound(double[] a, double x, boolean upper) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int m = (lo + hi) >>> 1;
      if (upper ? a[m] <= x : a[m] < x) {
        lo = m + 1;
      } else {
        hi = m;
      }
    }
    return lo;
  }

  public JsonNode toJson() {
    ObjectNode o = ModelBundle.json().createObjectNode();
    o.put("kind", "numeric");
    o.put("name", name);
    o.put("valueType", valueType.name());
    o.put("nullShare", nullShare);
    o.put("integral", integral);
    ArrayNode a = o.putArray("points");
    for (double p : points) {
      a.add(p);
    }
    return o;
  }

  public static EmpiricalMarginal fromJson(JsonNode o) {
    double[] points = new double[o.path("points").size()];
    for (int i = 0; i < points.length; i++) {
      points[i] = o.path("points").get(i).asDouble();
    }
    return new EmpiricalMarginal(o.path("name").asText(),
        ValueType.valueOf(o.path("valueType").asText()), o.path("nullShare").asDouble(),
        o.path("integral").asBoolean(), points);
  }
}
