package io.synthgen.tabular.gan;

import io.synthgen.model.nn.HostArrays;
import io.synthgen.model.nn.AdamOptimizer;
import io.synthgen.model.nn.CorrelationMatchingLoss;
import io.synthgen.model.nn.MlpClassifier;
import io.synthgen.model.nn.PacCritic;
import io.synthgen.model.nn.ResidualGenerator;
import io.synthgen.model.train.TrainingState;
import io.synthgen.tabular.EncodedTable;
import io.synthgen.tabular.Permutations;
import io.synthgen.tabular.condition.LabelPairs;
import io.synthgen.tabular.condition.TrainingByConditionSampler;
import io.synthgen.tabular.privacy.PoissonPacks;
import io.synthgen.tabular.transform.TableTransformer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The conditional tabular GAN (CTGAN; Xu et al., "Modeling Tabular Data using Conditional GAN",
 * NeurIPS 2019): a residual generator conditioned on a one-hot condition vector, tanh outputs for
 * mode-normalized scalars and Gumbel-softmax (Jang et al., ICLR 2017) outputs for one-hot spans, a
 * pac critic trained with WGAN-GP, and the conditional cross-entropy term that makes the
 * generator honour its condition; optionally a correlation-matching term on the generated values
 * ({@link CorrelationMatchingLoss} over a {@link ValueProjection}, key
 * {@code correlation-loss-weight}); optionally CTAB-GAN+'s auxiliary classifier loss on the label
 * (Zhao et al., 2024; key {@code classifier-loss-weight}): an {@link MlpClassifier} trained on
 * real rows predicts the label from the other columns, and its cross-entropy on generated rows
 * (against their own class) is added to the generator's loss.
 *
 * @implNote The auxiliary classifier trains on the generator step's conditions' real rows (with
 *     paired conditions, the rows the conditions came from), one Adam step per generator step with
 *     its own learning rate ({@code classifier-lr}) and the critic's betas and weight decay, and
 *     has no dropout (see
 *     {@link MlpClassifier}).
 */
public final class TabularGan {
  /** Metrics reported per step, in {@link TrainingState} order. */
  public static final String[] METRICS = {"g_loss", "d_loss", "gp", "cond_ce", "corr_loss",
      "aux_ce"};
  /**
   * Metrics reported per step under DP-SGD ({@link #trainStepPrivately}): only those computed
   * from generated rows and the (private) critic.
   */
  public static final String[] PRIVATE_METRICS = {"g_loss", "cond_ce"};
  /**
   * Parts of a step whose wall time {@link #phaseNanos} keeps (key
   * {@code telemetry.step-phases} reports them as {@code ms_PART} per step): drawing conditions
   * and real rows; the generator's forward pass with noise and activation, for the critic's steps
   * and for its own; the critic's forward and backward passes on real and generated packs; the
   * gradient penalty (its forward and double backward); the correlation loss; the auxiliary
   * classifier (its part of the generator's gradient and its own step); the generator's backward
   * pass; the two Adam updates.
   */
  public static final String[] PHASES = {"conditions", "gen_fwd", "critic_fwd", "critic_bwd",
      "gp", "corr", "aux", "gen_bwd", "critic_adam", "gen_adam"};
  private static final int CONDITIONS = 0;
  private static final int GEN_FWD = 1;
  private static final int CRITIC_FWD = 2;
  private static final int CRITIC_BWD = 3;
  private static final int GP = 4;
  private static final int CORR = 5;
  private static final int AUX = 6;
  private static final int GEN_BWD = 7;
  private static final int CRITIC_ADAM = 8;
  private static final int GEN_ADAM = 9;
  private final long[] phaseNanos = new long[PHASES.length];
  private final TableTransformer transformer;
  private final TabularGanConfig config;
  private final TabularGenerator generatorNet;
  private final ResidualGenerator generator;
  private final PacCritic critic;
  private final AdamOptimizer generatorAdam;
  private final AdamOptimizer criticAdam;
  private final int dataWidth;
  private final int condWidth;
  private final ValueProjection projection;
  private final OutputActivation activation;
  private final LabelPairs labelPairs;
  /** The label's span of the encoded row, or null without an auxiliary classifier. */
  private final TableTransformer.DiscreteColumn label;
  private final MlpClassifier classifier;
  private final AdamOptimizer classifierAdam;
  /** [1, dataWidth]: 1 except on the label's span (the classifier's input is the other columns). */
  private final INDArray labelMask;
  /** Per categorical column, the cumulative category counts of the transformer. */
  private final double[][] categoryCumulative;
  private long step;

