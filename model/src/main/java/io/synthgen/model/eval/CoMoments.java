package io.synthgen.model.eval;

import java.io.Serializable;

/**
 * Pairwise-complete co-moments of {@code k} numeric columns: for every pair, the count, means,
 * sums of squared deviations and co-deviation over the rows where both values are present,
 * updated with Welford's method and merged with Chan et al.'s formula, so Pearson correlations
 * come out of one distributed pass as pandas' {@code DataFrame.corr()} computes them.
 */
public final class CoMoments implements Serializable {
  private static final long serialVersionUID = 1L;
  private final int k;
  private final long[] n;
  private final double[] meanX;
  private final double[] meanY;
  private final double[] m2x;
  private final double[] m2y;
  private final double[] cxy;

  public CoMoments(int columns) {
    this.k = columns;
    int p = columns * columns;
    n = new long[p];
    meanX = new double[p];
    meanY = new double[p];
    m2x = new double[p];
    m2y = new double[p];
    cxy = new double[p];
  }

  /** Adds one row; NaN marks a missing value. Returns this. */
  public CoMoments add(double[] row) {
    for (int i = 0; i < k; i++) {
      double x = row[i];
      if (Double.isNaN(x)) {
        continue;
      }
      for (int j = i + 1; j < k; j++) {
        double y = row[j];
        if (Double.isNaN(y)) {
          continue;
        }
        int p = i * k + j;
        long c = ++n[p];
        double dx = x - meanX[p];
        double dy = y - meanY[p];
        meanX[p] += dx / c;
        meanY[p] += dy / c;
        m2x[p] += dx * (x - meanX[p]);
        m2y[p] += dy * (y - meanY[p]);
        cxy[p] += dx * (y - meanY[p]);
      }
    }
    return this;
  }

  /** Merges {@code o} into this; returns this. */
  public CoMoments merge(CoMoments o) {
    for (int p = 0; p < n.length; p++) {
      if (o.n[p] == 0) {
        continue;
      }
      long na = n[p];
      long nb = o.n[p];
      long nt = na + nb;
      double dx = o.meanX[p] - meanX[p];
      double dy = o.meanY[p] - meanY[p];
      double f = (double) na * nb / nt;
      m2x[p] += o.m2x[p] + dx * dx * f;
      m2y[p] += o.m2y[p] + dy * dy * f;
      cxy[p] += o.cxy[p] + dx * dy * f;
      meanX[p] += dx * nb / nt;
      meanY[p] += dy * nb / nt;
      n[p] = nt;
    }
    return this;
  }

  /** Pearson correlation of columns i and j; NaN when undefined (under 2 rows, a constant). */
  public double correlation(int i, int j) {
    if (i == j) {
      return 1;
    }
    int p = Math.min(i, j) * k + Math.max(i, j);
    if (n[p] < 2 || m2x[p] <= 0 || m2y[p] <= 0) {
      return Double.NaN;
    }
    return Math.max(-1, Math.min(1, cxy[p] / Math.sqrt(m2x[p] * m2y[p])));
  }

  public int columns() {
    return k;
  }
}
