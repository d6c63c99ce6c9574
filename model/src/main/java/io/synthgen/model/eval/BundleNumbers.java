package io.synthgen.model.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.synthgen.model.bundle.ModelBundle;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Every number a model bundle writes outside its weights: the numbers of its metadata,
 * transformer and training JSON (JSON numbers, and JSON strings that read as a number), and its
 * config values that read as a number (a list such as {@code 32,32} splits at commas, semicolons
 * and blanks). The evaluation looks for training values among them: a summary the bundle keeps
 * should not hold any, except a numeric column's range ends when the metadata gives no bounds.
 * A cell {@link #holds} a value when the value, or its rounding to float32 (the precision of
 * tensors and some summaries), is one of them.
 */
public final class BundleNumbers implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Pattern NUMBER = Pattern.compile(
      "[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  private static final Pattern SEPARATORS = Pattern.compile("[,;\\s]+");
  private final double[] sorted;

  private BundleNumbers(double[] sorted) {
    this.sorted = sorted;
  }

  /** The numbers of {@code bundle}'s metadata, transformer, training record and config. */
  public static BundleNumbers of(ModelBundle bundle) {
    TreeSet<Double> out = new TreeSet<>();
    collect(bundle.metadata(), out);
    collect(bundle.transformer(), out);
    collect(bundle.training(), out);
    for (Map.Entry<String, String> e : bundle.config().entrySet()) {
      text(e.getValue(), out);
    }
    return new BundleNumbers(out.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * The numbers of {@code column}'s own summaries: every JSON object of the bundle's metadata,
   * transformer and training record whose {@code "name"} is {@code column}, with all it holds
   * (e.g. a numeric column's transformer entry and its quantile grids, whole and per class).
   */
  public static BundleNumbers ofColumn(ModelBundle bundle, String column) {
    TreeSet<Double> out = new TreeSet<>();
    for (JsonNode root : new JsonNode[] {bundle.metadata(), bundle.transformer(),
        bundle.training()}) {
      named(root, Set.of(column), out, true);
    }
    return new BundleNumbers(out.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * The numbers outside every column's own summaries ({@link #ofColumn} of each of
   * {@code columns}): the config, the training record, counts and anything else not under a
   * column's name.
   */
  public static BundleNumbers outsideColumns(ModelBundle bundle, Set<String> columns) {
    TreeSet<Double> out = new TreeSet<>();
    for (JsonNode root : new JsonNode[] {bundle.metadata(), bundle.transformer(),
        bundle.training()}) {
      named(root, columns, out, false);
    }
    for (Map.Entry<String, String> e : bundle.config().entrySet()) {
      text(e.getValue(), out);
    }
    return new BundleNumbers(out.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * Collects the numbers under objects named one of {@code names} ({@code inside}) or the numbers
   * under none of them (not {@code inside}).
   */
  private static void named(JsonNode node, Set<String> names, TreeSet<Double> out,
      boolean inside) {
    if (node == null) {
      return;
    }
    if (node.isObject() && node.path("name").isTextual()
        && names.contains(node.path("name").asText())) {
      if (inside) {
        collect(node, out);
      }
      return;
    }
    if (node.isContainerNode()) {
      node.forEach(child -> named(child, names, out, inside));
    } else if (!inside) {
      collect(node, out);
    }
  }

  /** The given numbers (for tests and other callers). */
  public static BundleNumbers of(double... values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return new BundleNumbers(Arrays.stream(s).distinct().toArray());
  }

  private static void collect(JsonNode node, TreeSet<Double> out) {
    if (node == null) {
      return;
    }
    if (node.isNumber()) {
      add(node.asDouble(), out);
    } else if (node.isTextual()) {
      text(node.asText(), out);
    } else {
      node.forEach(child -> collect(child, out));
    }
  }

  private static void text(String s, TreeSet<Double> out) {
    if (s == null) {
      return;
    }
    for (String token : SEPARATORS.split(s.trim())) {
      if (NUMBER.matcher(token).matches()) {
        add(Double.parseDouble(token), out);
      }
    }
  }

  private static void add(double v, TreeSet<Double> out) {
    if (Double.isFinite(v)) {
      out.add(v == 0 ? 0.0 : v); // -0.0 and 0.0 are one value
    }
  }

  /** How many distinct numbers the bundle holds. */
  public int size() {
    return sorted.length;
  }

  /** Whether {@code v} or its float32 rounding is among the numbers; false for NaN. */
  public boolean holds(double v) {
    if (Double.isNaN(v)) {
      return false;
    }
    double x = v == 0 ? 0.0 : v;
    return Arrays.binarySearch(sorted, x) >= 0
        || Arrays.binarySearch(sorted, (double) (float) x) >= 0;
  }
}
