package io.synthgen.tabular.gan;

import io.synthgen.model.nn.HostArrays;
import io.synthgen.model.Seeds;
import io.synthgen.tabular.condition.ConditionSet;
import io.synthgen.tabular.condition.GenerationPlan;
import io.synthgen.tabular.condition.LabelPairs;
import io.synthgen.tabular.correction.CategoryWeights;
import io.synthgen.tabular.correction.MarginalMatcher;
import io.synthgen.tabular.profile.EmpiricalMarginal;
import io.synthgen.tabular.transform.ColumnTransformer;
import io.synthgen.tabular.transform.ModeSpecificNormalizer;
import io.synthgen.tabular.transform.OneHotCategoryEncoder;
import io.synthgen.tabular.transform.TableTransformer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Generates rows from a trained generator in inference mode (batch-norm running statistics), one
 * condition per row. One-hot spans are sampled from the softmax of their logits (the distribution
 * of the argmax of CTGAN's Gumbel-softmax); numeric values are decoded by their column's {@link ModeSpecificNormalizer}.
 * A row conditioned on a category carries that category: the generator is conditioned on it, and
 * the value is then fixed, so "N rows of the rare class" is exact without any rejection loop
 * (so is the partner of a paired condition, see {@link LabelPairs}). With a {@link LabelFilter},
 * a row the filter rejects is drawn again with the same condition.
 *
 * <p>Rows of a plan with a {@link ConditionSet} meet all of it: categories beyond the
 * conditional vector's are set after the draw; a row whose numeric requirements (a range, a
 * missing or present value) its draw misses is drawn again, with the same condition, up to
 * {@link LabelFilter#MAX_DRAWS} draws; a row that misses in every draw keeps its last draw with
 * each missed value replaced: a missing value by null, a range by a value drawn from the
 * column's training distribution restricted to the range (uniform quantile between the range's
 * bounds), or, without that distribution, by the range's bound nearest zero. For each
 * requirement the stream counts the rows whose first draw met it.
 *
 * @implNote With output.batch-statistics, redrawn rows form a batch of their own, whose
 *     statistics are those of the rejected rows only.
 */
public final class TabularSampler {
  private static final int CHUNK = 8192;
  private final TableTransformer transformer;
  private final TabularGenerator generator;
  private MarginalMatcher matcher;
  private CategoryWeights categoryWeights;
  private LabelFilter filter;
  private EmpiricalMarginal[] trainingMarginals;
  private final int[] discreteIndex;
  private final boolean evenChunks;
  private final double modeTemperature;

  public TabularSampler(TableTransformer transformer, TabularGanConfig config, float[] weights,
      float[] buffers) {
    this.transformer = transformer;
    this.discreteIndex = new int[transformer.columns().size()];
    for (int i = 0; i < discreteIndex.length; i++) {
      discreteIndex[i] = transformer.categoricalIndex(i);
    }
    this.generator = new TabularGenerator(transformer, config);
    this.evenChunks = config.batchStatistics;
    this.modeTemperature = config.modeTemperature;
    generator.load(weights, buffers);
  }

  /** Maps the numeric columns of every row this sampler generates from now on (see there). */
  public TabularSampler matchingMarginals(MarginalMatcher m) {
    this.matcher = m;
    return this;
  }

  /**
   * Draws again every row {@code f} rejects, with the same condition, from now on (null: none).
   */
  public TabularSampler filteringLabels(LabelFilter f) {
    this.filter = f;
    return this;
  }

  /**
   * The training distribution of each numeric column (by table column; null entries, or a null
   * array, where unknown), from which a range requirement's fallback value is drawn.
   */
  public TabularSampler withTrainingMarginals(EmpiricalMarginal[] marginals) {
    this.trainingMarginals = marginals;
    return this;
  }

  /** Reweights every categorical output of the rows generated from now on (see there). */
  public TabularSampler weightingCategories(CategoryWeights w) {
    this.categoryWeights = w;
    return this;
  }

