package io.synthgen.tabular;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.model.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Column roles of a table, in the shape of {@code shared/data/tabular/*.json}: {@code label},
 * {@code positive_class}, {@code categorical}, {@code numeric}; other keys are ignored. The label
 * is always treated as categorical.
 */
public final class TableMetadata {
  private final String label;
  private final String positiveClass;
  private final List<String> categorical;
  private final List<String> numeric;
  /** Declared value ranges of numeric columns: {min, max} by column name. */
  private final Map<String, double[]> bounds;

  public TableMetadata(String label, String positiveClass, List<String> categorical,
      List<String> numeric) {
    this(label, positiveClass, categorical, numeric, Map.of());
  }

  /**
   * {@code bounds}: the declared range {min, max} of numeric columns (public knowledge, such as
   * a field's valid range), which the models use instead of the data's own extremes.
   */
  public TableMetadata(String label, String positiveClass, List<String> categorical,
      List<String> numeric, Map<String, double[]> bounds) {
    this.label = label;
    this.positiveClass = positiveClass;
    List<String> cats = new ArrayList<>(categorical);
    if (label != null && !cats.contains(label)) {
      cats.add(label);
    }
    if (label != null && numeric.contains(label)) {
      throw new InvalidInputException("metadata lists the label column '" + label
          + "' as numeric: the label must be categorical");
    }
    for (String c : cats) {
      if (numeric.contains(c)) {
        throw new InvalidInputException("metadata lists column '" + c
            + "' as both categorical and numeric: keep it in one list");
      }
    }
    this.categorical = Collections.unmodifiableList(cats);
    this.numeric = List.copyOf(numeric);
    Map<String, double[]> b = new LinkedHashMap<>();
    for (Map.Entry<String, double[]> e : bounds.entrySet()) {
      double[] r = e.getValue();
      if (r.length != 2 || !(r[0] < r[1]) || !Double.isFinite(r[0]) || !Double.isFinite(r[1])) {
        throw new InvalidInputException("metadata 'bounds' of column '" + e.getKey()
            + "' must be finite with min < max, got " + Arrays.toString(r));
      }
      if (cats.contains(e.getKey())) {
        throw new InvalidInputException("metadata gives 'bounds' for column '" + e.getKey()
            + "', which is categorical: bounds are for numeric columns; drop them");
      }
      b.put(e.getKey(), r.clone());
    }
    this.bounds = Collections.unmodifiableMap(b);
  }

  /** Parses metadata JSON; {@code source} names the file in errors. */
  public static TableMetadata parse(String json, String source) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
      throw new InvalidInputException("metadata file '" + source + "' is not valid JSON"
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
          + ": " + e.getOriginalMessage().lines().findFirst().orElse("") + "; fix the file");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidInputException("metadata file '" + source
          + "' must hold a JSON object with label, positive_class, categorical and numeric");
    }
    try {
      return new TableMetadata(text(root, "label", source), text(root, "positive_class", source),
          list(root, "categorical", source), list(root, "numeric", source),
          bounds(root, source));
    } catch (InvalidInputException e) {
      throw new InvalidInputException("metadata file '" + source + "': " + e.getMessage());
    }
  }

  private static String text(JsonNode root, String key, String source) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isValueNode()) {
      throw new InvalidInputException("metadata file '" + source + "': '" + key
          + "' must be a string, got " + n);
    }
    return n.asText();
  }

  private static List<String> list(JsonNode root, String key, String source) {
    JsonNode n = root.get(key);
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      throw new InvalidInputException("metadata file '" + source + "': '" + key
          + "' must be a list of column names, got " + n);
    }
    n.forEach(e -> out.add(e.asText()));
    return out;
  }

  /** {@code "bounds": {"COLUMN": {"min": X, "max": Y}, ...}}, or empty. */
  private static Map<String, double[]> bounds(JsonNode root, String source) {
    JsonNode n = root.get("bounds");
    Map<String, double[]> out = new LinkedHashMap<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isObject()) {
      throw new InvalidInputException("metadata file '" + source + "': 'bounds' must be an "
          + "object such as {\"amount\": {\"min\": 0, \"max\": 100000}}, got " + n);
    }
    for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) n::fields) {
      JsonNode lo = e.getValue().get("min");
      JsonNode hi = e.getValue().get("max");
      if (lo == null || hi == null || !lo.isNumber() || !hi.isNumber()) {
        throw new InvalidInputException("metadata file '" + source + "': 'bounds' of column '"
            + e.getKey() + "' needs numbers 'min' and 'max', got " + e.getValue());
      }
      out.put(e.getKey(), new double[] {lo.asDouble(), hi.asDouble()});
    }
    return out;
  }

  /** Whether the metadata names {@code column} (as label, categorical or numeric). */
  public boolean declares(String column) {
    return column.equals(label) || categorical.contains(column) || numeric.contains(column);
  }

  public String label() {
    return label;
  }

  public String positiveClass() {
    return positiveClass;
  }

  public List<String> categorical() {
    return categorical;
  }

  public List<String> numeric() {
    return numeric;
  }

  /** The declared range {min, max} of {@code column}, or null when the metadata gives none. */
  public double[] bounds(String column) {
    double[] r = bounds.get(column);
    return r == null ? null : r.clone();
  }

  /** Every declared range, by column. */
  public Map<String, double[]> bounds() {
    return bounds;
  }

  public JsonNode toJson() {
    ObjectMapper m = new ObjectMapper();
    ObjectNode o = m.createObjectNode();
    o.put("label", label);
    o.put("positive_class", positiveClass);
    ArrayNode c = o.putArray("categorical");
    categorical.forEach(c::add);
    ArrayNode n = o.putArray("numeric");
    numeric.forEach(n::add);
    if (!bounds.isEmpty()) {
      ObjectNode b = o.putObject("bounds");
      bounds.forEach((k, v) -> b.putObject(k).put("min", v[0]).put("max", v[1]));
    }
    return o;
  }

  public static TableMetadata fromJson(JsonNode node) {
    return parse(node.toString(), "model bundle");
  }
}
