package io.synthgen.tabular.copula;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.Seeds;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.eval.CoMoments;
import io.synthgen.tabular.ValueType;
import io.synthgen.tabular.condition.ConditionSet;
import io.synthgen.tabular.condition.GenerationPlan;
import io.synthgen.tabular.profile.ColumnProfile;
import io.synthgen.tabular.profile.EmpiricalMarginal;
import io.synthgen.tabular.transform.CategoricalColumns;
import io.synthgen.tabular.transform.OneHotCategoryEncoder;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * A Gaussian copula over a table: every column is mapped through its own marginal distribution
 * to a uniform and then to a standard normal score, and the dependence between columns is the
 * correlation matrix of those scores. Sampling draws correlated normal scores and maps each back
 * through its marginal. This is the Gaussian copula of the Synthetic Data Vault (Patki, Wedge and
 * Veeramachaneni, "The Synthetic Data Vault", DSAA 2016), SDV's default tabular synthesizer.
 *
 * <p>Numeric columns use an {@link EmpiricalMarginal} (nulls and point masses kept); categorical
 * columns the category frequencies of a {@link OneHotCategoryEncoder} (null a category of its
 * own), each category owning an interval of the unit line in frequency order. Conditions
 * ({@link ConditionSet}) are exact: every condition is an interval of a latent score (a
 * category's interval, a range's quantiles, a null indicator's side of its threshold), the
 * conditioned scores are drawn from the latent Gaussian truncated to that box
 * ({@link BoxConditional}: exact for one conditioned score, Gibbs sampling for several; no
 * rejection) and the others from their Gaussian conditional given them.
 *
 * <p>A numeric column with nulls gets a second latent variable, its "is null" indicator (nulls
 * below the column's null share), so missingness can depend on the other columns; the value's own
 * score is missing in those rows and correlations are estimated pairwise-complete.
 *
 * @implNote Normal scores of tied values (point masses, categories, the null indicator) take a
 *     position inside their interval chosen by a hash of the row's cells (a randomized
 *     probability integral transform that does not depend on how the rows are partitioned), so
 *     each score is exactly standard normal. That attenuates correlations: the jittered score
 *     of a tied variable correlates with another one as its block mean {@code s(W)} does, so the
 *     observed correlation is {@code sum_n rho^n h_n^a h_n^b} in the latent correlation
 *     {@code rho} (Mehler's expansion, {@code h_n} the normalized Hermite coefficients of each
 *     variable's block means), which is solved for {@code rho}: the polychoric and polyserial
 *     correlations (Olsson 1979; Olsson, Drasgow and Dorans 1982) computed from moments that one
 *     distributed pass sums. Numeric marginals are empirical with linear interpolation between
 *     sample points, not parametric as in SDV.
 */
public final class GaussianCopula implements CategoricalColumns, Serializable {
  private static final long serialVersionUID = 1L;
  private final List<String> names;
  private final EmpiricalMarginal[] numeric;
  private final OneHotCategoryEncoder[] categorical;
  private final double[][] cumulative;
  private final int[] categoricalColumns;
  /** Per column: the index of its "is null" latent variable, or -1 (no nulls, or only nulls). */
  private final int[] nullLatent;
  private final int latentDim;
  private final double[][] correlation;
  private transient double[][] cholesky;
  private transient BoxConditional[] categoryConditionals;

  private GaussianCopula(EmpiricalMarginal[] numeric, OneHotCategoryEncoder[] categorical,
      double[][] correlation) {
    int d = numeric.length;
    this.numeric = numeric;
    this.categorical = categorical;
    this.correlation = correlation;
    List<String> n = new ArrayList<>();
    List<Integer> cats = new ArrayList<>();
    this.cumulative = new double[d][];
    for (int i = 0; i < d; i++) {
      n.add(numeric[i] != null ? numeric[i].name() : categorical[i].name());
      if (categorical[i] != null) {
        cats.add(i);
        long[] counts = categorical[i].counts();
        double total = 0;
        for (long c : counts) {
          total += c;
        }
        double[] cum = new double[counts.length];
        double run = 0;
        for (int k = 0; k < counts.length; k++) {
          run += counts[k];
          cum[k] = run / total;
        }
        cum[counts.length - 1] = 1;
        cumulative[i] = cum;
      }
    }
    this.names = Collections.unmodifiableList(n);
    this.categoricalColumns = cats.stream().mapToInt(Integer::intValue).toArray();
    this.nullLatent = new int[d];
    int latent = d;
    for (int i = 0; i < d; i++) {
      nullLatent[i] = numeric[i] != null && numeric[i].partlyNull() ? latent++ : -1;
    }
    this.latentDim = latent;
    if (correlation.length != latentDim) {
      throw new InvalidInputException("model bundle copula has " + latentDim + " latent "
          + "variables but a " + correlation.length + "-row correlation matrix");
    }
  }

  /** Number of latent normal variables: one per column plus one per partly-null numeric one. */
  public int latentDim() {
    return latentDim;
  }

  /**
   * Fits the marginals from the column profiles; the correlation starts as the identity until
   * {@link #withCorrelation} is given the co-moments of the training rows' {@link #normalScores}.
   */
  public static GaussianCopula fitMarginals(List<ColumnProfile> profiles, int maxPoints) {
    int d = profiles.size();
    if (d == 0) {
      throw new InvalidInputException("the table has no columns to model");
    }
    EmpiricalMarginal[] num = new EmpiricalMarginal[d];
    OneHotCategoryEncoder[] cat = new OneHotCategoryEncoder[d];
    for (int i = 0; i < d; i++) {
      ColumnProfile p = profiles.get(i);
      if (p.categorical()) {
        cat[i] = OneHotCategoryEncoder.fit(p);
      } else {
        num[i] = EmpiricalMarginal.fit(p, maxPoints);
      }
    }
    int latent = d;
    for (int i = 0; i < d; i++) {
      latent += num[i] != null && num[i].partlyNull() ? 1 : 0;
    }
    double[][] identity = new double[latent][latent];
    for (int i = 0; i < latent; i++) {
      identity[i][i] = 1;
    }
    return new GaussianCopula(num, cat, identity);
  }

  /**
   * This copula with the latent correlation estimated from {@code m}, the co-moments of the
   * training rows' {@link #normalScores}: each pairwise correlation mapped back through both
   * variables' tie structure ({@link LatentCorrelation#latentCorrelation}), undefined ones (a
   * constant column) set to 0, and the matrix made the nearest valid correlation matrix
   * (negative eigenvalues clipped, unit diagonal restored).
   */
  public GaussianCopula withCorrelation(CoMoments m) {
    if (m.columns() != latentDim) {
      throw new IllegalArgumentException("co-moments of " + m.columns() + " variables, not "
          + latentDim);
    }
    double[][] observed = new double[latentDim][latentDim];
    for (int i = 0; i < latentDim; i++) {
      for (int j = 0; j < latentDim; j++) {
        observed[i][j] = i == j ? 1 : m.correlation(i, j);
      }
    }
    return withObservedCorrelation(observed);
  }

  /**
   * This copula with the latent correlation estimated from {@code observed}, the correlations
   * of the training rows' {@link #normalScores} (NaN where undefined), however they were
   * estimated (exactly by {@link #withCorrelation}, or with noise under differential privacy):
   * mapped back through both variables' tie structure, undefined ones set to 0, and projected to
   * the nearest valid correlation matrix.
   */
  public GaussianCopula withObservedCorrelation(double[][] observed) {
    if (observed.length != latentDim) {
      throw new IllegalArgumentException("correlations of " + observed.length
          + " variables, not " + latentDim);
    }
    double[][] h = hermiteCoefficients();
    double[][] r = new double[latentDim][latentDim];
    for (int i = 0; i < latentDim; i++) {
      r[i][i] = 1;
      for (int j = 0; j < i; j++) {
        double c = observed[i][j];
        r[i][j] = Double.isFinite(c) ? LatentCorrelation.latentCorrelation(c, h[i], h[j]) : 0;
        r[j][i] = r[i][j];
      }
    }
    return new GaussianCopula(numeric, categorical, LatentCorrelation.nearestCorrelation(r));
  }

  /** Per latent variable, the normalized Hermite coefficients of its tie blocks' scores. */
  private double[][] hermiteCoefficients() {
    double[][] h = new double[latentDim][];
    for (int i = 0; i < names.size(); i++) {
      if (numeric[i] != null) {
        h[i] = LatentCorrelation.hermite(numeric[i].allNull() ? new double[] {1}
            : numeric[i].blockShares());
        if (nullLatent[i] >= 0) {
          double p = numeric[i].nullShare();
          h[nullLatent[i]] = LatentCorrelation.hermite(new double[] {p, 1 - p});
        }
      } else {
        double[] shares = new double[cumulative[i].length];
        for (int k = 0; k < shares.length; k++) {
          shares[k] = cumulative[i][k] - (k == 0 ? 0 : cumulative[i][k - 1]);
        }
        h[i] = LatentCorrelation.hermite(shares);
      }
    }
    return h;
  }

  /** The correlation matrix of the normal scores (a copy). */
  public double[][] correlation() {
    double[][] c = new double[correlation.length][];
    for (int i = 0; i < c.length; i++) {
      c[i] = correlation[i].clone();
    }
    return c;
  }

  @Override
  public List<String> columnNames() {
    return names;
  }

  @Override
  public int[] categoricalColumns() {
    return categoricalColumns.clone();
  }

  @Override
  public OneHotCategoryEncoder categoriesOf(int column) {
    return categorical[column];
  }

  /** The storage type of each column, in table order. */
  public List<ValueType> valueTypes() {
    List<ValueType> t = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      t.add(numeric[i] != null ? numeric[i].valueType() : categorical[i].valueType());
    }
    return t;
  }

  /**
   * The latent normal scores of one row (Double for numeric cells, String for categorical ones,
   * null for nulls): one per column, NaN for a null numeric value, then the "is null" indicators.
   * The positions inside tied intervals come from {@code seed} and the row's cells.
   */
  public double[] normalScores(Object[] cells, long seed) {
    long h = seed;
    for (Object c : cells) {
      h = h * 0x9E3779B97F4A7C15L + (c == null ? 0x5bd1e995 : c.hashCode());
    }
    SplittableRandom rng = new SplittableRandom(Seeds.derive(h, Seeds.TRANSFORM));
    double[] z = new double[latentDim];
    for (int i = 0; i < cells.length; i++) {
      double jitter = rng.nextDouble();
      if (numeric[i] != null) {
        Double v = (Double) cells[i];
        boolean isNull = v == null || v.isNaN();
        z[i] = isNull || numeric[i].allNull() ? Double.NaN
            : StandardNormal.quantile(numeric[i].uniformOf(v, jitter));
        if (nullLatent[i] >= 0) {
          double p = numeric[i].nullShare();
          double u = isNull ? p * jitter : p + (1 - p) * rng.nextDouble();
          z[nullLatent[i]] = StandardNormal.quantile(u);
        }
      } else {
        int k = categorical[i].indexOf((String) cells[i]);
        if (k < 0) {
          z[i] = Double.NaN; // a category the model does not keep (one below a privacy threshold)
          continue;
        }
        double lo = k == 0 ? 0 : cumulative[i][k - 1];
        double hi = cumulative[i][k];
        z[i] = StandardNormal.quantile(lo + jitter * (hi - lo));
      }
    }
    return z;
  }

  /** The marginal of each numeric column, by table column (null for categorical ones). */
  public EmpiricalMarginal[] marginals() {
    return numeric.clone();
  }

  /**
   * Samples one row per entry of {@code conditions}: a row with a {@link ConditionSet} cell
   * meets it exactly, its other columns following the conditional distribution given it;
   * suggested (conditional-vector) conditions are ignored, the copula reproducing category
   * frequencies by itself. Rows are a function of {@code seed} and the conditions only.
   */
  public List<Object[]> sample(GenerationPlan.Conditions conditions, long seed) {
    List<Object[]> rows = new ArrayList<>(conditions.size());
    rows(conditions, seed).forEachRemaining(rows::add);
    return rows;
  }

  /** The rows of {@link #sample}, drawn one at a time (for partitions of any size). */
  public Iterator<Object[]> rows(GenerationPlan.Conditions conditions, long seed) {
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, Seeds.SAMPLE));
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < conditions.size();
      }

      private final Boxes boxes = conditions.cellOf() == null ? null
          : new Boxes(conditions.conditionSet());
      private final double[][] chains = conditions.cellOf() == null ? null
          : new double[conditions.conditionSet().cells().size()][];

      @Override
      public Object[] next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int row = next++;
        if (boxes == null && conditions.enforced(row)) {
          return drawCategory(categoricalColumns[conditions.column()[row]],
              conditions.category()[row], rng);
        }
        if (boxes == null) {
          double[] eps = new double[latentDim];
          for (int i = 0; i < latentDim; i++) {
            eps[i] = rng.nextGaussian();
          }
          return decode(LatentCorrelation.multiply(cholesky(), eps), null, null);
        }
        int c = conditions.cellOf()[row];
        double[] lo = boxes.lo[c];
        double[] hi = boxes.hi[c];
        if (chains[c] == null) {
          chains[c] = boxes.conditional.start(lo, hi, rng);
        }
        return decode(boxes.conditional.draw(chains[c], lo, hi, rng),
            conditions.conditionSet(), conditions.cell(row));
      }
    };
  }

  /**
   * One row whose categorical column {@code column} (a table index) holds {@code category},
   * the other columns drawn from their conditional distribution given it (exactly: one boxed
   * latent variable).
   */
  private Object[] drawCategory(int column, int category, SplittableRandom rng) {
    if (categoryConditionals == null) {
      categoryConditionals = new BoxConditional[names.size()];
    }
    if (categoryConditionals[column] == null) {
      categoryConditionals[column] = new BoxConditional(correlation, new int[] {column});
    }
    double[] lo = {score(category == 0 ? 0 : cumulative[column][category - 1])};
    double[] hi = {score(cumulative[column][category])};
    Object[] row = decode(categoryConditionals[column].draw(new double[1], lo, hi, rng), null,
        null);
    row[column] = categorical[column].decode(category);
    return row;
  }

  /**
   * The latent box of every cell of a {@link ConditionSet}: the boxed latent variables (the same
   * for all cells) and each cell's bounds on them.
   */
  private final class Boxes {
    final BoxConditional conditional;
    final double[][] lo;
    final double[][] hi;

    Boxes(ConditionSet set) {
      List<Integer> vars = new ArrayList<>();
      List<double[]> shared = new ArrayList<>();
      for (ConditionSet.CategoryRequirement r : set.categorical()) {
        vars.add(r.column());
      }
      for (ConditionSet.NumericRequirement r : set.numeric()) {
        int i = r.column();
        EmpiricalMarginal m = numeric[i];
        if (nullLatent[i] >= 0) {
          double t = StandardNormal.quantile(m.nullShare());
          vars.add(nullLatent[i]);
          shared.add(r.nulls() == ConditionSet.Nulls.NULL
              ? new double[] {Double.NEGATIVE_INFINITY, t}
              : new double[] {t, Double.POSITIVE_INFINITY});
        }
        if (r.bounded() && !m.allNull()) {
          double half = m.integral() || m.valueType().isIntegral() ? 0.5 : 0;
          double uLo = r.low() == Double.NEGATIVE_INFINITY ? 0
              : m.uniformOf(Math.max(r.low() - half, m.min()), 0);
          double uHi = r.high() == Double.POSITIVE_INFINITY ? 1
              : m.uniformOf(Math.min(r.high() + half, m.max()), 1);
          vars.add(i);
          shared.add(new double[] {score(Math.min(uLo, uHi)), score(Math.max(uLo, uHi))});
        }
      }
      int[] boxed = vars.stream().mapToInt(Integer::intValue).toArray();
      int cat = set.categorical().size();
      int cells = set.cells().size();
      lo = new double[cells][boxed.length];
      hi = new double[cells][boxed.length];
      for (int c = 0; c < cells; c++) {
        for (int r = 0; r < cat; r++) {
          int column = set.categorical().get(r).column();
          int k = set.cells().get(c).categories()[r];
          lo[c][r] = score(k == 0 ? 0 : cumulative[column][k - 1]);
          hi[c][r] = score(cumulative[column][k]);
        }
        for (int a = 0; a < shared.size(); a++) {
          lo[c][cat + a] = shared.get(a)[0];
          hi[c][cat + a] = shared.get(a)[1];
        }
      }
      conditional = new BoxConditional(correlation, boxed);
    }
  }

  /** The normal score of {@code u}: infinite at 0 and 1. */
  private static double score(double u) {
    return u <= 0 ? Double.NEGATIVE_INFINITY : u >= 1 ? Double.POSITIVE_INFINITY
        : StandardNormal.quantile(u);
  }

  /**
   * The joint frequency, under this copula, of each cell of {@code set} (rows meeting the set's
   * numeric requirements too), estimated from {@code draws} unconditional latent draws of
   * {@code seed}: the weights by which a generate job apportions rows over the cells. All
   * zeros when no draw meets the set.
   */
  public double[] cellFrequencies(ConditionSet set, int draws, long seed) {
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, Seeds.SAMPLE, 0x63656c6cL));
    double[] eps = new double[latentDim];
    Iterator<Object[]> rows = new Iterator<>() {
      private int n;

      @Override
      public boolean hasNext() {
        return n < draws;
      }

      @Override
      public Object[] next() {
        n++;
        for (int i = 0; i < latentDim; i++) {
          eps[i] = rng.nextGaussian();
        }
        return decode(LatentCorrelation.multiply(cholesky(), eps), null, null);
      }
    };
    return set.cellFrequencies(() -> rows, this);
  }

  /**
   * The row of latent vector {@code z}; with a cell of {@code set}, the cell's categories are
   * written as they are and numeric values clamped into their ranges (where the interpolated
   * quantile grid would otherwise round a hair outside).
   */
  private Object[] decode(double[] z, ConditionSet set, ConditionSet.Cell cell) {
    int d = names.size();
    Object[] row = new Object[d];
    for (int i = 0; i < d; i++) {
      double u = StandardNormal.cdf(z[i]);
      if (numeric[i] != null) {
        boolean isNull = numeric[i].allNull() || (nullLatent[i] >= 0
            && StandardNormal.cdf(z[nullLatent[i]]) < numeric[i].nullShare());
        row[i] = isNull ? null : numeric[i].valueAt(u);
      } else {
        row[i] = categorical[i].decode(categoryAt(cumulative[i], u));
      }
    }
    if (cell != null) {
      for (int r = 0; r < set.categorical().size(); r++) {
        int column = set.categorical().get(r).column();
        row[column] = categorical[column].decode(cell.categories()[r]);
      }
      for (ConditionSet.NumericRequirement r : set.numeric()) {
        int i = r.column();
        if (r.nulls() == ConditionSet.Nulls.NULL) {
          row[i] = null;
          continue;
        }
        if (row[i] == null) { // only on the null threshold itself, by rounding
          row[i] = numeric[i].valueAt(StandardNormal.cdf(z[i]));
        }
        if (row[i] instanceof Number v && !r.admits(v)) {
          double c = Math.max(r.low(), Math.min(r.high(), v.doubleValue()));
          row[i] = numeric[i].valueType().fromDouble(c);
        }
      }
    }
    return row;
  }

  private static int categoryAt(double[] cumulative, double u) {
    int k = 0;
    while (k < cumulative.length - 1 && u >= cumulative[k]) {
      k++;
    }
    return k;
  }

  private double[][] cholesky() {
    if (cholesky == null) {
      cholesky = LatentCorrelation.choleskyOf(correlation);
    }
    return cholesky;
  }


  /** The fitted copula as JSON (the model bundle's transformer section). */
  public JsonNode toJson() {
    ObjectNode o = ModelBundle.json().createObjectNode();
    o.put("kind", "gaussian-copula");
    ArrayNode cols = o.putArray("columns");
    for (int i = 0; i < names.size(); i++) {
      cols.add(numeric[i] != null ? numeric[i].toJson() : categorical[i].toJson());
    }
    ArrayNode r = o.putArray("correlation");
    for (double[] row : correlation) {
      ArrayNode a = r.addArray();
      for (double v : row) {
        a.add(v);
      }
    }
    return o;
  }

  /** Reads {@link #toJson}'s form; anything else is an error naming the bundle section. */
  public static GaussianCopula fromJson(JsonNode o) {
    if (!"gaussian-copula".equals(o.path("kind").asText())) {
      throw new InvalidInputException("model bundle transformer is '" + o.path("kind").asText()
          + "', not a gaussian-copula");
    }
    int d = o.path("columns").size();
    EmpiricalMarginal[] num = new EmpiricalMarginal[d];
    OneHotCategoryEncoder[] cat = new OneHotCategoryEncoder[d];
    for (int i = 0; i < d; i++) {
      JsonNode c = o.path("columns").get(i);
      if ("numeric".equals(c.path("kind").asText())) {
        num[i] = EmpiricalMarginal.fromJson(c);
      } else {
        cat[i] = OneHotCategoryEncoder.fromJson(c);
      }
    }
    JsonNode rows = o.path("correlation");
    int latent = rows.size();
    double[][] r = new double[latent][latent];
    for (int i = 0; i < latent; i++) {
      if (rows.get(i).size() != latent) {
        throw new InvalidInputException("model bundle copula's correlation matrix is not square");
      }
      for (int j = 0; j < latent; j++) {
        r[i][j] = rows.get(i).get(j).asDouble();
      }
    }
    return new GaussianCopula(num, cat, r);
  }
}
