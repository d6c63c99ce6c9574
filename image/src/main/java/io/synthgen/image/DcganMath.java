package io.synthgen.image;

/** Scalar helpers of the DCGAN step: losses and accuracies from the discriminator's logits. */
final class DcganMath {
  private DcganMath() {}

  /** {@code labels[idx[0]], labels[idx[1]], ...}. */
  static int[] pick(int[] labels, int[] idx) {
    int[] out = new int[idx.length];
    for (int i = 0; i < idx.length; i++) {
      out[i] = labels[idx[i]];
    }
    return out;
  }

  static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /** log(1 + e^x), stable for large |x|. */
  static double softplus(double x) {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }

  static double mean(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x;
    }
    return s / v.length;
  }

  static double share(float[] l, double threshold, boolean above) {
    int n = 0;
    for (float x : l) {
      if (above ? x > threshold : x <= threshold) {
        n++;
      }
    }
    return (double) n / l.length;
  }
}
