package io.synthgen.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.train.TrainingState;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DigitClassifierTest {
  /** Accuracy a briefly trained classifier must beat on unseen digits (chance is 0.1). */
  private static final double MIN_ACCURACY = 0.7;

  static DigitImages exampleDigits() throws Exception {
    Path dir = Path.of("..", "examples", "data", "digits");
    try (InputStream im = Files.newInputStream(dir.resolve("digits-sample-images-idx3-ubyte.gz"));
        InputStream lb = Files.newInputStream(dir.resolve("digits-sample-labels-idx1-ubyte.gz"))) {
      return IdxFormat.read(im, "images", lb, "labels");
    }
  }

  static DigitImages range(DigitImages all, int from, int to) {
    return new DigitImages(Arrays.copyOfRange(all.pixels(), from * DigitImages.PIXELS,
        to * DigitImages.PIXELS), Arrays.copyOfRange(all.labels(), from, to));
  }

  @Test
  void briefTrainingClassifiesUnseenDigitsAndScoresAreFeaturesAndProbabilities()
      throws Exception {
    DigitImages all = exampleDigits();
    DigitImages train = range(all, 0, 800);
    DigitImages test = range(all, 800, 1000);
    DigitClassifier c = new DigitClassifier(64, 2e-3, 1);
    TrainingState s = c.initialState(1);
    s = c.train(s, train, 60, 7);
    assertEquals(60, s.step());
    DigitClassifier.Scorer.Scores scores =
        new DigitClassifier.Scorer(s.tensor(DigitClassifier.WEIGHTS)).score(test);
    int right = 0;
    for (int i = 0; i < test.count(); i++) {
      double[] p = scores.probabilities()[i];
      assertEquals(1.0, Arrays.stream(p).sum(), 1e-4);
      assertEquals(DigitClassifier.FEATURES, scores.features()[i].length);
      assertTrue(Arrays.stream(scores.features()[i]).allMatch(v -> v >= 0), "ReLU features");
      int best = 0;
      for (int k = 1; k < 10; k++) {
        best = p[k] > p[best] ? k : best;
      }
      right += best == test.labels()[i] ? 1 : 0;
    }
    double accuracy = right / (double) test.count();
    assertTrue(accuracy > MIN_ACCURACY, "accuracy " + accuracy);
  }

  @Test
  void unlabelledImagesCannotTrainTheClassifier() {
    DigitClassifier c = new DigitClassifier(8, 1e-3, 0);
    DigitImages unlabelled = new DigitImages(new byte[10 * DigitImages.PIXELS], null);
    org.junit.jupiter.api.Assertions.assertThrows(io.synthgen.model.InvalidInputException.class,
        () -> c.train(c.initialState(1), unlabelled, 1, 1));
  }

  @Test
  void frechetDistanceIsZeroForEqualMomentsAndMatchesTheDiagonalClosedForm() {
    // points on the axes: mean 0 (shifted by m), covariance exactly diag(2a^2/3, 2b^2/3)
    FeatureMoments x = axes(1, 2, 0);
    FeatureMoments y = axes(3, 1, 5);
    assertEquals(0, FrechetDistance.between(x, axes(1, 2, 0)), 1e-9);
    double sx1 = Math.sqrt(2 / 3.0);
    double sx2 = Math.sqrt(2 * 4 / 3.0);
    double sy1 = Math.sqrt(2 * 9 / 3.0);
    double sy2 = Math.sqrt(2 / 3.0);
    double expected = 2 * 25 + Math.pow(sx1 - sy1, 2) + Math.pow(sx2 - sy2, 2);
    assertEquals(expected, FrechetDistance.between(x, y), 1e-6);
  }

  @Test
  void frechetDistanceOfCorrelatedGaussiansMatchesTheTwoByTwoClosedForm() {
    // non-commuting covariances: tr((S1 S2)^1/2) = sqrt(tr(S1 S2) + 2 sqrt(det(S1 S2)))
    FeatureMoments x = new FeatureMoments(2);
    FeatureMoments y = new FeatureMoments(2);
    java.util.Random rng = new java.util.Random(3);
    for (int i = 0; i < 500; i++) {
      double u = rng.nextGaussian();
      double v = rng.nextGaussian();
      x.add(new double[] {u, 0.8 * u + 0.6 * v});
      y.add(new double[] {2 * u + 1, -0.5 * u + v});
    }
    double[] a = x.covariance();
    double[] b = y.covariance();
    double p00 = a[0] * b[0] + a[1] * b[2];
    double p01 = a[0] * b[1] + a[1] * b[3];
    double p10 = a[2] * b[0] + a[3] * b[2];
    double p11 = a[2] * b[1] + a[3] * b[3];
    double trRoot = Math.sqrt(p00 + p11 + 2 * Math.sqrt(p00 * p11 - p01 * p10));
    double[] ma = x.mean();
    double[] mb = y.mean();
    double expected = Math.pow(ma[0] - mb[0], 2) + Math.pow(ma[1] - mb[1], 2) + a[0] + a[3]
        + b[0] + b[3] - 2 * trRoot;
    assertEquals(expected, FrechetDistance.between(x, y), 1e-9);
  }

  @Test
  void frechetDistanceHandlesRankDeficientCovariancesOfFewSamples() {
    // 12 samples in 64 dimensions: covariance rank 11, as when evaluating a few dozen images
    FeatureMoments x = new FeatureMoments(64);
    FeatureMoments y = new FeatureMoments(64);
    java.util.Random rng = new java.util.Random(9);
    for (int i = 0; i < 12; i++) {
      double[] a = new double[64];
      double[] b = new double[64];
      for (int j = 0; j < 64; j++) {
        a[j] = rng.nextGaussian();
        b[j] = 0.5 + rng.nextGaussian();
      }
      x.add(a);
      y.add(b);
    }
    assertEquals(0, FrechetDistance.between(x, x), 1e-6);
    double d = FrechetDistance.between(x, y);
    assertTrue(Double.isFinite(d) && d > 64 * 0.25 * 0.5, "distance " + d);
  }

  private static FeatureMoments axes(double a, double b, double shift) {
    FeatureMoments m = new FeatureMoments(2);
    for (double[] p : new double[][] {{a, 0}, {-a, 0}, {0, b}, {0, -b}}) {
      m.add(new double[] {p[0] + shift, p[1] + shift});
    }
    return m;
  }

  @Test
  void mergedMomentsEqualOnePass() {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(2);
    FeatureMoments one = new FeatureMoments(3);
    FeatureMoments a = new FeatureMoments(3);
    FeatureMoments b = new FeatureMoments(3);
    for (int i = 0; i < 50; i++) {
      double[] v = {rng.nextGaussian(), rng.nextGaussian() * 3, rng.nextDouble()};
      one.add(v);
      (i % 3 == 0 ? a : b).add(v);
    }
    a.merge(b);
    double[] c1 = one.covariance();
    double[] c2 = a.covariance();
    for (int i = 0; i < c1.length; i++) {
      assertEquals(c1[i], c2[i], 1e-12);
    }
    assertEquals(one.mean()[1], a.mean()[1], 1e-12);
    assertEquals(50, a.count());
  }
}
