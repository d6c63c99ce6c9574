package io.synthgen.tabular.privacy;

import io.synthgen.model.InvalidInputException;
import io.synthgen.tabular.ValueType;
import io.synthgen.tabular.profile.ColumnProfile;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.commons.math3.special.Erf;

/**
 * Differentially private column summaries from one pass over the rows: per numeric column a
 * hierarchical histogram on its public bounds, per categorical column its category counts, and
 * per column its null count, every count released with Gaussian noise. The released summaries
 * become {@link ColumnProfile}s (post-processing), so every marginal a model fits from them is as
 * private as they are.
 *
 * <p><b>Numeric columns</b>: the bounds {@code [min, max]} come from the metadata (public), values
 * outside them are clamped; the range is cut into {@code 2^}{@link #TREE_LEVELS} equal leaves and
 * every node of the binary tree above them counts its rows (Hay, Rastogi, Miklau and Suciu,
 * "Boosting the Accuracy of Differentially Private Histograms Through Consistency", VLDB 2010).
 * The noisy tree is read top-down: each node's estimate is split between its children in
 * proportion to their noisy counts clamped at 0, so empty regions of a skewed column stay nearly
 * empty instead of accumulating leaf noise. Rows exactly at the lower bound (the zero of an amount,
 * a count or a balance, often a large share of a column) are counted apart, as a point mass,
 * instead of in the tree. The profile's sample is the {@link #SAMPLE_POINTS} evenly spaced
 * quantiles of the resulting distribution: the point mass, then piecewise uniform over the
 * leaves.
 *
 * <p><b>Categorical columns</b>: the category names are data, so a category is kept only when its
 * noisy count exceeds the threshold {@code 1 + sigma * Phi^-1(1 - selectionDelta / k)} ({@code k}
 * categorical columns): a category that one row alone brings is kept with probability at most
 * {@code selectionDelta / k}, which adds {@code selectionDelta} to the delta of the Gaussian
 * mechanism (Gaussian partition selection; Korolova et al. 2009, Wilson et al. 2020). Null is a
 * category every column may have: its noisy count is released without a selection threshold,
 * and taken as 0 below {@link #NULL_THRESHOLD_SIGMAS} noise standard deviations. So is a
 * category whose name is public ({@link Column#publicCategories}: the label's positive class,
 * which the metadata names), its count clamped at 1 row, so the rare class a fraud or fault table
 * exists for is never dropped.
 *
 * <p><b>Sensitivity</b>: one row adds 1 to {@code TREE_LEVELS + 1} nodes of each numeric column
 * (or to its null count, or to its count at the lower bound) and to one count of each categorical column, so the L2 sensitivity of
 * all counts together is {@code sqrt(numeric * (TREE_LEVELS + 1) + categorical)}
 * ({@link #sensitivity}); every count gets noise {@code noiseMultiplier * sensitivity}.
 */
