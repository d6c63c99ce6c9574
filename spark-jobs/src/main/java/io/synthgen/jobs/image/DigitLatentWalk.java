package io.synthgen.jobs.image;

import io.synthgen.image.DcganConfig;
import io.synthgen.image.DcganTrainer;
import io.synthgen.image.DigitImages;
import io.synthgen.image.DigitSampler;
import io.synthgen.image.ImageGrid;
import io.synthgen.image.LatentPaths;
import io.synthgen.jobs.family.LatentSpaceExplorer;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.bundle.ModelBundle;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Latent-space walks of a {@code digit-dcgan} generator, on the driver: a straight line between
 * the latent points of two generated images, or a 2-D sweep of two latent dimensions.
 */
final class DigitLatentWalk {
  private DigitLatentWalk() {}

  /** Renders the requested walk of the generator's latent space as a PNG grid. */
  static byte[] render(ModelBundle bundle, LatentSpaceExplorer.ExploreRequest req) {
    DcganConfig config = DcganConfig.from(
        bundle.modelOptions(DcganConfig.SPECS));
    if ((req.interpolate() == null) == (req.gridDims() == null)) {
      throw new InvalidInputException("pass exactly one of --interpolate A,B and --grid D1,D2");
    }
    if (req.steps() < 2 || req.steps() > 100) {
      throw new InvalidInputException("option '--steps' has value " + req.steps()
          + ": use 2..100");
    }
    int[] rowLabels;
    if (!config.conditional) {
      if (req.condition() != null) {
        throw new InvalidInputException("this model is unconditional: drop --condition");
      }
      rowLabels = new int[] {-1};
    } else if (req.condition() != null) {
      rowLabels = new int[] {DigitLabelPlan.parseCondition(req.condition())};
    } else {
      rowLabels = IntStream.range(0, DigitImages.CLASSES).toArray();
    }
    DigitSampler sampler = new DigitSampler(config,
        DcganTrainer.samplingWeights(bundle.tensors()));
    List<float[]> points = new ArrayList<>();
    int cols = req.steps();
    if (req.interpolate() != null) {
      float[][] line = LatentPaths.interpolate(sampler.latent(req.seed(), req.interpolate()[0]),
          sampler.latent(req.seed(), req.interpolate()[1]), req.steps());
      for (int r = 0; r < rowLabels.length; r++) {
        points.addAll(List.of(line));
      }
    } else {
      int[] d = req.gridDims();
      if (d[0] < 0 || d[1] < 0 || d[0] >= config.latentDim || d[1] >= config.latentDim
          || d[0] == d[1]) {
        throw new InvalidInputException("option '--grid' has value " + d[0] + "," + d[1]
            + ": give two different latent dimensions in 0.." + (config.latentDim - 1));
      }
      if (rowLabels.length > 1) {
        throw new InvalidInputException("a grid walk of a conditional model needs one class: "
            + "add --condition label=D");
      }
      points.addAll(List.of(LatentPaths.grid(sampler.latent(req.seed(), req.baseIndex()), d[0],
          d[1], req.range(), req.steps())));
    }
    int[] labels = null;
    if (config.conditional) {
      labels = new int[points.size()];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = rowLabels.length == 1 ? rowLabels[0] : rowLabels[i / cols];
      }
    }
    DigitImages img = sampler.render(points.toArray(new float[0][]), labels);
    return ImageGrid.render(img, points.size() / cols, cols);
  }
}