  /**
   * The softmax over each categorical column's categories (in discrete-column order) for every
   * row of {@code plan}, as the generator gives them before any reweighting: the pilot input of
   * {@link CategoryWeights#fit}. The rows' randomness is that of {@link #sample} with the seed.
   */
  public List<float[][]> categoryProbabilities(GenerationPlan.Conditions plan, long seed) {
    List<TableTransformer.DiscreteColumn> discrete = transformer.discreteColumns();
    List<float[][]> out = new ArrayList<>();
    for (TableTransformer.DiscreteColumn d : discrete) {
      out.add(new float[plan.size()][d.width()]);
    }
    Stream stream = stream(plan, seed);
    int width = transformer.width();
    double[] scratch = new double[width];
    while (stream.start < plan.size()) {
      int m = chunk(plan.size(), stream.start);
      float[] logits = stream.logits(range(stream.start, m));
      for (int b = 0; b < m; b++) {
        for (int j = 0; j < discrete.size(); j++) {
          int off = b * width + discrete.get(j).dataOffset();
          float[] p = out.get(j)[stream.start + b];
          double sum = expWeights(logits, off, p.length, null, scratch);
          for (int k = 0; k < p.length; k++) {
            p[k] = (float) (scratch[k] / sum);
          }
        }
      }
      stream.start += m;
    }
    return out;
  }

  /** Generated rows plus how often the generator honoured the condition before it was fixed. */
  public record Result(List<Object[]> rows, long conditioned, long honoured) {}

  /**
   * Generates one row per entry of {@code plan}, drawing all randomness from {@code seed}.
   * Conditions marked {@code enforced} set the conditioned value in the output.
   */
  public Result sample(GenerationPlan.Conditions plan, long seed) {
    Stream stream = stream(plan, seed);
    List<Object[]> rows = new ArrayList<>(plan.size());
    for (List<Object[]> chunk = stream.next(); chunk != null; chunk = stream.next()) {
      rows.addAll(chunk);
    }
    return new Result(rows, stream.conditioned, stream.honoured);
  }

  /** Generates the rows of {@code plan} lazily, chunk by chunk, with bounded memory. */
  public Stream stream(GenerationPlan.Conditions plan, long seed) {
    return new Stream(plan, seed);
  }

  /** A lazy generation of one plan; {@link #next()} returns null when all rows are out. */
  public final class Stream {
    private final GenerationPlan.Conditions plan;
    /** The generator's noise: standard normals drawn on the host, each into its place. */
    private final SplittableRandom noise;
    private final SplittableRandom rng;
    private int start;
    private long conditioned;
    private long honoured;
    private long redrawn;
    private long keptRejected;
    /** Requirement index of each table column, categorical then numeric ones; -1: none. */
    private final int[] requirementOf;
    private final long[] requirementHonoured;
    private long conditionGiveUps;

    private Stream(GenerationPlan.Conditions plan, long seed) {
      this.plan = plan;
      this.noise = new SplittableRandom(Seeds.derive(seed, 1));
      this.rng = new SplittableRandom(Seeds.derive(seed, 2));
      ConditionSet set = plan.conditionSet();
      this.requirementOf = new int[transformer.columns().size()];
      java.util.Arrays.fill(requirementOf, -1);
      int n = 0;
      if (set != null) {
        for (ConditionSet.CategoryRequirement r : set.categorical()) {
          requirementOf[r.column()] = n++;
        }
        for (ConditionSet.NumericRequirement r : set.numeric()) {
          requirementOf[r.column()] = n++;
        }
      }
      this.requirementHonoured = new long[n];
    }

    /**
     * Per requirement of the plan's {@link ConditionSet} (categorical ones, then numeric ones,
     * each in table order): the rows whose first draw met it (before any redraw or any value
     * was set): how well the generator follows the condition by itself.
     */
    public long[] requirementHonoured() {
      return requirementHonoured.clone();
    }

    /** Rows that missed a numeric requirement in every draw (their values were replaced). */
    public long conditionGiveUps() {
      return conditionGiveUps;
    }

    public long conditioned() {
      return conditioned;
    }

    public long honoured() {
      return honoured;
    }

    /** Draws the label filter rejected and replaced. */
    public long redrawn() {
      return redrawn;
    }

    /**
     * Rows the label filter rejected in all {@link LabelFilter#MAX_DRAWS} draws (each kept as its
     * best-scoring draw): the give-up count.
     */
    public long keptRejected() {
      return keptRejected;
    }

