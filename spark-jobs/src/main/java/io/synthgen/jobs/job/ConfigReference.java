package io.synthgen.jobs.job;

import io.synthgen.jobs.family.SparkModelFamily;
import io.synthgen.jobs.train.TrainOptions;
import io.synthgen.model.config.OptionSpec;
import java.util.List;

/**
 * The reference of every config key as Markdown ({@code docs/configuration.md}), generated from
 * the option specs: the train keys ({@link TrainOptions#TRAIN}), then each registered model
 * family's own keys, one table per section with the key, its allowed values, its default and
 * its description. {@code synth config-doc} prints it.
 */
public final class ConfigReference {
  /** The command that regenerates {@code docs/configuration.md}. */
  public static final String REGENERATE = "scripts/synth config-doc > docs/configuration.md";

  private ConfigReference() {}

  /** The whole document. */
  public static String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Configuration keys\n\n");
    sb.append("<!-- Generated from the option specs: do not edit; regenerate with `")
        .append(REGENERATE).append("`. -->\n\n");
    sb.append("`synth train` reads these keys from a config file (`--conf FILE`, one `key = "
        + "value` per line), from `--set key=value` (repeatable) and from its flags (`--input`, "
        + "`--epochs`, ...): flags win over `--set`, `--set` over the file, the file over the "
        + "defaults. A value is refused, naming the key, when it is not one of the allowed "
        + "values. A model bundle records every key's value; `--resume` keeps the model keys of "
        + "the bundle. The keys starting with `" + GenerateJob.GENERATION_KEYS + "` act at "
        + "generation: `synth generate --set` may override them for one job.\n\n");
    sb.append("## Train keys (every model)\n\n");
    table(sb, TrainOptions.TRAIN);
    for (String name : ModelRegistry.names()) {
      SparkModelFamily family = ModelRegistry.get(name, "config reference");
      sb.append("\n## Model `").append(name).append("`\n\n");
      List<String> own = new java.util.ArrayList<>();
      for (OptionSpec<?> s : family.trainOptions()) {
        OptionSpec<?> shared = TrainOptions.TRAIN.stream()
            .filter(t -> t.key().equals(s.key())).findFirst().orElseThrow();
        if (!s.defaultText().equals(shared.defaultText())) {
          own.add("`" + s.key() + "` = `" + s.defaultText() + "`");
        }
      }
      if (!own.isEmpty()) {
        sb.append("Train keys with this model's own default: ").append(String.join(", ", own))
            .append(".\n\n");
      }
      if (family.modelOptions().isEmpty()) {
        sb.append("No keys of its own.\n");
      } else {
        table(sb, family.modelOptions());
      }
    }
    return sb.toString();
  }

  private static void table(StringBuilder sb, List<OptionSpec<?>> specs) {
    sb.append("| Key | Type / allowed values | Default | Description |\n");
    sb.append("|---|---|---|---|\n");
    for (OptionSpec<?> s : specs) {
      sb.append("| `").append(s.key()).append("` | ").append(cell(s.validity()))
          .append(" | ").append(s.defaultValue() == null ? "none"
              : "`" + s.defaultText() + "`")
          .append(" | ").append(cell(s.description())).append(" |\n");
    }
  }

  /** Text as one Markdown table cell: pipes escaped, lines joined. */
  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\r", "").replace("\n", " ");
  }
}
