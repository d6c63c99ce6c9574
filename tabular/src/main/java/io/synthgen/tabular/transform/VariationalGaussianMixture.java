package io.synthgen.tabular.transform;

import java.util.Arrays;

/**
 * A one-dimensional Gaussian mixture fitted by variational inference with a Dirichlet-process
 * (stick-breaking) prior on the weights (Blei and Jordan, "Variational inference for Dirichlet
 * process mixtures", Bayesian Analysis 2006), following scikit-learn's
 * {@code BayesianGaussianMixture} as CTGAN uses it: weight concentration prior 0.001, mean
 * precision prior 1, mean prior = data mean, degrees-of-freedom prior 1, covariance prior = data
 * variance, k-means initialization, at most 100 iterations.
 *
 * @implNote Initialization uses one-dimensional Lloyd iterations from evenly spaced quantiles,
 *     which is deterministic, rather than scikit-learn's seeded k-means++.
 */
public final class VariationalGaussianMixture {
  private static final double REG_COVAR = 1e-6;
  private static final double TOLERANCE = 1e-3;
  private final double[] weights;
  private final double[] means;
  private final double[] stds;

  private VariationalGaussianMixture(double[] weights, double[] means, double[] stds) {
    this.weights = weights;
    this.means = means;
    this.stds = stds;
  }

  public double[] weights() {
    return weights.clone();
  }

  public double[] means() {
    return means.clone();
  }

  public double[] stds() {
    return stds.clone();
  }

  /** Fits at most {@code maxComponents} components to {@code x} (non-empty). */
  public static VariationalGaussianMixture fit(double[] x, int maxComponents,
      double weightConcentrationPrior, int maxIterations) {
    int n = x.length;
    if (n == 0) {
      throw new IllegalArgumentException("no values to fit");
    }
    double[] sorted = x.clone();
    Arrays.sort(sorted);
    int distinct = 1;
    for (int i = 1; i < n; i++) {
      if (sorted[i] != sorted[i - 1]) {
        distinct++;
      }
    }
    int k = Math.max(1, Math.min(maxComponents, distinct));
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= n;
    double var = 0;
    for (double v : x) {
      var += (v - mean) * (v - mean);
    }
    var = n > 1 ? var / (n - 1) : 0;
    if (var <= 0) {
      var = 1e-6 * Math.max(1, mean * mean);
    }
    double[][] resp = kmeansResponsibilities(x, sorted, k);
    double meanPrecisionPrior = 1.0;
    double dofPrior = 1.0;
    double[] nk = new double[k];
    double[] beta1 = new double[k];
    double[] beta2 = new double[k];
    double[] meanPrecision = new double[k];
    double[] mk = new double[k];
    double[] dof = new double[k];
    double[] cov = new double[k];
    double previous = Double.NEGATIVE_INFINITY;
    double[] logW = new double[k];
    double[] logProbConst = new double[k];
    for (int iter = 0; iter < maxIterations; iter++) {
      // M-step.
      for (int c = 0; c < k; c++) {
        double s = 0;
        double sx = 0;
        for (int i = 0; i < n; i++) {
          s += resp[i][c];
          sx += resp[i][c] * x[i];
        }
        nk[c] = s + 10 * Math.ulp(1.0);
        double xk = sx / nk[c];
        double sk = 0;
        for (int i = 0; i < n; i++) {
          double d = x[i] - xk;
          sk += resp[i][c] * d * d;
        }
        sk = sk / nk[c] + REG_COVAR;
        meanPrecision[c] = meanPrecisionPrior + nk[c];
        mk[c] = (meanPrecisionPrior * mean + nk[c] * xk) / meanPrecision[c];
        dof[c] = dofPrior + nk[c];
        double diff = xk - mean;
        cov[c] = (var + nk[c] * sk + nk[c] * meanPrecisionPrior / meanPrecision[c] * diff * diff)
            / dof[c];
      }
      double tail = 0;
      for (int c = k - 1; c >= 0; c--) {
        beta1[c] = 1 + nk[c];
        beta2[c] = weightConcentrationPrior + tail;
        tail += nk[c];
      }
      // E-step.
      double cumulative = 0;
      for (int c = 0; c < k; c++) {
        double digammaSum = digamma(beta1[c] + beta2[c]);
        logW[c] = digamma(beta1[c]) - digammaSum + cumulative;
        cumulative += digamma(beta2[c]) - digammaSum;
        double logLambda = Math.log(2) + digamma(0.5 * dof[c]);
        logProbConst[c] = -0.5 * Math.log(2 * Math.PI) - 0.5 * Math.log(cov[c])
            - 0.5 * Math.log(dof[c]) + 0.5 * (logLambda - 1.0 / meanPrecision[c]) + logW[c];
      }
      double total = 0;
      double[] lp = new double[k];
      for (int i = 0; i < n; i++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
          double d = x[i] - mk[c];
          lp[c] = logProbConst[c] - 0.5 * d * d / cov[c];
          max = Math.max(max, lp[c]);
        }
        double sum = 0;
        for (int c = 0; c < k; c++) {
          sum += Math.exp(lp[c] - max);
        }
        double lse = max + Math.log(sum);
        total += lse;
        for (int c = 0; c < k; c++) {
          resp[i][c] = Math.exp(lp[c] - lse);
        }
      }
      total /= n;
      if (Math.abs(total - previous) < TOLERANCE) {
        break;
      }
      previous = total;
    }
    double[] w = new double[k];
    double remaining = 1;
    double sum = 0;
    for (int c = 0; c < k; c++) {
      double share = beta1[c] / (beta1[c] + beta2[c]);
      w[c] = share * remaining;
      remaining *= beta2[c] / (beta1[c] + beta2[c]);
      sum += w[c];
    }
    double[] std = new double[k];
    for (int c = 0; c < k; c++) {
      w[c] /= sum;
      std[c] = Math.sqrt(cov[c]);
    }
    return new VariationalGaussianMixture(w, mk.clone(), std);
  }

  private static double[][] kmeansResponsibilities(double[] x, double[] sorted, int k) {
    int n = x.length;
    double[] centers = new double[k];
    for (int c = 0; c < k; c++) {
      centers[c] = sorted[(int) Math.min(n - 1, Math.floor((c + 0.5) * n / k))];
    }
    int[] label = new int[n];
    for (int iter = 0; iter < 30; iter++) {
      double[] s = new double[k];
      int[] cnt = new int[k];
      boolean changed = false;
      for (int i = 0; i < n; i++) {
        int best = 0;
        double bestD = Double.POSITIVE_INFINITY;
        for (int c = 0; c < k; c++) {
          double d = Math.abs(x[i] - centers[c]);
          if (d < bestD) {
            bestD = d;
            best = c;
          }
        }
        changed |= label[i] != best;
        label[i] = best;
        s[best] += x[i];
        cnt[best]++;
      }
      for (int c = 0; c < k; c++) {
        if (cnt[c] > 0) {
          centers[c] = s[c] / cnt[c];
        }
      }
      if (!changed && iter > 0) {
        break;
      }
    }
    double[][] resp = new double[n][k];
    for (int i = 0; i < n; i++) {
      resp[i][label[i]] = 1;
    }
    return resp;
  }

  /** The digamma function, by recurrence to x >= 6 and the asymptotic series. */
  static double digamma(double x) {
    double result = 0;
    while (x < 6) {
      result -= 1 / x;
      x += 1;
    }
    double f = 1 / (x * x);
    return result + Math.log(x) - 0.5 / x
        - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
  }
}