public final class PrivateHistograms implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Depth of a numeric column's tree: {@code 2^10 = 1024} leaves over its bounds. */
  public static final int TREE_LEVELS = 10;
  /** Values in a released numeric profile's sample. */
  public static final int SAMPLE_POINTS = 2000;
  /**
   * A released null count below this many noise standard deviations is taken as 0
   * (post-processing): a column without nulls would otherwise get a tiny noisy null share half
   * the time, and a model a latent variable for it.
   */
  public static final double NULL_THRESHOLD_SIGMAS = 2;
  private static final int LEAVES = 1 << TREE_LEVELS;

  private final List<Column> columns;
  private final long[][] leaves;
  private final long[] nulls;
  private final long[] atMin;
  private final List<Map<String, Long>> categories;

  /**
   * A table's column as the histograms see it: name, role, storage type, bounds, and the
   * categories whose names are public (the metadata's positive class of the label), released
   * without the selection threshold.
   */
  public record Column(String name, boolean categorical, ValueType type, double min, double max,
      java.util.Set<String> publicCategories) implements Serializable {
    public Column {
      publicCategories = java.util.Set.copyOf(publicCategories);
    }

    /** A column without public category names. */
    public Column(String name, boolean categorical, ValueType type, double min, double max) {
      this(name, categorical, type, min, max, java.util.Set.of());
    }
  }

  private PrivateHistograms(List<Column> columns) {
    this.columns = List.copyOf(columns);
    this.leaves = new long[columns.size()][];
    this.nulls = new long[columns.size()];
    this.atMin = new long[columns.size()];
    this.categories = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      leaves[i] = columns.get(i).categorical() ? null : new long[LEAVES];
      categories.add(columns.get(i).categorical() ? new HashMap<>() : null);
    }
  }

  /**
   * Empty histograms for {@code columns}, checked: every numeric column needs finite bounds with
   * {@code min < max} (the error names the column and the metadata key that gives them).
   */
  public static PrivateHistograms of(List<Column> columns) {
    for (Column c : columns) {
      if (!c.categorical() && !(Double.isFinite(c.min()) && Double.isFinite(c.max())
          && c.min() < c.max())) {
        throw new InvalidInputException("differential privacy needs public bounds for numeric "
            + "column '" + c.name() + "': add \"bounds\": {\"" + c.name() + "\": {\"min\": MIN, "
            + "\"max\": MAX}} to the metadata file (ranges known without reading the rows)");
      }
    }
    return new PrivateHistograms(columns);
  }

  /**
   * Empty histograms for a table's columns: names, roles and storage types from {@code profiles}
   * (which carry nothing else of the rows into the result), bounds from {@code metadata}.
   */
  public static PrivateHistograms forTable(List<io.synthgen.tabular.profile.ColumnProfile> profiles,
      io.synthgen.tabular.TableMetadata metadata) {
    List<Column> columns = new ArrayList<>();
    for (io.synthgen.tabular.profile.ColumnProfile p : profiles) {
      double[] bounds = p.categorical() ? null : metadata.bounds(p.name());
      boolean positive = p.categorical() && p.name().equals(metadata.label())
          && metadata.positiveClass() != null;
      columns.add(new Column(p.name(), p.categorical(), p.valueType(),
          bounds == null ? Double.NaN : bounds[0], bounds == null ? Double.NaN : bounds[1],
          positive ? java.util.Set.of(metadata.positiveClass()) : java.util.Set.of()));
    }
    return of(columns);
  }

  /** L2 sensitivity of all counts together to adding or removing one row. */
  public double sensitivity() {
    int numeric = 0;
    for (Column c : columns) {
      numeric += c.categorical() ? 0 : 1;
    }
    return Math.sqrt(numeric * (TREE_LEVELS + 1.0) + (columns.size() - numeric));
  }

  /** Number of categorical columns. */
  public int categoricalColumns() {
    return (int) columns.stream().filter(Column::categorical).count();
  }

  /** Adds one row (Double cells for numeric columns, String for categorical, null for nulls). */
  public PrivateHistograms add(Object[] cells) {
    for (int i = 0; i < columns.size(); i++) {
      Column c = columns.get(i);
      Object v = cells[i];
      if (v == null || (v instanceof Double d && d.isNaN())) {
        nulls[i]++;
      } else if (c.categorical()) {
        categories.get(i).merge((String) v, 1L, Long::sum);
      } else if ((Double) v <= c.min()) {
        atMin[i]++;
      } else {
        leaves[i][leafOf(c, (Double) v)]++;
      }
    }
    return this;
  }

  private static int leafOf(Column c, double v) {
    double u = (v - c.min()) / (c.max() - c.min());
    return (int) Math.min(LEAVES - 1, Math.max(0, Math.floor(u * LEAVES)));
  }

  /** Adds {@code other}'s counts to these (same columns). */
  public PrivateHistograms merge(PrivateHistograms other) {
    for (int i = 0; i < columns.size(); i++) {
      nulls[i] += other.nulls[i];
      atMin[i] += other.atMin[i];
      if (leaves[i] != null) {
        for (int k = 0; k < LEAVES; k++) {
          leaves[i][k] += other.leaves[i][k];
        }
      } else {
        Map<String, Long> mine = categories.get(i);
        other.categories.get(i).forEach((k, n) -> mine.merge(k, n, Long::sum));
      }
    }
    return this;
  }

  /**
   * The noisy profiles: every count with Gaussian noise of standard deviation
   * {@code noiseMultiplier * sensitivity()} from {@code rng}, categories thresholded for
   * {@code selectionDelta} (see the class comment). Counts are rounded and clamped at 0.
   */
  public List<ColumnProfile> release(double noiseMultiplier, double selectionDelta,
      SplittableRandom rng) {
    double sigma = noiseMultiplier * sensitivity();
    int k = Math.max(1, categoricalColumns());
    double threshold = 1 + sigma * Math.sqrt(2) * Erf.erfcInv(2 * selectionDelta / k);
    List<ColumnProfile> out = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      Column c = columns.get(i);
      long nullCount = Math.round(nulls[i] + sigma * rng.nextGaussian());
      if (nullCount < NULL_THRESHOLD_SIGMAS * sigma) {
        nullCount = 0; // most likely noise: a spurious rare null would add a noisy latent variable
      }
      if (c.categorical()) {
        Map<String, Long> kept = new LinkedHashMap<>();
        // public names first, whether the rows hold them or not, released with at least 1 row
        for (String name : new java.util.TreeSet<>(c.publicCategories())) {
          double noisy = categories.get(i).getOrDefault(name, 0L) + sigma * rng.nextGaussian();
          kept.put(name, Math.max(1, Math.round(noisy)));
        }
        // a sorted walk, so the noise each category gets does not depend on hash order
        for (Map.Entry<String, Long> e : new TreeMap<>(categories.get(i)).entrySet()) {
          if (c.publicCategories().contains(e.getKey())) {
            continue;
          }
          double noisy = e.getValue() + sigma * rng.nextGaussian();
          if (noisy > threshold) {
            kept.put(e.getKey(), Math.round(noisy));
          }
        }
        if (kept.isEmpty() && nullCount == 0) {
          throw new InvalidInputException(String.format(java.util.Locale.ROOT,
              "differential privacy: no category of column '%s' holds enough rows to be "
                  + "released (noisy count above %.0f rows at this budget): raise "
                  + "privacy.epsilon, train on more rows, or drop the column", c.name(),
              threshold));
        }
        long total = nullCount + kept.values().stream().mapToLong(Long::longValue).sum();
        out.add(ColumnProfile.categorical(c.name(), c.type(), total, nullCount, kept));
      } else {
        double atMinCount = Math.max(0, Math.round(atMin[i] + sigma * rng.nextGaussian()));
        double[] mass = treeEstimate(leaves[i], sigma, rng);
        double rows = atMinCount;
        for (double m : mass) {
          rows += m;
        }
        long nonNull = Math.round(rows);
        out.add(ColumnProfile.numeric(c.name(), c.type(), nonNull + nullCount, nullCount,
            c.min(), c.max(), c.type().isIntegral(),
            nonNull == 0 ? new double[0] : quantiles(atMinCount, mass, c.min(), c.max())));
      }
    }
    return out;
  }

  /**
   * Leaf masses from the noisy tree over {@code leafCounts}: the root's noisy count (at least 0),
   * split top-down between children in proportion to their noisy counts clamped at 0 (evenly
   * where both are 0).
   */
  static double[] treeEstimate(long[] leafCounts, double sigma, SplittableRandom rng) {
    // exact counts per level, level 0 = root
    long[][] level = new long[TREE_LEVELS + 1][];
    level[TREE_LEVELS] = leafCounts;
    for (int l = TREE_LEVELS - 1; l >= 0; l--) {
      long[] below = level[l + 1];
      long[] here = new long[below.length / 2];
      for (int j = 0; j < here.length; j++) {
        here[j] = below[2 * j] + below[2 * j + 1];
      }
      level[l] = here;
    }
    double[] est = {Math.max(0, level[0][0] + sigma * rng.nextGaussian())};
    for (int l = 1; l <= TREE_LEVELS; l++) {
      double[] next = new double[level[l].length];
      for (int j = 0; j < est.length; j++) {
        double a = Math.max(0, level[l][2 * j] + sigma * rng.nextGaussian());
        double b = Math.max(0, level[l][2 * j + 1] + sigma * rng.nextGaussian());
        double share = a + b > 0 ? a / (a + b) : 0.5;
        next[2 * j] = est[j] * share;
        next[2 * j + 1] = est[j] * (1 - share);
      }
      est = next;
    }
    return est;
  }

  /**
   * {@link #SAMPLE_POINTS} quantiles at (k + 1/2) / n of a point mass {@code atMin} at
   * {@code min} followed by the piecewise-uniform leaf masses.
   */
  static double[] quantiles(double atMin, double[] mass, double min, double max) {
    double total = atMin;
    for (double m : mass) {
      total += m;
    }
    double width = (max - min) / mass.length;
    double[] out = new double[SAMPLE_POINTS];
    int leaf = 0;
    double below = atMin;
    for (int k = 0; k < SAMPLE_POINTS; k++) {
      double target = (k + 0.5) / SAMPLE_POINTS * total;
      if (target <= atMin) {
        out[k] = min;
        continue;
      }
      while (leaf < mass.length - 1 && below + mass[leaf] < target) {
        below += mass[leaf++];
      }
      double within = mass[leaf] > 0 ? (target - below) / mass[leaf] : 0.5;
      out[k] = min + (leaf + Math.min(1, Math.max(0, within))) * width;
    }
    return out;
  }
}
