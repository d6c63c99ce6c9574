package io.synthgen.tabular.gan;

import io.synthgen.model.nn.ResidualGenerator;
import io.synthgen.tabular.transform.TableTransformer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The generator of a tabular GAN on its own: the residual network of CTGAN (Xu et al., NeurIPS
 * 2019) fed {@code [z, condition]} with {@code z ~ N(0, I)} of {@code embedding-dim} columns.
 * {@link TabularGan} trains it; {@link TabularSampler} samples from it without building the
 * critic, the classifier or any optimizer.
 */
final class TabularGenerator {
  /**
   * The ND4J workspace of one training step or one sampled chunk: its arrays are released at
   * once when it closes (sized on the first loop, then reused).
   */
  static final WorkspaceConfiguration STEP_WORKSPACE = WorkspaceConfiguration.builder()
      .policyAllocation(AllocationPolicy.STRICT).policyLearning(LearningPolicy.FIRST_LOOP)
      .build();
  private final ResidualGenerator network;
  private final int embeddingDim;
  private final boolean batchStatistics;

  TabularGenerator(TableTransformer transformer, TabularGanConfig config) {
    this.embeddingDim = config.embeddingDim;
    this.batchStatistics = config.batchStatistics;
    this.network = new ResidualGenerator(config.embeddingDim + transformer.conditionWidth(),
        config.generatorDims, transformer.width());
  }

  ResidualGenerator network() {
    return network;
  }

  /** Loads the trained weights and batch-norm running statistics. */
  void load(float[] weights, float[] buffers) {
    network.parameters().load(weights);
    network.buffers().load(buffers);
  }

  /** {@code [z, cond]} for {@code batch} rows, {@code z} drawn from {@code rng}. */
  INDArray input(INDArray cond, Random rng, int batch) {
    INDArray z = Nd4j.randn(rng, batch, embeddingDim).castTo(DataType.FLOAT);
    return cond == null ? z : Nd4j.hstack(z, cond);
  }

  /**
   * Logits for inputs {@code [z, cond]} composed by the caller ({@link #embeddingDim} noise
   * columns, then the condition vector): batch norm with the running statistics, or with these
   * rows' own when {@code output.batch-statistics}.
   */
  INDArray inferenceLogits(INDArray input) {
    return batchStatistics ? network.forwardBatchStatistics(input)
        : network.forwardInference(input);
  }

  /** Width of the noise {@code z} at the front of the generator's input. */
  int embeddingDim() {
    return embeddingDim;
  }
}