  public TabularGan(TableTransformer transformer, TabularGanConfig config) {
    this(transformer, config, null, -1);
  }

  /**
   * A GAN whose training conditions pair each category with the label ({@link LabelPairs});
   * {@code labelPairs} null for CTGAN's single conditions. {@code label} is the label's index
   * among the discrete columns, or -1 when the table has no categorical label (then there is no
   * auxiliary classifier, whatever {@code classifier-loss-weight} says).
   */
  public TabularGan(TableTransformer transformer, TabularGanConfig config,
      LabelPairs labelPairs, int label) {
    this.transformer = transformer;
    this.config = config;
    this.labelPairs = labelPairs;
    this.dataWidth = transformer.width();
    this.condWidth = transformer.conditionWidth();
    this.projection = new ValueProjection(transformer);
    this.activation = new OutputActivation(transformer, config.gumbelTau);
    this.generatorNet = new TabularGenerator(transformer, config);
    this.generator = generatorNet.network();
    this.critic = new PacCritic(dataWidth + condWidth, config.pac, config.criticDims,
        config.criticDropout);
    this.generatorAdam = new AdamOptimizer(generator.parameters().size(), config.generatorLr,
        config.beta1, config.beta2, config.generatorDecay);
    this.criticAdam = new AdamOptimizer(critic.parameters().size(), config.criticLr, config.beta1,
        config.beta2, config.criticDecay);
    if (config.classifierWeight > 0 && label >= 0) {
      this.label = transformer.discreteColumns().get(label);
      this.classifier = new MlpClassifier(dataWidth, config.classifierDims, this.label.width());
      this.classifierAdam = new AdamOptimizer(classifier.parameters().size(), config.classifierLr,
          config.beta1, config.beta2, config.criticDecay);
      float[] mask = new float[dataWidth];
      java.util.Arrays.fill(mask, 1f);
      java.util.Arrays.fill(mask, this.label.dataOffset(),
          this.label.dataOffset() + this.label.width(), 0f);
      this.labelMask = HostArrays.matrix(mask, 1, dataWidth);
    } else {
      this.label = null;
      this.classifier = null;
      this.classifierAdam = null;
      this.labelMask = null;
    }
    List<TableTransformer.DiscreteColumn> discrete = transformer.discreteColumns();
    this.categoryCumulative = new double[discrete.size()][];
    for (int j = 0; j < discrete.size(); j++) {
      long[] counts = transformer.categoriesOf(discrete.get(j).column()).counts();
      double[] cum = new double[counts.length];
      double total = 0;
      for (int k = 0; k < counts.length; k++) {
        total += Math.max(counts[k], 0);
        cum[k] = total;
      }
      categoryCumulative[j] = cum;
    }
  }

  /** Fresh weights drawn from {@code seed}. */
  public void initialize(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    generator.initialize(rng);
    critic.initialize(rng);
    if (classifier != null) {
      classifier.initialize(rng);
    }
    step = 0;
  }

  public long step() {
    return step;
  }

