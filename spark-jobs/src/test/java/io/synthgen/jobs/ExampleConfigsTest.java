package io.synthgen.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.image.DcganConfig;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The worked examples in conf/ stay valid: every key known, every value parses, every key set. */
class ExampleConfigsTest {
  @ParameterizedTest
  @ValueSource(strings = {"fraud-augment.conf", "fault-augment.conf"})
  void exampleConfigSetsEveryKeyWithValidValues(String name) throws Exception {
    Path file = Path.of("..", "conf", name);
    List<OptionSpec<?>> specs = new ArrayList<>(TrainOptions.TRAIN);
    specs.addAll(ModelRegistry.get(TabularGanFamily.NAME, "test").modelOptions());
    Options o;
    try (Reader r = Files.newBufferedReader(file)) {
      o = Options.builder(specs).load(r, name).build();
    }
    assertEquals(TabularGanFamily.NAME, o.get(TrainOptions.MODEL));
    TabularGanConfig.from(o);
    for (OptionSpec<?> s : TabularGanConfig.SPECS) {
      assertTrue(o.isSet(s), name + " documents model key " + s.key());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"digits-dcgan.conf", "digits-dcgan-reference.conf"})
  void digitsConfigSetsEveryModelKeyWithValidValues(String name) throws Exception {
    Path file = Path.of("..", "conf", name);
    List<OptionSpec<?>> specs = new ArrayList<>(TrainOptions.TRAIN);
    specs.addAll(ModelRegistry.get(DigitDcganFamily.NAME, "test").modelOptions());
    Options o;
    try (Reader r = Files.newBufferedReader(file)) {
      o = Options.builder(specs).load(r, file.toString()).build();
    }
    assertEquals(DigitDcganFamily.NAME, o.get(TrainOptions.MODEL));
    DcganConfig c = DcganConfig.from(o);
    for (OptionSpec<?> s : DcganConfig.SPECS) {
      assertTrue(o.isSet(s), name + " documents model key " + s.key());
    }
    if (name.equals("digits-dcgan.conf")) {
      assertTrue(c.conditional, "the worked example is the conditional model");
    } else {
      assertFalse(c.conditional, "the reference example is the unconditional model");
      assertTrue(c.generatorEma > 0, "the reference example generates from the weights' average");
      // the keys DcganTrainerTest shows build shared/eval/dcgan_reference.py's networks
      assertEquals(List.of(256, 5, true, true), List.of(c.generatorChannels, c.kernelSize,
          c.generatorStride1Layer, c.generatorChannelNorm));
    }
  }
}
