package io.synthgen.jobs;

import io.synthgen.model.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The explicit registry of model families, by the name jobs and bundles use. */
public final class ModelRegistry {
  private static final Map<String, SparkModelFamily> FAMILIES = new LinkedHashMap<>();

  static {
    register(new TabularGanFamily());
    register(new DigitDcganFamily());
    register(new DigitClassifierFamily());
  }

  private ModelRegistry() {}

  private static void register(SparkModelFamily f) {
    FAMILIES.put(f.name(), f);
  }

  /** The family called {@code name}; an unknown name is an error listing the known ones. */
  public static SparkModelFamily get(String name, String source) {
    if (name == null) {
      throw new InvalidInputException("no model given: pass --model (one of "
          + String.join(", ", FAMILIES.keySet()) + ")");
    }
    SparkModelFamily f = FAMILIES.get(name);
    if (f == null) {
      throw new InvalidInputException("unknown model '" + name + "' (" + source
          + "); registered models: " + String.join(", ", FAMILIES.keySet()));
    }
    return f;
  }

  public static Iterable<String> names() {
    return FAMILIES.keySet();
  }
}
