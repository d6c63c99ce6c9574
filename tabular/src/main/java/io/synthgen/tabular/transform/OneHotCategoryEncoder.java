package io.synthgen.tabular.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.tabular.ValueType;
import io.synthgen.tabular.profile.ColumnProfile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One-hot encoding of a categorical column, with null as a category of its own when the column
 * has nulls, so null rates come back. Categories are ordered by descending frequency.
 */
public final class OneHotCategoryEncoder implements ColumnTransformer {
  private static final long serialVersionUID = 1L;
  private final String name;
  private final ValueType valueType;
  private final List<String> categories;
  private final long[] counts;
  private transient Map<String, Integer> index;

  OneHotCategoryEncoder(String name, ValueType valueType, List<String> categories, long[] counts) {
    this.name = name;
    this.valueType = valueType;
    this.categories = Collections.unmodifiableList(new ArrayList<>(categories));
    this.counts = counts;
  }

  /** Fits from exact category counts; null becomes the last category when present. */
  public static OneHotCategoryEncoder fit(ColumnProfile p) {
    List<Map.Entry<String, Long>> entries = new ArrayList<>(p.categoryCounts().entrySet());
    entries.sort((a, b) -> b.getValue().equals(a.getValue()) ? a.getKey().compareTo(b.getKey())
        : Long.compare(b.getValue(), a.getValue()));
    List<String> cats = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    for (Map.Entry<String, Long> e : entries) {
      cats.add(e.getKey());
      counts.add(e.getValue());
    }
    if (p.nullCount() > 0) {
      cats.add(null);
      counts.add(p.nullCount());
    }
    if (cats.isEmpty()) {
      throw new IllegalArgumentException("column " + p.name() + " has no values");
    }
    return new OneHotCategoryEncoder(p.name(), p.valueType(), cats,
        counts.stream().mapToLong(Long::longValue).toArray());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ValueType valueType() {
    return valueType;
  }

  @Override
  public int width() {
    return categories.size();
  }

  /** Categories in encoding order (null stands for the null category). */
  public List<String> categories() {
    return categories;
  }

  /** Exact training counts per category, in encoding order. */
  public long[] counts() {
    return counts.clone();
  }

  /** Index of {@code value} (null for the null category), or -1 when unknown. */
  public int indexOf(String value) {
    if (index == null) {
      Map<String, Integer> m = new HashMap<>();
      for (int i = 0; i < categories.size(); i++) {
        m.put(categories.get(i), i);
      }
      index = m;
    }
    Integer i = index.get(value);
    return i == null ? -1 : i;
  }

  public Object decode(int category) {
    return valueType.fromText(categories.get(category));
  }

  @Override
  public JsonNode toJson() {
    ObjectNode o = ModelBundle.json().createObjectNode();
    o.put("kind", "categorical");
    o.put("name", name);
    o.put("valueType", valueType.name());
    ArrayNode c = o.putArray("categories");
    categories.forEach(c::add);
    ArrayNode n = o.putArray("counts");
    for (long v : counts) {
      n.add(v);
    }
    return o;
  }

  public static OneHotCategoryEncoder fromJson(JsonNode o) {
    List<String> cats = new ArrayList<>();
    o.path("categories").forEach(e -> cats.add(e.isNull() ? null : e.asText()));
    long[] counts = new long[o.path("counts").size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = o.path("counts").get(i).asLong();
    }
    return new OneHotCategoryEncoder(o.path("name").asText(),
        ValueType.valueOf(o.path("valueType").asText()), cats, counts);
  }

}