    /**
     * Generator logits for the plan's rows {@code rows}, in a workspace released at once. The
     * input {@code [z, cond]} is composed on the host in one array: noise and condition vector
     * side by side, with no concatenation on the device.
     */
    private float[] logits(int[] rows) {
      int m = rows.length;
      int condWidth = transformer.conditionWidth();
      int zWidth = generator.embeddingDim();
      int inWidth = zWidth + condWidth;
      float[] in = new float[m * inWidth];
      for (int b = 0; b < m; b++) {
        int base = b * inWidth;
        for (int k = 0; k < zWidth; k++) {
          in[base + k] = (float) noise.nextGaussian();
        }
        if (condWidth == 0) {
          continue;
        }
        int c = base + zWidth;
        int j = plan.column()[rows[b]];
        if (j >= 0) {
          in[c + transformer.discreteColumns().get(j).conditionOffset()
              + plan.category()[rows[b]]] = 1f;
        }
        int partner = plan.partnerColumn(rows[b]);
        if (partner >= 0) {
          in[c + transformer.discreteColumns().get(partner).conditionOffset()
              + plan.pairedCategory()[rows[b]]] = 1f;
        }
      }
      try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(
          TabularGenerator.STEP_WORKSPACE, "tabular-gan-sample")) {
        return HostArrays.floats(generator.inferenceLogits(HostArrays.matrix(in, m, inWidth)));
      }
    }

    /** The next chunk of rows, or null at the end. */
    public List<Object[]> next() {
      int n = plan.size();
      if (start >= n) {
        return null;
      }
      int m = chunk(n, start);
      int[] planRows = range(start, m);
      Drawn d = draw(planRows);
      if (d.met != null) {
        for (int b = 0; b < m; b++) {
          for (int r = 0; r < requirementHonoured.length; r++) {
            requirementHonoured[r] += d.met[b][r] ? 1 : 0;
          }
        }
      }
      if (filter != null || d.met != null) {
        redrawRejected(d, planRows);
      }
      List<Object[]> rows = new ArrayList<>(m);
      for (int b = 0; b < m; b++) {
        conditioned += d.state[b] > 0 ? 1 : 0;
        honoured += d.state[b] == 2 ? 1 : 0;
        if (d.met != null) {
          if (!d.meets[b]) {
            conditionGiveUps++;
            meetNumericRequirements(d.rows[b]);
          }
        }
        rows.add(d.rows[b]);
      }
      start += m;
      return rows;
    }

    /**
     * Draws again, with the same conditions, every row of {@code d} that misses a numeric
     * requirement or that the filter rejects, until a draw passes or the row has had
     * {@link LabelFilter#MAX_DRAWS} draws; a row none of whose draws passes keeps its best draw
     * (one meeting the requirements first, then the filter's highest score).
     */
    private void redrawRejected(Drawn d, int[] planRows) {
      int m = planRows.length;
      float[] score = scores(d, m);
      for (int draws = 1; draws < LabelFilter.MAX_DRAWS; draws++) {
        int[] pending = rejected(d, score);
        if (pending.length == 0) {
          break;
        }
        int[] again = new int[pending.length];
        for (int i = 0; i < pending.length; i++) {
          again[i] = planRows[pending[i]];
        }
        redrawn += pending.length;
        Drawn r = draw(again);
        float[] s = scores(r, again.length);
        for (int i = 0; i < pending.length; i++) {
          int b = pending[i];
          boolean meets = r.meets == null || r.meets[i];
          boolean met = d.meets == null || d.meets[b];
          if ((meets && !met) || (meets == met && s[i] > score[b])) {
            d.rows[b] = r.rows[i];
            d.state[b] = r.state[i];
            score[b] = s[i];
            if (d.met != null) {
              d.met[b] = r.met[i];
              d.meets[b] = r.meets[i];
            }
          }
        }
      }
      if (filter != null) {
        for (int b = 0; b < m; b++) {
          keptRejected += (d.meets == null || d.meets[b]) && !filter.accepts(score[b]) ? 1 : 0;
        }
      }
    }

    /**
     * The label filter's score of each of the {@code m} rows of {@code d} (0 without a filter).
     * Rows that miss a numeric requirement are not scored (negative infinity: a redraw replaces
     * them anyway), so a rare range does not pay for the classifier on every draw it rejects.
     */
    private float[] scores(Drawn d, int m) {
      if (filter == null) {
        return new float[m];
      }
      int n = 0;
      for (int b = 0; b < m; b++) {
        n += d.meets == null || d.meets[b] ? 1 : 0;
      }
      if (n == m) {
        return filter.scores(d.codes, m, d.labelClass);
      }
      float[] score = new float[m];
      java.util.Arrays.fill(score, Float.NEGATIVE_INFINITY);
      if (n == 0) {
        return score;
      }
      int width = transformer.width();
      float[] codes = new float[n * width];
      int[] classes = new int[n];
      int[] at = new int[n];
      for (int b = 0, i = 0; b < m; b++) {
        if (d.meets[b]) {
          System.arraycopy(d.codes, b * width, codes, i * width, width);
          classes[i] = d.labelClass[b];
          at[i++] = b;
        }
      }
      float[] s = filter.scores(codes, n, classes);
      for (int i = 0; i < n; i++) {
        score[at[i]] = s[i];
      }
      return score;
    }