  /** The full state, with the given metric sums. */
  public TrainingState exportState(double[] metricSums, long metricCount, long rows) {
    Map<String, float[]> t = new LinkedHashMap<>();
    t.put(TabularGanTensors.GENERATOR, generator.parameters().toFloatArray());
    t.put(TabularGanTensors.GENERATOR_BUFFERS, generator.buffers().toFloatArray());
    t.put(TabularGanTensors.CRITIC, critic.parameters().toFloatArray());
    t.put(TabularGanTensors.GENERATOR_ADAM_M, HostArrays.floats(generatorAdam.firstMoment()));
    t.put(TabularGanTensors.GENERATOR_ADAM_V, HostArrays.floats(generatorAdam.secondMoment()));
    t.put(TabularGanTensors.CRITIC_ADAM_M, HostArrays.floats(criticAdam.firstMoment()));
    t.put(TabularGanTensors.CRITIC_ADAM_V, HostArrays.floats(criticAdam.secondMoment()));
    if (classifier != null) {
      t.put(TabularGanTensors.CLASSIFIER, classifier.parameters().toFloatArray());
      t.put(TabularGanTensors.CLASSIFIER_ADAM_M, HostArrays.floats(classifierAdam.firstMoment()));
      t.put(TabularGanTensors.CLASSIFIER_ADAM_V, HostArrays.floats(classifierAdam.secondMoment()));
    }
    return new TrainingState(t, step, metricSums, metricCount, rows, 1);
  }

  /** Loads a state exported by {@link #exportState} (possibly averaged). */
  public void importState(TrainingState s) {
    generator.parameters().load(s.tensor(TabularGanTensors.GENERATOR));
    generator.buffers().load(s.tensor(TabularGanTensors.GENERATOR_BUFFERS));
    critic.parameters().load(s.tensor(TabularGanTensors.CRITIC));
    generatorAdam.load(s.tensor(TabularGanTensors.GENERATOR_ADAM_M),
        s.tensor(TabularGanTensors.GENERATOR_ADAM_V));
    criticAdam.load(s.tensor(TabularGanTensors.CRITIC_ADAM_M),
        s.tensor(TabularGanTensors.CRITIC_ADAM_V));
    if (classifier != null) {
      classifier.parameters().load(s.tensor(TabularGanTensors.CLASSIFIER));
      classifierAdam.load(s.tensor(TabularGanTensors.CLASSIFIER_ADAM_M),
          s.tensor(TabularGanTensors.CLASSIFIER_ADAM_V));
    }
    step = s.step();
  }

  /** Loads only what sampling needs (generator weights and batch-norm statistics). */
  public void importGenerator(float[] weights, float[] buffers) {
    generatorNet.load(weights, buffers);
  }

  /**
   * Conditions of one batch: per row the discrete column and category, or -1 for none; with
   * paired conditions also the real row each was taken from (else null).
   */
  record Conditions(int[] column, int[] category, INDArray vector, int[] rows) {}

  Conditions trainingConditions(EncodedTable data, TrainingByConditionSampler sampler,
      int batch, SplittableRandom rng) {
    int[] col = new int[batch];
    int[] cat = new int[batch];
    float[] vec = new float[batch * condWidth];
    int[] rows = labelPairs == null ? null : new int[batch];
    int[] partner = new int[2];
    List<TableTransformer.DiscreteColumn> discrete = transformer.discreteColumns();
    for (int b = 0; b < batch; b++) {
      if (discrete.isEmpty()) {
        col[b] = -1;
        continue;
      }
      int j = rng.nextInt(discrete.size());
      int c = sampler.sampleCategory(j, rng);
      col[b] = j;
      cat[b] = c;
      vec[b * condWidth + discrete.get(j).conditionOffset() + c] = 1f;
      if (rows != null) {
        rows[b] = sampler.sampleRow(j, c, rng);
        labelPairs.partner(j, data, rows[b], rng, partner);
        if (partner[0] >= 0) {
          vec[b * condWidth + discrete.get(partner[0]).conditionOffset() + partner[1]] = 1f;
        }
      }
    }
    INDArray v = condWidth == 0 ? null : HostArrays.matrix(vec, batch, condWidth);
    return new Conditions(col, cat, v, rows);
  }

  private INDArray generatorInput(INDArray cond, Random rng, int batch) {
    return generatorNet.input(cond, rng, batch);
  }

