package io.synthgen.tabular.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.tabular.ValueType;
import io.synthgen.tabular.profile.ColumnProfile;
import io.synthgen.tabular.profile.EmpiricalMarginal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * CTGAN's mode-specific normalization of a numeric column (Xu et al., NeurIPS 2019, section 4.2):
 * a variational Gaussian mixture finds the column's modes; a value is encoded as a one-hot mode
 * indicator plus its offset within the mode, {@code (x - mean) / (4 std)} clipped to (-0.99, 0.99).
 *
 * @implNote Two kinds of discrete modes are added beside the Gaussian ones, so that shapes the
 *     mixture would smear come back exactly: frequent exact values (point masses, e.g. the many
 *     zeros of amounts and counts) and null. Decoded values are clipped to the observed range by
 *     default and rounded in integral columns.
 */
public final class ModeSpecificNormalizer implements ColumnTransformer {
  private static final long serialVersionUID = 1L;
  private static final double CLIP = 0.99;
  private final String name;
  private final ValueType valueType;
  private final boolean integral;
  private final double min;
  private final double max;
  private final boolean enforceBounds;
  private final double[] means;
  private final double[] stds;
  private final double[] weights;
  private final double[] pointValues;
  private final boolean nullMode;
  private transient Map<Double, Integer> pointIndex;

  ModeSpecificNormalizer(String name, ValueType valueType, boolean integral, double min,
      double max, boolean enforceBounds, double[] means, double[] stds, double[] weights,
      double[] pointValues, boolean nullMode) {
    this.name = name;
    this.valueType = valueType;
    this.integral = integral;
    this.min = min;
    this.max = max;
    this.enforceBounds = enforceBounds;
    this.means = means;
    this.stds = stds;
    this.weights = weights;
    this.pointValues = pointValues;
    this.nullMode = nullMode;
  }

  /** Fitting parameters, from {@link io.synthgen.tabular.gan.TabularGanConfig}. */
  public record FitOptions(int maxModes, double weightThreshold, double pointMassMinShare,
      int maxPointMasses, boolean enforceBounds) implements java.io.Serializable {}

  /** Fits the column from its profile (exact bounds and null count, bounded value sample). */
  public static ModeSpecificNormalizer fit(ColumnProfile p, FitOptions o) {
    double[] sample = p.sample();
    boolean integral = p.integral() || p.valueType().isIntegral();
    // Point masses: exact values holding at least pointMassMinShare of the sample and at least
    // MIN_SHARED_ROWS rows (a rarer value could single out the rows that hold it).
    Map<Double, Integer> counts = new HashMap<>();
    for (double v : sample) {
      counts.merge(v, 1, Integer::sum);
    }
    List<Map.Entry<Double, Integer>> frequent = new ArrayList<>();
    for (Map.Entry<Double, Integer> e : counts.entrySet()) {
      if (e.getValue() >= o.pointMassMinShare() * sample.length
          && e.getValue() >= EmpiricalMarginal.MIN_SHARED_ROWS) {
        frequent.add(e);
      }
    }
    frequent.sort((a, b) -> b.getValue().equals(a.getValue())
        ? Double.compare(a.getKey(), b.getKey()) : b.getValue() - a.getValue());
    if (frequent.size() > o.maxPointMasses()) {
      frequent = frequent.subList(0, o.maxPointMasses());
    }
    double[] points = frequent.stream().mapToDouble(Map.Entry::getKey).sorted().toArray();
    double[] rest = Arrays.stream(sample).filter(v -> Arrays.binarySearch(points, v) < 0).toArray();
    double[] means = new double[0];
    double[] stds = new double[0];
    double[] weights = new double[0];
    if (rest.length > 0) {
      VariationalGaussianMixture gmm = VariationalGaussianMixture.fit(rest, o.maxModes(), 0.001, 100);
      double[] w = gmm.weights();
      List<Integer> keep = new ArrayList<>();
      for (int c = 0; c < w.length; c++) {
        if (w[c] > o.weightThreshold()) {
          keep.add(c);
        }
      }
      if (keep.isEmpty()) {
        int best = 0;
        for (int c = 1; c < w.length; c++) {
          best = w[c] > w[best] ? c : best;
        }
        keep.add(best);
      }
      means = new double[keep.size()];
      stds = new double[keep.size()];
      weights = new double[keep.size()];
      double[] m = gmm.means();
      double[] s = gmm.stds();
      for (int i = 0; i < keep.size(); i++) {
        means[i] = m[keep.get(i)];
        stds[i] = Math.max(s[keep.get(i)], 1e-9);
        weights[i] = w[keep.get(i)];
      }
    }
    boolean nullMode = p.nullCount() > 0;
    if (means.length == 0 && points.length == 0 && !nullMode) {
      throw new IllegalArgumentException("column " + p.name() + " has no values");
    }
    return new ModeSpecificNormalizer(p.name(), p.valueType(), integral, p.min(), p.max(),
        o.enforceBounds(), means, stds, weights, points, nullMode);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ValueType valueType() {
    return valueType;
  }

  /** Number of modes: Gaussian, then point masses, then null. */
  public int modeCount() {
    return means.length + pointValues.length + (nullMode ? 1 : 0);
  }

  public int gaussianModes() {
    return means.length;
  }

  public double[] pointValues() {
    return pointValues.clone();
  }

  /**
   * Per mode, the decoded value at scalar 0: the Gaussian mode's mean, the point mass's value, or
   * (null mode) the column's mean, so that nulls sit at the centre; see {@link #modeScales}.
   */
  public double[] modeOffsets() {
    double[] out = new double[modeCount()];
    System.arraycopy(means, 0, out, 0, means.length);
    System.arraycopy(pointValues, 0, out, means.length, pointValues.length);
    if (nullMode) {
      out[out.length - 1] = mean();
    }
    return out;
  }

  /**
   * Per mode, how the decoded value moves with the tanh scalar ({@code 4 * std} for a Gaussian
   * mode, 0 otherwise): before clipping, a row in mode {@code k} with scalar {@code a} decodes to
   * {@code modeOffsets()[k] + a * modeScales()[k]}.
   */
  public double[] modeScales() {
    double[] out = new double[modeCount()];
    for (int i = 0; i < means.length; i++) {
      out[i] = 4 * stds[i];
    }
    return out;
  }

  @Override
  public int width() {
    return 1 + modeCount();
  }

  private Map<Double, Integer> pointIndex() {
    if (pointIndex == null) {
      Map<Double, Integer> m = new HashMap<>();
      for (int i = 0; i < pointValues.length; i++) {
        m.put(pointValues[i], means.length + i);
      }
      pointIndex = m;
    }
    return pointIndex;
  }

  /** Writes the encoding of {@code value} (null allowed) at {@code row[offset..offset+width)}. */
  public void encode(Double value, float[] row, int offset, SplittableRandom rng) {
    Arrays.fill(row, offset, offset + width(), 0f);
    int mode;
    float scalar = 0f;
    if (value == null || value.isNaN()) {
      mode = nullMode ? modeCount() - 1 : nearestMode(mean());
    } else {
      Integer p = pointIndex().get(value);
      if (p != null) {
        mode = p;
      } else if (means.length == 0) {
        mode = nearestPoint(value);
      } else {
        mode = sampleMode(value, rng);
        double z = (value - means[mode]) / (4 * stds[mode]);
        scalar = (float) Math.max(-CLIP, Math.min(CLIP, z));
      }
    }
    row[offset] = scalar;
    row[offset + 1 + mode] = 1f;
  }

  private double mean() {
    double s = 0;
    for (int i = 0; i < means.length; i++) {
      s += weights[i] * means[i];
    }
    return means.length == 0 ? (pointValues.length > 0 ? pointValues[0] : 0) : s;
  }

  private int nearestMode(double v) {
    return means.length == 0 ? nearestPoint(v) : sampleModeArgmax(v);
  }

  private int nearestPoint(double v) {
    int best = 0;
    for (int i = 1; i < pointValues.length; i++) {
      if (Math.abs(pointValues[i] - v) < Math.abs(pointValues[best] - v)) {
        best = i;
      }
    }
    return means.length + best;
  }

  private int sampleModeArgmax(double v) {
    int best = 0;
    double bestP = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < means.length; c++) {
      double lp = logDensity(c, v);
      if (lp > bestP) {
        bestP = lp;
        best = c;
      }
    }
    return best;
  }

