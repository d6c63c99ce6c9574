package io.synthgen.tabular;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.model.InvalidInputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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

  public TableMetadata(String label, String positiveClass, List<String> categorical,
      List<String> numeric) {
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
          list(root, "categorical", source), list(root, "numeric", source));
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

  public JsonNode toJson() {
    ObjectMapper m = new ObjectMapper();
    ObjectNode o = m.createObjectNode();
    o.put("label", label);
    o.put("positive_class", positiveClass);
    ArrayNode c = o.putArray("categorical");
    categorical.forEach(c::add);
    ArrayNode n = o.putArray("numeric");
    numeric.forEach(n::add);
    return o;
  }

  public static TableMetadata fromJson(JsonNode node) {
    return parse(node.toString(), "model bundle");
  }
}
