package io.synthgen.jobs;

import io.synthgen.jobs.family.LatentSpaceExplorer;
import io.synthgen.jobs.family.SparkModelFamily;
import io.synthgen.jobs.io.HadoopBundleStore;
import io.synthgen.jobs.job.ModelRegistry;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.bundle.ModelBundle;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code synth explore}: draws a walk through an image model's latent space, on the driver. */
@Command(name = "explore", mixinStandardHelpOptions = true,
    description = "Walk an image model's latent space and draw it as a PNG: a straight line "
        + "between the latent points of two generated images, or a 2-D sweep of two latent "
        + "dimensions. Runs on the driver only.")
final class ExploreCommand implements Callable<Integer> {
  @Option(names = "--model-dir", paramLabel = "DIR", required = true,
      description = "model bundle directory written by train") String modelDir;
  @Option(names = "--output", paramLabel = "FILE.png", required = true,
      description = "PNG file to write (any Hadoop FS path)") String output;
  @Option(names = "--interpolate", paramLabel = "A,B", split = ",",
      description = "interpolate between the latent points of generated images A and B")
  long[] interpolate;
  @Option(names = "--grid", paramLabel = "D1,D2", split = ",",
      description = "sweep latent dimensions D1 (down) and D2 (across), the others fixed at "
          + "image --base's latent point") int[] grid;
  @Option(names = "--base", paramLabel = "INDEX", description = "image whose latent point "
      + "the grid starts from (default 0)") long base;
  @Option(names = "--range", description = "the grid sweeps [-R, R] (default 3)")
  double range = 3;
  @Option(names = "--steps", description = "images per row, or per grid side (default 10)")
  int steps = 10;
  @Option(names = "--condition", paramLabel = "label=D", description = "class of a "
      + "conditional model (default: interpolations draw one row per class)") String condition;
  @Option(names = "--seed", description = "generation seed the image indices refer to "
      + "(default: the model's seed)") Long seed;

  @Override
  public Integer call() throws Exception {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    ModelBundle bundle = ModelBundle.read(new HadoopBundleStore(modelDir, conf));
    SparkModelFamily family = ModelRegistry.get(bundle.model(), "model bundle " + modelDir);
    if (!(family instanceof LatentSpaceExplorer explorer)) {
      throw new InvalidInputException("model '" + bundle.model() + "' in '" + modelDir
          + "' has no latent space to explore: explore works with image models");
    }
    if ((interpolate != null && interpolate.length != 2)
        || (grid != null && grid.length != 2)) {
      throw new InvalidInputException("--interpolate and --grid take two comma-separated "
          + "numbers, e.g. --interpolate 3,17");
    }
    long s = seed != null ? seed : bundle.seed();
    byte[] png = explorer.explore(bundle, new LatentSpaceExplorer.ExploreRequest(s, condition,
        interpolate, grid, base, range, steps));
    Path out = new Path(output);
    try (java.io.OutputStream o = out.getFileSystem(conf).create(out, true)) {
      o.write(png);
    }
    System.out.printf(Locale.ROOT, "latent %s (seed %d) written to %s%n",
        interpolate != null ? "interpolation" : "grid", s, output);
    return 0;
  }
}
