package io.synthgen.jobs;

import io.synthgen.jobs.job.ConfigReference;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code synth config-doc} (hidden): prints the reference of every config key as Markdown,
 * generated from the option specs; {@code docs/configuration.md} is its output ({@value
 * ConfigReference#REGENERATE}), which a test keeps current.
 */
@Command(name = "config-doc", hidden = true, mixinStandardHelpOptions = true,
    description = "Print the reference of every config key (train keys, then each model's) as "
        + "Markdown: the text of docs/configuration.md.")
final class ConfigDocCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.out.print(ConfigReference.markdown());
    System.out.flush();
    return 0;
  }
}