    /** Rows of {@code d} a redraw may improve: missing a requirement, or rejected. */
    private int[] rejected(Drawn d, float[] score) {
      int n = 0;
      int[] r = new int[score.length];
      for (int b = 0; b < score.length; b++) {
        if ((d.meets != null && !d.meets[b]) || (filter != null && !filter.accepts(score[b]))) {
          r[n++] = b;
        }
      }
      return java.util.Arrays.copyOf(r, n);
    }

    /** Replaces each value of {@code row} a numeric requirement rejects (see the class). */
    private void meetNumericRequirements(Object[] row) {
      for (ConditionSet.NumericRequirement r : plan.conditionSet().numeric()) {
        int col = r.column();
        if (r.admits(row[col])) {
          continue;
        }
        if (r.nulls() == ConditionSet.Nulls.NULL) {
          row[col] = null;
          continue;
        }
        EmpiricalMarginal m = trainingMarginals == null || col >= trainingMarginals.length
            ? null : trainingMarginals[col];
        double v;
        if (m != null && !m.allNull()) {
          double uLo = m.uniformOf(Math.max(r.low(), m.min()), 0);
          double uHi = m.uniformOf(Math.min(r.high(), m.max()), 1);
          Object drawn = m.valueAt(uLo + rng.nextDouble() * Math.max(0, uHi - uLo));
          v = drawn == null ? 0 : ((Number) drawn).doubleValue();
        } else {
          v = 0;
        }
        v = Math.max(r.low(), Math.min(r.high(), v));
        row[col] = transformer.columns().get(col).valueType().fromDouble(v);
      }
    }

