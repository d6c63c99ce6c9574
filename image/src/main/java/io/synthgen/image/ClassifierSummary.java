package io.synthgen.image;

import java.io.Serializable;

/**
 * What the digit classifier says about a set of images, accumulated per partition and merged:
 * feature moments (for the Fréchet distance), predicted-class counts, the sums behind mean max
 * probability and inception score, and, for labelled images, hits per intended class.
 */
public final class ClassifierSummary implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int K = DigitImages.CLASSES;
  private final FeatureMoments moments = new FeatureMoments(DigitClassifier.FEATURES);
  private final long[] predicted = new long[K];
  private final double[] probabilitySums = new double[K];
  private final long[] labelled = new long[K];
  private final long[] hits = new long[K];
  private double maxProbabilitySum;
  private double negativeEntropySum;
  private long count;

  /** Adds scored images; {@code labels} (intended classes) may be null. */
  public ClassifierSummary add(DigitClassifier.Scorer.Scores scores, int[] labels) {
    for (int i = 0; i < scores.features().length; i++) {
      moments.add(scores.features()[i]);
      double[] p = scores.probabilities()[i];
      int best = 0;
      for (int k = 0; k < K; k++) {
        probabilitySums[k] += p[k];
        negativeEntropySum += p[k] > 0 ? p[k] * Math.log(p[k]) : 0;
        best = p[k] > p[best] ? k : best;
      }
      predicted[best]++;
      maxProbabilitySum += p[best];
      if (labels != null) {
        labelled[labels[i]]++;
        hits[labels[i]] += best == labels[i] ? 1 : 0;
      }
      count++;
    }
    return this;
  }

  public ClassifierSummary merge(ClassifierSummary o) {
    moments.merge(o.moments);
    for (int k = 0; k < K; k++) {
      predicted[k] += o.predicted[k];
      probabilitySums[k] += o.probabilitySums[k];
      labelled[k] += o.labelled[k];
      hits[k] += o.hits[k];
    }
    maxProbabilitySum += o.maxProbabilitySum;
    negativeEntropySum += o.negativeEntropySum;
    count += o.count;
    return this;
  }

  public long count() {
    return count;
  }

  public FeatureMoments moments() {
    return moments;
  }

  /** Share of images predicted as each class. */
  public double[] classShares() {
    double[] s = new double[K];
    for (int k = 0; k < K; k++) {
      s[k] = count == 0 ? 0 : predicted[k] / (double) count;
    }
    return s;
  }

  public double meanMaxProbability() {
    return count == 0 ? Double.NaN : maxProbabilitySum / count;
  }

  /**
   * Inception score {@code exp(E_x KL(p(y|x) || p(y)))} (Salimans et al. 2016) with this
   * classifier: {@code exp(E_x sum p log p - sum p_bar log p_bar)}.
   */
  public double inceptionScore() {
    if (count == 0) {
      return Double.NaN;
    }
    double marginal = 0;
    for (int k = 0; k < K; k++) {
      double pk = probabilitySums[k] / count;
      marginal += pk > 0 ? pk * Math.log(pk) : 0;
    }
    return Math.exp(negativeEntropySum / count - marginal);
  }

  /** Whether every image carried an intended label. */
  public boolean labelled() {
    long n = 0;
    for (long l : labelled) {
      n += l;
    }
    return count > 0 && n == count;
  }

  /** Share of images classified as their intended label; NaN without labels. */
  public double labelAccuracy() {
    long h = 0;
    for (long x : hits) {
      h += x;
    }
    return labelled() ? h / (double) count : Double.NaN;
  }

  /** Accuracy per intended class (NaN for a class with no images). */
  public double[] labelAccuracyPerClass() {
    double[] a = new double[K];
    for (int k = 0; k < K; k++) {
      a[k] = labelled[k] == 0 ? Double.NaN : hits[k] / (double) labelled[k];
    }
    return a;
  }
}
