package io.synthgen.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.image.DcganConfig;
import io.synthgen.jobs.family.SparkModelFamily;
import io.synthgen.jobs.image.DigitDcganFamily;
import io.synthgen.jobs.job.ModelRegistry;
import io.synthgen.jobs.tabular.TabularGanFamily;
import io.synthgen.jobs.train.TrainOptions;
import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import io.synthgen.tabular.gan.TabularGanConfig;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The worked examples in conf/ stay valid and short: every key known and every value valid, and
 * they do not hide a better setting than the code's: a key an example sets either repeats its
 * default or is one of the example's own choices (what it models, not how well).
 */
class ExampleConfigsTest {
  /** Keys a worked example may set to other than the default: its choices, not tuning. */
  private static final Set<String> EXAMPLE_CHOICES = Set.of("model", "seed", "workers",
      "checkpoint-every", "conditional");
  /** The reference example's architecture and schedule: the network of dcgan_reference.py. */
  private static final Set<String> REFERENCE_ARCHITECTURE = Set.of("epochs", "generator-channels",
      "kernel-size", "generator-dense-norm", "generator-ema");
  /** Most keys a worked example sets. */
  private static final int MAX_KEYS = 10;

  private static Options load(String name, String model) throws Exception {
    SparkModelFamily family = ModelRegistry.get(model, "test");
    List<OptionSpec<?>> specs = new ArrayList<>(family.trainOptions());
    specs.addAll(family.modelOptions());
    try (Reader r = Files.newBufferedReader(Path.of("..", "conf", name))) {
      return Options.builder(specs).load(r, name).build();
    }
  }

  private static Options defaults(String model) {
    SparkModelFamily family = ModelRegistry.get(model, "test");
    List<OptionSpec<?>> specs = new ArrayList<>(family.trainOptions());
    specs.addAll(family.modelOptions());
    return Options.builder(specs).build();
  }

  private static void assertOverridesOnly(String name, Options example, String model,
      Set<String> allowed) {
    Map<String, String> defaults = defaults(model).effectiveValues();
    Map<String, String> set = example.explicitValues();
    assertTrue(set.size() <= MAX_KEYS, name + " sets " + set.size() + " keys: " + set.keySet());
    set.forEach((key, value) -> assertTrue(allowed.contains(key)
            || value.equals(defaults.get(key)),
        name + " sets " + key + " = " + value + " against the default " + defaults.get(key)
            + ": make the better value the default, or drop the key"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"fraud-augment.conf", "fault-augment.conf"})
  void tableExamplesAreValidAndRepeatTheDefaults(String name) throws Exception {
    Options o = load(name, TabularGanFamily.NAME);
    assertEquals(TabularGanFamily.NAME, o.get(TrainOptions.MODEL));
    TabularGanConfig.from(o);
    assertOverridesOnly(name, o, TabularGanFamily.NAME, EXAMPLE_CHOICES);
  }

  @Test
  void theCodeDefaultsOfTheTableModelAreTheMeasuredSettings() {
    Options o = defaults(TabularGanFamily.NAME);
    assertEquals(1800, o.get(TrainOptions.MIN_STEPS), "min-steps (docs/benchmarks.md)");
    assertEquals(2, TabularGanConfig.from(o).criticSteps, "critic-steps");
    Options copula = defaults("gaussian-copula");
    assertEquals(0, copula.get(TrainOptions.MIN_STEPS), "a key's shared default elsewhere");
  }

  @Test
  void theCodeDefaultsOfTheDigitModelAreTheMeasuredSettings() {
    Options o = defaults(DigitDcganFamily.NAME);
    assertEquals(30, o.get(TrainOptions.EPOCHS));
    assertEquals("global", o.get(TrainOptions.BATCH_SCOPE));
    assertEquals(64, DcganConfig.from(o).batchSize);
  }

  @ParameterizedTest
  @ValueSource(strings = {"digits-dcgan.conf", "digits-dcgan-reference.conf"})
  void digitExamplesAreValidAndRepeatTheDefaults(String name) throws Exception {
    Options o = load(name, DigitDcganFamily.NAME);
    assertEquals(DigitDcganFamily.NAME, o.get(TrainOptions.MODEL));
    DcganConfig c = DcganConfig.from(o);
    if (name.equals("digits-dcgan.conf")) {
      assertOverridesOnly(name, o, DigitDcganFamily.NAME, EXAMPLE_CHOICES);
      assertTrue(c.conditional, "the worked example is the conditional model");
    } else {
      Set<String> allowed = new java.util.HashSet<>(EXAMPLE_CHOICES);
      allowed.addAll(REFERENCE_ARCHITECTURE);
      assertOverridesOnly(name, o, DigitDcganFamily.NAME, allowed);
      assertFalse(c.conditional, "the reference example is the unconditional model");
      assertTrue(c.generatorEma > 0, "the reference example generates from the weights' average");
      // the keys DcganTrainerTest shows build shared/eval/dcgan_reference.py's networks
      assertEquals(List.of(256, 5, true, true), List.of(c.generatorChannels, c.kernelSize,
          c.generatorStride1Layer, c.generatorChannelNorm));
    }
  }
}