  private INDArray withCondition(INDArray data, INDArray cond) {
    return cond == null ? data : Nd4j.hstack(data, cond);
  }

  /**
   * One CTGAN step on local data: {@code criticSteps} critic updates (WGAN-GP) then one
   * generator update. Returns {g_loss, d_loss, gp, cond_ce}.
   */
  public double[] trainStep(EncodedTable data, TrainingByConditionSampler sampler, Random nd,
      SplittableRandom rng) {
    // Every temporary of a step lives in one workspace, released at once when the step ends,
    // instead of waiting for garbage collection of off-heap buffers.
    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(
        TabularGenerator.STEP_WORKSPACE,
        "tabular-gan-step")) {
      return trainStepInWorkspace(data, sampler, nd, rng);
    }
  }

  private double[] trainStepInWorkspace(EncodedTable data, TrainingByConditionSampler sampler,
      Random nd, SplittableRandom rng) {
    int batch = config.batchSize;
    step++;
    double dLoss = 0;
    double gp = 0;
    float[] realBuf = new float[batch * dataWidth];
    long t = System.nanoTime();
    for (int s = 0; s < config.criticSteps; s++) {
      Conditions c = trainingConditions(data, sampler, batch, rng);
      t = lap(CONDITIONS, t);
      INDArray fake = activation.activate(generator.forwardTrain(
          generatorInput(c.vector(), nd, batch), new ResidualGenerator.Pass()),
          activation.gumbel(nd, batch));
      t = lap(GEN_FWD, t);
      // Real rows matching a shuffled copy of the conditions (CTGAN's perm).
      int[] perm = Permutations.random(batch, rng);
      INDArray real = RealRows.realRows(data, sampler, c, perm, rng, realBuf, dataWidth);
      INDArray realCond = condWidth == 0 ? null : RealRows.permutedRows(c.vector(), perm);
      t = lap(CONDITIONS, t);
      INDArray fakePacked = critic.pack(withCondition(fake, c.vector()));
      INDArray realPacked = critic.pack(withCondition(real, realCond));
      long packs = fakePacked.rows();
      critic.parameters().zeroGradients();
      PacCritic.Pass[] fp = new PacCritic.Pass[1];
      PacCritic.Pass[] rp = new PacCritic.Pass[1];
      INDArray yFake = critic.forward(fakePacked, critic.drawMasks(packs, nd), fp);
      INDArray yReal = critic.forward(realPacked, critic.drawMasks(packs, nd), rp);
      dLoss += yFake.meanNumber().doubleValue() - yReal.meanNumber().doubleValue();
      t = lap(CRITIC_FWD, t);
      critic.backward(fp[0], Nd4j.valueArrayOf(new long[] {packs, 1}, 1.0 / packs,
          DataType.FLOAT), true, false);
      critic.backward(rp[0], Nd4j.valueArrayOf(new long[] {packs, 1}, -1.0 / packs,
          DataType.FLOAT), true, false);
      t = lap(CRITIC_BWD, t);
      INDArray alpha = Nd4j.rand(nd, packs, 1).castTo(DataType.FLOAT);
      INDArray interp = realPacked.mulColumnVector(alpha)
          .addi(fakePacked.mulColumnVector(alpha.rsub(1.0)));
      gp += critic.gradientPenalty(interp, critic.drawMasks(packs, nd), config.gpLambda);
      t = lap(GP, t);
      criticAdam.update(critic.parameters(), (step - 1) * config.criticSteps + s + 1);
      t = lap(CRITIC_ADAM, t);
    }
    // Generator step.
    Conditions c = trainingConditions(data, sampler, batch, rng);
    lap(CONDITIONS, t);
    double[] g = generatorStep(data, sampler, c, nd, rng, realBuf);
    return new double[] {g[0], dLoss / config.criticSteps, gp / config.criticSteps, g[1], g[2],
        g[3]};
  }

  /**
   * The generator's update for conditions {@code c}: returns {g_loss, cond_ce, corr_loss,
   * aux_ce}. It reads real rows only for the correlation loss and the auxiliary classifier.
   */
  private double[] generatorStep(EncodedTable data, TrainingByConditionSampler sampler,
      Conditions c, Random nd, SplittableRandom rng, float[] realBuf) {
    int batch = config.batchSize;
    long t = System.nanoTime();
    ResidualGenerator.Pass pass = new ResidualGenerator.Pass();
    INDArray logits = generator.forwardTrain(generatorInput(c.vector(), nd, batch), pass);
    INDArray act = activation.activate(logits, activation.gumbel(nd, batch));
    t = lap(GEN_FWD, t);
    INDArray packed = critic.pack(withCondition(act, c.vector()));
    long packs = packed.rows();
    PacCritic.Pass[] cp = new PacCritic.Pass[1];
    INDArray yFake = critic.forward(packed, critic.drawMasks(packs, nd), cp);
    t = lap(CRITIC_FWD, t);
    INDArray dPacked = critic.backward(cp[0], Nd4j.valueArrayOf(new long[] {packs, 1},
        -1.0 / packs, DataType.FLOAT), false, true);
    t = lap(CRITIC_BWD, t);
    INDArray dInput = dPacked.reshape('c', batch, dataWidth + condWidth);
    INDArray dAct = dInput.get(NDArrayIndex.all(), NDArrayIndex.interval(0, dataWidth));
    double corrLoss = 0;
    if (config.correlationWeight > 0 && projection.width() >= 2) {
      INDArray real = RealRows.realRows(data, sampler, c, Permutations.identity(batch), rng,
          realBuf, dataWidth);
      INDArray target = CorrelationMatchingLoss.correlation(projection.project(real));
      // straight-through: the loss sees the one-hot values sampling will draw, its gradient
      // flows to the soft outputs as if hardening were the identity
      INDArray seen = config.correlationStraightThrough ? activation.hardened(act) : act;
      CorrelationMatchingLoss.Result r = CorrelationMatchingLoss.evaluate(
          projection.project(seen), target, config.correlationWeight);
      dAct.addi(projection.backward(seen, r.gradient()));
      corrLoss = r.loss();
    }
    t = lap(CORR, t);
    double auxCe = 0;
    if (classifier != null) {
      auxCe = classifierStep(data, sampler, c, act, dAct, rng, realBuf);
    }
    t = lap(AUX, t);
    double[] ce = new double[1];
    INDArray dLogits = activation.activationBackward(logits, act, dAct, c.vector(), ce);
    generator.parameters().zeroGradients();
    generator.backward(dLogits, pass);
    t = lap(GEN_BWD, t);
    generatorAdam.update(generator.parameters(), step);
    lap(GEN_ADAM, t);
    double gLoss = -yFake.meanNumber().doubleValue() + ce[0] + corrLoss
        + config.classifierWeight * auxCe;
    return new double[] {gLoss, ce[0], corrLoss, auxCe};
  }

  /**
   * One step with DP-SGD on the critic ({@link PrivateSgd}; docs/privacy.md): per critic update
   * the real rows are a Poisson sample of the partition in {@code dp.slots()} packs ({@link
   * PoissonPacks}), each real row with its own condition (a uniformly chosen categorical column
   * and the row's category there), each pack short of {@code pac} real rows filled with
   * generated rows; the generated side's conditions are drawn from the transformer's (noisy)
   * category frequencies. Each slot's unit is its generated pack's score minus its real pack's
   * score plus the real pack's gradient penalty (a slot without real rows: the generated pack
   * alone); each unit's gradient is clipped ({@link PacCritic#clippedPackGradients}), Gaussian
   * noise is added to their sum, and the sum is divided by the slots. The
   * generator's update reads only the critic, so it is post-processing. Returns the metrics of
   * {@link #PRIVATE_METRICS}: the critic's losses are functions of the real rows and are not
   * released.
   */
  public double[] trainStepPrivately(EncodedTable data, PrivateSgd dp, Random nd,
      SplittableRandom rng) {
    if (labelPairs != null || classifier != null || config.correlationWeight > 0) {
      throw new IllegalStateException("DP-SGD trains without label pairs, the auxiliary "
          + "classifier and the correlation loss");
    }
    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(
        TabularGenerator.STEP_WORKSPACE, "tabular-gan-step")) {
      step++;
      int pac = config.pac;
      int slots = dp.slots();
      int batch = slots * pac;
      for (int s = 0; s < config.criticSteps; s++) {
        long t = System.nanoTime();
        Conditions c = frequencyConditions(batch, rng);
        t = lap(CONDITIONS, t);
        INDArray fake = activation.activate(generator.forwardTrain(
            generatorInput(c.vector(), nd, batch), new ResidualGenerator.Pass()),
            activation.gumbel(nd, batch));
        t = lap(GEN_FWD, t);
        INDArray fakeRows = withCondition(fake, c.vector());
        int[][] packs = PoissonPacks.draw(data.rows(), dp.samplingRate(), slots, pac, rng);
        float[] hasReal = new float[slots];
        for (int i = 0; i < slots; i++) {
          hasReal[i] = packs[i].length > 0 ? 1f : 0f;
        }
        INDArray fakePacked = critic.pack(fakeRows);
        INDArray realPacked = critic.pack(realWithFill(data, packs, fakeRows, rng));
        t = lap(CONDITIONS, t);
        INDArray alpha = Nd4j.rand(nd, slots, 1).castTo(DataType.FLOAT);
        INDArray interp = realPacked.mulColumnVector(alpha)
            .addi(fakePacked.mulColumnVector(alpha.rsub(1.0)));
        critic.parameters().zeroGradients();
        critic.clippedPackGradients(fakePacked, critic.drawMasks(slots, nd), realPacked,
            critic.drawMasks(slots, nd), interp, critic.drawMasks(slots, nd),
            HostArrays.matrix(hasReal, slots, 1), config.gpLambda, dp.clip());
        INDArray grads = critic.parameters().flatGradients();
        grads.addi(Nd4j.randn(nd, grads.shape()).castTo(DataType.FLOAT)
            .muli(dp.noiseMultiplier() * dp.clip()));
        grads.muli(1.0 / slots);
        t = lap(GP, t);
        criticAdam.update(critic.parameters(), (step - 1) * config.criticSteps + s + 1);
        lap(CRITIC_ADAM, t);
      }
      long t = System.nanoTime();
      Conditions c = frequencyConditions(config.batchSize, rng);
      lap(CONDITIONS, t);
      double[] g = generatorStep(data, null, c, nd, rng, null);
      return new double[] {g[0], g[1]};
    }
  }

  /**
   * {@code fakeRows} with each pack's first rows replaced by its real rows ({@code packs}, pack
   * {@code s} covering rows {@code s * pac} on), each with its own condition.
   */
  private INDArray realWithFill(EncodedTable data, int[][] packs, INDArray fakeRows,
      SplittableRandom rng) {
    float[] out = HostArrays.floats(fakeRows);
    int width = dataWidth + condWidth;
    List<TableTransformer.DiscreteColumn> discrete = transformer.discreteColumns();
    for (int s = 0; s < packs.length; s++) {
      for (int i = 0; i < packs[s].length; i++) {
        int row = packs[s][i];
        int at = (s * config.pac + i) * width;
        data.copyRow(row, out, at);
        java.util.Arrays.fill(out, at + dataWidth, at + width, 0f);
        if (!discrete.isEmpty()) {
          int j = rng.nextInt(discrete.size());
          out[at + dataWidth + discrete.get(j).conditionOffset() + data.category(j, row)] = 1f;
        }
      }
    }
    return HostArrays.matrix(out, (int) fakeRows.rows(), width);
  }

  /**
   * Conditions drawn without reading any row: a uniformly chosen categorical column and a
   * category by the transformer's category counts (noisy counts under differential privacy), the
   * distribution a Poisson-sampled real row's own condition follows.
   */
  Conditions frequencyConditions(int batch, SplittableRandom rng) {
    int[] col = new int[batch];
    int[] cat = new int[batch];
    float[] vec = new float[batch * condWidth];
    List<TableTransformer.DiscreteColumn> discrete = transformer.discreteColumns();
    for (int b = 0; b < batch; b++) {
      if (discrete.isEmpty()) {
        col[b] = -1;
        continue;
      }
      int j = rng.nextInt(discrete.size());
      int k = TrainingByConditionSampler.drawIndex(categoryCumulative[j], rng);
      col[b] = j;
      cat[b] = k;
      vec[b * condWidth + discrete.get(j).conditionOffset() + k] = 1f;
    }
    INDArray v = condWidth == 0 ? null : HostArrays.matrix(vec, batch, condWidth);
    return new Conditions(col, cat, v, null);
  }

  /**
   * The auxiliary classifier's part of a generator step: adds the weighted gradient of its
   * cross-entropy on the generated rows {@code act} (target: each row's class in its condition,
   * else the class it was generated with) to {@code dAct}, then trains the classifier one step on
   * real rows meeting the same conditions. Returns the cross-entropy on the generated rows.
   */
  private double classifierStep(EncodedTable data, TrainingByConditionSampler sampler,
      Conditions c, INDArray act, INDArray dAct, SplittableRandom rng, float[] realBuf) {
    int batch = (int) act.rows();
    MlpClassifier.Pass fake = classifier.forward(act.mulRowVector(labelMask));
    MlpClassifier.Loss fakeLoss = MlpClassifier.crossEntropy(fake, generatedClasses(act, c));
    INDArray dx = classifier.backward(fake,
        fakeLoss.gradient().muli(config.classifierWeight), false, true);
    dAct.addi(dx.muliRowVector(labelMask));
    INDArray real = RealRows.realRows(data, sampler, c, Permutations.identity(batch), rng,
        realBuf, dataWidth);
    classifier.parameters().zeroGradients();
    MlpClassifier.Pass pass = classifier.forward(real.mulRowVector(labelMask));
    classifier.backward(pass, MlpClassifier.crossEntropy(pass, argMaxOfLabel(real)).gradient(),
        true, false);
    classifierAdam.update(classifier.parameters(), step);
    return fakeLoss.value();
  }

  /** Per row, the class its condition names, else the largest entry of its label span. */
  private int[] generatedClasses(INDArray act, Conditions c) {
    int[] classes = argMaxOfLabel(act);
    if (c.vector() != null) {
      float[] cond = HostArrays.floats(c.vector());
      for (int b = 0; b < classes.length; b++) {
        int base = b * condWidth + label.conditionOffset();
        for (int k = 0; k < label.width(); k++) {
          if (cond[base + k] > 0) {
            classes[b] = k;
          }
        }
      }
    }
    return classes;
  }

  /** Per row of encoded rows, the index of the largest entry of the label's span. */
  private int[] argMaxOfLabel(INDArray rows) {
    float[] v = HostArrays.floats(rows);
    int n = (int) rows.rows();
    int[] out = new int[n];
    for (int b = 0; b < n; b++) {
      int base = b * dataWidth + label.dataOffset();
      int best = 0;
      for (int k = 1; k < label.width(); k++) {
        best = v[base + k] > v[base + best] ? k : best;
      }
      out[b] = best;
    }
    return out;
  }

  private long lap(int phase, long since) {
    long now = System.nanoTime();
    phaseNanos[phase] += now - since;
    return now;
  }

  /** Wall time spent in each of {@link #PHASES} by this instance's steps so far (a copy). */
  public long[] phaseNanos() {
    return phaseNanos.clone();
  }

  /** The straight-through hardening of activated rows (see {@link OutputActivation}). */
  INDArray hardened(INDArray act) {
    return activation.hardened(act);
  }

  public TableTransformer transformer() {
    return transformer;
  }
}
