package io.synthgen.jobs.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.model.bundle.ModelBundle;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an evaluation found, as it is being built: named sections of results (JSON), the flat
 * headline metrics gates refer to by name, stage timings, and images for the HTML page.
 */
public final class EvaluationReport {
  private final ObjectNode sections = ModelBundle.json().createObjectNode();
  private final Map<String, Double> metrics = new LinkedHashMap<>();
  private final Map<String, Double> timings = new LinkedHashMap<>();
  private final Map<String, byte[]> images = new LinkedHashMap<>();

  /** Adds (or replaces) a section of results. */
  public EvaluationReport section(String name, JsonNode value) {
    sections.set(name, value);
    return this;
  }

  /** Adds a headline metric; NaN records "not available" (JSON null) and fails any gate. */
  public EvaluationReport metric(String name, double value) {
    metrics.put(name, value);
    return this;
  }

  /** Records a stage's wall time since {@code startNanos}; returns now, for the next stage. */
  public long timing(String stage, long startNanos) {
    long now = System.nanoTime();
    timings.put(stage, (now - startNanos) / 1e9);
    return now;
  }

  /** A PNG image shown on the page under {@code name}. */
  public EvaluationReport image(String name, byte[] png) {
    images.put(name, png);
    return this;
  }

  public ObjectNode sections() {
    return sections;
  }

  public Map<String, Double> metrics() {
    return metrics;
  }

  public Map<String, Double> timings() {
    return timings;
  }

  public Map<String, byte[]> images() {
    return images;
  }

  /** {@code value} rounded to 6 significant digits for JSON, or null when not finite. */
  public static JsonNode number(double value) {
    if (!Double.isFinite(value)) {
      return ModelBundle.json().nullNode();
    }
    return ModelBundle.json().getNodeFactory().numberNode(round(value));
  }

  static double round(double v) {
    if (v == 0 || !Double.isFinite(v)) {
      return v;
    }
    return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).doubleValue();
  }

  public static void put(ObjectNode o, String key, double value) {
    o.set(key, number(value));
  }
}