    /** Decodes one draw of the generator for each of {@code planRows}. */
    private Drawn draw(int[] planRows) {
      int m = planRows.length;
      List<TableTransformer.DiscreteColumn> discrete = transformer.discreteColumns();
      List<ColumnTransformer> columns = transformer.columns();
      int width = transformer.width();
      float[] logits = logits(planRows);
      int requirements = requirementHonoured.length;
      Drawn d = new Drawn(m, filter == null ? 0 : width, plan.cellOf() == null ? -1 : requirements);
      double[] scratch = new double[width];
      ConditionSet set = plan.conditionSet();
      for (int b = 0; b < m; b++) {
        int row = planRows[b];
        int base = b * width;
        ConditionSet.Cell cell = plan.cell(row);
        int condColumn = plan.column()[row];
        int condTable = condColumn >= 0 ? discrete.get(condColumn).column() : -1;
        int partner = plan.partnerColumn(row);
        int partnerTable = partner >= 0 && plan.enforced(row)
            ? discrete.get(partner).column() : -1;
        Object[] out = new Object[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
          int off = base + transformer.dataOffset(i);
          ColumnTransformer c = columns.get(i);
          if (c instanceof ModeSpecificNormalizer num) {
            double scalar = Math.tanh(logits[off]);
            int mode = sampleMode(logits, off + 1, num.modeCount(), modeTemperature, rng,
                scratch);
            out[i] = num.decode(scalar, mode);
            if (d.codes != null) {
              d.codes[off] = (float) scalar;
              d.codes[off + 1 + mode] = 1f;
            }
          } else {
            OneHotCategoryEncoder cat = (OneHotCategoryEncoder) c;
            int k = sampleCategorical(logits, off, cat.width(),
                categoryWeights == null ? null : categoryWeights.of(discreteIndex[i]), rng, scratch);
            int generated = k;
            if (i == condTable && plan.enforced(row)) {
              int target = plan.category()[row];
              d.state[b] = (byte) (k == target ? 2 : 1);
              k = target;
            } else if (i == partnerTable) {
              k = plan.pairedCategory()[row];
            }
            int r = cell == null ? -1 : requirementOf[i];
            if (r >= 0) {
              k = cell.categories()[r];
              d.met[b][r] = generated == k;
            }
            out[i] = cat.decode(k);
            if (d.codes != null) {
              d.codes[off + k] = 1f;
              if (i == filter.labelColumn()) {
                d.labelClass[b] = k;
              }
            }
          }
        }
        if (matcher != null) {
          matcher.apply(out, rng);
        }
        if (cell != null) {
          boolean all = true;
          for (ConditionSet.NumericRequirement r : set.numeric()) {
            boolean ok = r.admits(out[r.column()]);
            d.met[b][requirementOf[r.column()]] = ok;
            all &= ok;
          }
          d.meets[b] = all;
        }
        d.rows[b] = out;
      }
      return d;
    }
  }

  /**
   * One draw of some plan rows: the decoded rows, whether each was conditioned (1) and honoured
   * its condition (2), and with a label filter their encoding and label class.
   */
  private static final class Drawn {
    final Object[][] rows;
    final byte[] state;
    final float[] codes;
    final int[] labelClass;
    /** Per row and requirement, whether the draw met it before anything was set; or null. */
    final boolean[][] met;
    /** Per row, whether it meets every numeric requirement; null without conditions. */
    final boolean[] meets;

    Drawn(int m, int width, int requirements) {
      rows = new Object[m][];
      state = new byte[m];
      codes = width == 0 ? null : new float[m * width];
      labelClass = new int[m];
      met = requirements < 0 ? null : new boolean[m][requirements];
      meets = requirements < 0 ? null : new boolean[m];
    }
  }

  private static int[] range(int start, int m) {
    int[] r = new int[m];
    for (int b = 0; b < m; b++) {
      r[b] = start + b;
    }
    return r;
  }

  /**
   * Rows of the chunk starting at {@code start} of {@code n}: at most {@code CHUNK}; with batch
   * statistics, chunks of equal size (none left tiny, whose statistics would be noise).
   */
  private int chunk(int n, int start) {
    if (!evenChunks) {
      return Math.min(CHUNK, n - start);
    }
    int chunks = (n + CHUNK - 1) / CHUNK;
    int size = (n + chunks - 1) / chunks;
    return Math.min(size, n - start);
  }

  /**
   * Writes {@code exp(logit_k - max) * weights_k} (weights 1 when null) of one span into
   * {@code scratch} and returns their sum: the softmax, unnormalized.
   */
  private static double expWeights(float[] logits, int offset, int width, double[] weights,
      double[] scratch) {
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < width; k++) {
      max = Math.max(max, logits[offset + k]);
    }
    double sum = 0;
    for (int k = 0; k < width; k++) {
      scratch[k] = Math.exp(logits[offset + k] - max) * (weights == null ? 1 : weights[k]);
      sum += scratch[k];
    }
    return sum;
  }

  /**
   * A numeric value's mode from the softmax of its logits at {@code temperature}: 1 samples the
   * softmax ({@link #sampleCategorical}), 0 takes the largest logit (no randomness used), others
   * sample softmax(logits / temperature).
   */
  static int sampleMode(float[] logits, int offset, int width, double temperature,
      SplittableRandom rng, double[] scratch) {
    if (temperature == 1 || width == 1) {
      return sampleCategorical(logits, offset, width, null, rng, scratch);
    }
    int best = 0;
    for (int k = 1; k < width; k++) {
      best = logits[offset + k] > logits[offset + best] ? k : best;
    }
    if (temperature == 0) {
      return best;
    }
    double max = logits[offset + best];
    double sum = 0;
    for (int k = 0; k < width; k++) {
      scratch[k] = Math.exp((logits[offset + k] - max) / temperature);
      sum += scratch[k];
    }
    return inverseCdf(scratch, width, rng.nextDouble() * sum);
  }

  /**
   * Draws index k with probability softmax(logits[offset..offset+width))_k, times
   * {@code weights[k]} when weights are given, by inverse CDF: the distribution of the argmax of
   * CTGAN's Gumbel-softmax sample, with one uniform per span.
   */
  static int sampleCategorical(float[] logits, int offset, int width, double[] weights,
      SplittableRandom rng, double[] scratch) {
    if (width == 1) {
      return 0;
    }
    return inverseCdf(scratch, width,
        rng.nextDouble() * expWeights(logits, offset, width, weights, scratch));
  }

  /**
   * The index k where {@code u} (uniform on [0, sum of the first {@code width} weights)) falls
   * among the cumulative {@code weights}.
   */
  private static int inverseCdf(double[] weights, int width, double u) {
    for (int k = 0; k < width - 1; k++) {
      u -= weights[k];
      if (u < 0) {
        return k;
      }
    }
    return width - 1;
  }


}
