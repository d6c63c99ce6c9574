package io.synthgen.jobs.job;

import io.synthgen.jobs.evaluate.BundleEvaluator;
import io.synthgen.jobs.family.SparkModelFamily;
import io.synthgen.jobs.image.DigitClassifierFamily;
import io.synthgen.jobs.image.DigitDcganFamily;
import io.synthgen.jobs.tabular.GaussianCopulaFamily;
import io.synthgen.jobs.tabular.TabularGanFamily;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.bundle.ModelBundle;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** The explicit registry of model families, by the name jobs and bundles use. */
public final class ModelRegistry {
  private static final Map<String, SparkModelFamily> FAMILIES = new LinkedHashMap<>();

  static {
    register(new TabularGanFamily());
    register(new GaussianCopulaFamily());
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

  /**
   * Resolves the evaluator of a bundle read from {@code modelDir}: its registered family (an
   * unknown model name is an error naming the directory).
   */
  public static Function<ModelBundle, BundleEvaluator> evaluators(String modelDir) {
    return bundle -> get(bundle.model(), "model bundle " + modelDir);
  }

  public static Iterable<String> names() {
    return FAMILIES.keySet();
  }
}
