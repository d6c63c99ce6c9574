package io.synthgen.tabular.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.tabular.ValueType;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The distribution of a numeric column as a model keeps it: the share of nulls, and a grid of
 * quantiles of the non-null values at evenly spaced probabilities {@code 0, 1/(g-1), ..., 1}
 * (at most {@link #GRID_POINTS}), each interpolated between two adjacent order statistics of the
 * profile's sample. A quantile that would fall exactly on an order statistic moves a share
 * {@link #BETWEEN} of the way to the next one, and one that lands on a value held by fewer than
 * {@link #MIN_SHARED_ROWS} sampled rows moves that share of the way to the next distinct value,
 * so no grid point is a training value unless at least that many rows hold it (a point mass
 * such as an amount of zero); a column with a single distinct value keeps it. The grid is read as a piecewise-linear distribution function: {@link #valueAt}
 * interpolates between grid points (continuous values, not snapped to stored ones), and a run of
 * tied grid points is a point mass that comes back exactly.
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

  /** Most quantiles a stored distribution keeps. */
  public static final int GRID_POINTS = 200;
  /**
   * Fewest sampled rows that must hold a value for a summary to store it exactly (a point mass,
   * such as an amount of zero); a rarer value could single out the rows that hold it.
   */
  public static final int MIN_SHARED_ROWS = 10;
  /**
   * Where between two adjacent values a grid point that must not stand on a value goes: 1 - 1/phi,
   * irrational, so for values on a regular lattice (times in minutes, amounts in cents) the point
   * is on no lattice value, where a midpoint would often be one (a per-class grid's midpoint
   * landing on another class's value).
   */
  static final double BETWEEN = 0.3819660112501051;

  /**
   * Fits from a column profile: its null share and a grid of at most {@code gridPoints}
   * quantiles of its sample (see the class comment).
   */
  public static EmpiricalMarginal fit(ColumnProfile p, int gridPoints) {
    double[] sorted = p.sample().clone();
    Arrays.sort(sorted);
    double nullShare = p.count() == 0 ? 0 : p.nullCount() / (double) p.count();
    if (sorted.length == 0) {
      nullShare = 1;
    }
    return new EmpiricalMarginal(p.name(), p.valueType(), nullShare, p.integral(),
        quantileGrid(sorted, gridPoints));
  }

  /**
   * Quantiles of ascending {@code sorted} at probabilities {@code k/(g-1)}, {@code g =
   * min(gridPoints, n)}, interpolated between adjacent order statistics and never placed exactly
   * on an untied one (a point {@link #BETWEEN} of the way to its neighbour instead).
   */
  static double[] quantileGrid(double[] sorted, int gridPoints) {
    int n = sorted.length;
    if (n <= 1) {
      return sorted.clone();
    }
    int g = Math.max(2, Math.min(gridPoints, n));
    double[] q = new double[g];
    for (int k = 0; k < g; k++) {
      double h = (n - 1) * (double) k / (g - 1);
      int f = Math.min((int) Math.floor(h), n - 2);
      double frac = Math.min(h - f, 1);
      double a = sorted[f];
      double b = sorted[f + 1];
      double v = a + frac * (b - a);
      if (a != b && (v == a || v == b)) {
        v = a + BETWEEN * (b - a);
      }
      q[k] = awayFromRareValues(sorted, v);
    }
    return q;
  }

  /**
   * {@code v}, or when {@code v} is a value of ascending {@code sorted} held by fewer than
   * {@link #MIN_SHARED_ROWS} of its entries, the point {@link #BETWEEN} of the way to the next
   * larger distinct value (the next smaller one for the largest value), where no value of
   * {@code sorted} lies.
   */
  static double awayFromRareValues(double[] sorted, double v) {
    int lo = bound(sorted, v, false);
    int hi = bound(sorted, v, true);
    if (hi == lo || hi - lo >= MIN_SHARED_ROWS) {
      return v;
    }
    if (hi < sorted.length) {
      return v + BETWEEN * (sorted[hi] - v);
    }
    return lo > 0 ? v - BETWEEN * (v - sorted[lo - 1]) : v;
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

  /** Quantiles the distribution keeps (at most the grid size it was fitted with). */
  public int size() {
    return points.length;
  }

  /** The smallest value it generates (NaN when {@link #allNull}). */
  public double min() {
    return points.length == 0 ? Double.NaN : points[0];
  }

  /** The largest value it generates (NaN when {@link #allNull}). */
  public double max() {
    return points.length == 0 ? Double.NaN : points[points.length - 1];
  }

  /** Whether values are whole numbers (generated values are rounded). */
  public boolean integral() {
    return integral;
  }

  /** Whether the column has no non-null value at all. */
  public boolean allNull() {
    return points.length == 0;
  }

  /**
   * The point of the unit interval a non-null value stands for: the grid's piecewise-linear
   * distribution function at {@code value}; on a run of tied grid points (a point mass)
   * {@code jitter} in [0, 1) picks a point inside the run's interval (randomized probability
   * integral transform), so the result is uniform over the training distribution.
   */
  public double uniformOf(double value, double jitter) {
    int g = points.length;
    if (g == 1) {
      return jitter;
    }
    int lo = bound(points, value, false);
    int hi = bound(points, value, true);
    if (hi - lo >= 2) {
      return ((lo + jitter * (hi - 1 - lo)) / (g - 1));
    }
    if (hi == 0) {
      return 0;
    }
    if (lo == g) {
      return 1;
    }
    if (hi - lo == 1) {
      return lo / (double) (g - 1);
    }
    // points[lo - 1] < value < points[lo]
    double a = points[lo - 1];
    double b = points[lo];
    return (lo - 1 + (value - a) / (b - a)) / (g - 1);
  }

  /** The value at point {@code q} of the unit interval: the grid interpolated linearly. */
  public Object valueAt(double q) {
    if (points.length == 0) {
      return null;
    }
    double v;
    if (points.length == 1) {
      v = points[0];
    } else {
      double h = Math.max(0, Math.min(1, q)) * (points.length - 1);
      int f = Math.min((int) Math.floor(h), points.length - 2);
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
    return SortedRanks.bound(a, x, 0, a.length, upper);
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
