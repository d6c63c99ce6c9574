package io.synthgen.jobs.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.jobs.train.TrainOptions;
import io.synthgen.model.config.OptionSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} is the reference generated from the option specs, and says every
 * key of the train job and of each registered model.
 */
class ConfigReferenceTest {
  /** The committed reference, from the project root (tests run in spark-jobs/). */
  private static final Path DOC = Path.of("..", "docs", "configuration.md");

  @Test
  void theCommittedReferenceIsTheGeneratedOne() throws Exception {
    String generated = ConfigReference.markdown();
    String committed = Files.exists(DOC) ? Files.readString(DOC, StandardCharsets.UTF_8) : "";
    assertEquals(generated, committed, "docs/configuration.md is not what the option specs "
        + "generate (a key was added, removed or changed): regenerate it with '"
        + ConfigReference.REGENERATE + "' from the project root (after 'mvn -q -DskipTests "
        + "package'), and commit it");
  }

  @Test
  void everyKeyHasARowInItsSection() {
    String doc = ConfigReference.markdown();
    for (OptionSpec<?> s : TrainOptions.TRAIN) {
      assertTrue(doc.contains("| `" + s.key() + "` | " + s.validity().replace("|", "\\|")),
          s.key());
    }
    for (String name : ModelRegistry.names()) {
      String section = doc.substring(doc.indexOf("## Model `" + name + "`"));
      for (OptionSpec<?> s : ModelRegistry.get(name, "test").modelOptions()) {
        assertTrue(section.contains("| `" + s.key() + "` |"), name + ": " + s.key());
      }
    }
  }
}
