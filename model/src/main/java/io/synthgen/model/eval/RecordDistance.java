package io.synthgen.model.eval;

import java.io.Serializable;
import java.util.Objects;

/**
 * Distance between two records for distance-to-closest-record (DCR) privacy checks: the mean over
 * columns of {@code |a - b| / (max - min)} of the real column for numeric values (1 when exactly
 * one is missing, 0 when both are) and a 0/1 mismatch for categorical values (missing equals
 * missing). A record is its numeric values (NaN = missing) and its categorical values (null =
 * missing), label included. Same definition as {@code shared/eval/tabular_eval.py}.
 */
public final class RecordDistance implements Serializable {
  private static final long serialVersionUID = 1L;
  private final double[] lo;
  private final double[] range;
  private final int columns;

  /** {@code min}/{@code max}: the real training table's bounds of each numeric column. */
  public RecordDistance(double[] min, double[] max, int categoricalColumns) {
    this.lo = min.clone();
    this.range = new double[min.length];
    for (int i = 0; i < min.length; i++) {
      double r = max[i] - min[i];
      range[i] = r > 0 && !Double.isNaN(r) ? r : 1;
    }
    this.columns = min.length + categoricalColumns;
  }

  public double distance(double[] aNum, String[] aCat, double[] bNum, String[] bCat) {
    double d = 0;
    for (int i = 0; i < aNum.length; i++) {
      boolean na = Double.isNaN(aNum[i]);
      boolean nb = Double.isNaN(bNum[i]);
      if (na || nb) {
        d += na == nb ? 0 : 1;
      } else {
        d += Math.abs(aNum[i] - bNum[i]) / range[i];
      }
    }
    for (int i = 0; i < aCat.length; i++) {
      if (!Objects.equals(aCat[i], bCat[i])) {
        d += 1;
      }
    }
    return columns == 0 ? 0 : d / columns;
  }

  /**
   * The running distances of a fixed set of query records to their closest reference record,
   * fed reference records one by one and merged across partitions by element-wise minimum.
   */
  public static final class Nearest implements Serializable {
    private static final long serialVersionUID = 1L;
    private final double[] best;

    public Nearest(int queries) {
      best = new double[queries];
      java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
    }

    /** Offers one reference record to every query. */
    public Nearest offer(RecordDistance metric, double[][] qNum, String[][] qCat, double[] num,
        String[] cat) {
      for (int q = 0; q < best.length; q++) {
        double d = metric.distance(qNum[q], qCat[q], num, cat);
        if (d < best[q]) {
          best[q] = d;
        }
      }
      return this;
    }

    public Nearest merge(Nearest o) {
      for (int q = 0; q < best.length; q++) {
        best[q] = Math.min(best[q], o.best[q]);
      }
      return this;
    }

    public double[] distances() {
      return best.clone();
    }
  }
}