  private double logDensity(int c, double v) {
    double z = (v - means[c]) / stds[c];
    return Math.log(weights[c]) - Math.log(stds[c]) - 0.5 * z * z;
  }

  /** Samples a Gaussian mode from its posterior responsibility for {@code v}, as CTGAN does. */
  private int sampleMode(double v, SplittableRandom rng) {
    int k = means.length;
    double[] lp = new double[k];
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      lp[c] = logDensity(c, v);
      max = Math.max(max, lp[c]);
    }
    double sum = 0;
    for (int c = 0; c < k; c++) {
      lp[c] = Math.exp(lp[c] - max) + 1e-6;
      sum += lp[c];
    }
    double u = rng.nextDouble() * sum;
    for (int c = 0; c < k; c++) {
      u -= lp[c];
      if (u <= 0) {
        return c;
      }
    }
    return k - 1;
  }

  /**
   * Decodes a value from the generator's tanh scalar and the chosen mode; returns the typed value
   * or null.
   */
  public Object decode(double scalar, int mode) {
    if (nullMode && mode == modeCount() - 1) {
      return null;
    }
    double v;
    if (mode >= means.length) {
      v = pointValues[mode - means.length];
    } else {
      double s = Math.max(-1, Math.min(1, scalar));
      v = s * 4 * stds[mode] + means[mode];
      if (enforceBounds) {
        v = Math.max(min, Math.min(max, v));
      }
    }
    if (integral) {
      v = Math.rint(v);
    }
    return valueType.fromDouble(v);
  }

  @Override
  public JsonNode toJson() {
    ObjectNode o = ModelBundle.json().createObjectNode();
    o.put("kind", "numeric");
    o.put("name", name);
    o.put("valueType", valueType.name());
    o.put("integral", integral);
    o.put("min", min);
    o.put("max", max);
    o.put("enforceBounds", enforceBounds);
    putArray(o, "means", means);
    putArray(o, "stds", stds);
    putArray(o, "weights", weights);
    putArray(o, "pointValues", pointValues);
    o.put("nullMode", nullMode);
    return o;
  }

  private static void putArray(ObjectNode o, String key, double[] values) {
    ArrayNode a = o.putArray(key);
    for (double v : values) {
      a.add(v);
    }
  }

  private static double[] array(JsonNode n) {
    double[] out = new double[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i).asDouble();
    }
    return out;
  }

  static ModeSpecificNormalizer fromJson(JsonNode o) {
    return new ModeSpecificNormalizer(o.path("name").asText(),
        ValueType.valueOf(o.path("valueType").asText()), o.path("integral").asBoolean(),
        o.path("min").asDouble(), o.path("max").asDouble(), o.path("enforceBounds").asBoolean(),
        array(o.path("means")), array(o.path("stds")), array(o.path("weights")),
        array(o.path("pointValues")), o.path("nullMode").asBoolean());
  }
}
