package io.synthgen.image;

import io.synthgen.model.Seeds;
import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import io.synthgen.model.train.LocalTrainer;
import io.synthgen.model.train.TrainingState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The digit classifier the image evaluation measures with: a small CNN (5x5 conv 32 - BN - ReLU -
 * 2x2 max pool, 5x5 conv 64 - BN - ReLU - max pool, dense 128 ReLU = the 128-d features,
 * dropout 0.4, softmax over 10 digits), the architecture of {@code shared/eval/image_eval.py}'s
 * reference classifier, trained data-parallel like the GANs (parameters and Adam state averaged),
 * with random shifts of up to {@code max-shift} pixels as augmentation. Its features give the
 * classifier-FID (a Fréchet distance, as in Heusel et al. 2017's FID, on a domain classifier's
 * features instead of Inception's) and its predictions the class histogram and label accuracy.
 *
 * @implNote The reference also rotates and scales training images and uses a one-cycle learning
 *     rate; this trainer shifts only and keeps Adam's rate fixed.
 */
public final class DigitClassifier implements LocalTrainer<DigitImages> {
  private static final long serialVersionUID = 1L;
  public static final String WEIGHTS = "classifier";
  public static final String UPDATER = "classifier.updater";
  public static final String[] METRICS = {"loss", "accuracy"};
  public static final int FEATURES = 128;
  /** Index of the dense feature layer's activation in {@link MultiLayerNetwork#feedForward}. */
  private static final int FEATURE_ACTIVATION = 9;
  static final float MEAN = 0.1307f;
  static final float STD = 0.3081f;

  public static final OptionSpec<Integer> BATCH_SIZE = OptionSpec.ofInt("batch-size", 128, 1,
      4096, "images per worker step (batch-scope=global: over all workers)");
  public static final OptionSpec<Double> LEARNING_RATE = OptionSpec.ofDouble("learning-rate",
      1e-3, 0, 1, "Adam learning rate (default 0.001)");
  public static final OptionSpec<Integer> MAX_SHIFT = OptionSpec.ofInt("max-shift", 2, 0, 8,
      "augmentation: random shift of each training image by up to this many pixels (default 2)");
  public static final List<OptionSpec<?>> SPECS = List.of(BATCH_SIZE, LEARNING_RATE, MAX_SHIFT);

  private final int batchSize;
  private final double learningRate;
  private final int maxShift;

  public DigitClassifier(int batchSize, double learningRate, int maxShift) {
    this.batchSize = batchSize;
    this.learningRate = learningRate;
    this.maxShift = maxShift;
  }

  public static DigitClassifier from(Options o) {
    return new DigitClassifier(o.get(BATCH_SIZE), o.get(LEARNING_RATE), o.get(MAX_SHIFT));
  }

  public int batchSize() {
    return batchSize;
  }

  /** A freshly initialized network (weights from {@code seed}). */
  public static MultiLayerNetwork network(long seed, double learningRate) {
    DcganNetworks.ensureHelpers();
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(seed).dataType(DataType.FLOAT).weightInit(WeightInit.RELU)
        .updater(new Adam(learningRate)).list()
        .layer(new ConvolutionLayer.Builder(5, 5).padding(2, 2)
            .convolutionMode(ConvolutionMode.Truncate).nOut(32).hasBias(false)
            .activation(Activation.IDENTITY).build())
        .layer(new BatchNormalization.Builder().build())
        .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
        .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
            .stride(2, 2).build())
        .layer(new ConvolutionLayer.Builder(5, 5).padding(2, 2)
            .convolutionMode(ConvolutionMode.Truncate).nOut(64).hasBias(false)
            .activation(Activation.IDENTITY).build())
        .layer(new BatchNormalization.Builder().build())
        .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
        .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
            .stride(2, 2).build())
        .layer(new DenseLayer.Builder().nOut(FEATURES).activation(Activation.RELU).build())
        .layer(new DropoutLayer.Builder(0.6).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
            .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build())
        .setInputType(InputType.convolutional(DigitImages.SIDE, DigitImages.SIDE, 1))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  @Override
  public java.util.Set<String> parameterTensors() {
    return java.util.Set.of(WEIGHTS);
  }

  @Override
  public String[] metricNames() {
    return METRICS.clone();
  }

  public TrainingState initialState(long seed) {
    MultiLayerNetwork net = network(Seeds.derive(seed, Seeds.INIT), learningRate);
    return TrainingState.of(tensorsOf(net), 0);
  }

  private static Map<String, float[]> tensorsOf(MultiLayerNetwork net) {
    Map<String, float[]> t = new LinkedHashMap<>();
    t.put(WEIGHTS, net.params().toFloatVector());
    t.put(UPDATER, net.getUpdater().getStateViewArray().toFloatVector());
    return t;
  }

  @Override
  public TrainingState train(TrainingState start, DigitImages part, int steps, long seed) {
    if (!part.labelled()) {
      throw new io.synthgen.model.InvalidInputException("the digit classifier trains on "
          + "labelled images: give labels (IDX labels file, PNG sub-folders 0..9 or a label "
          + "column)");
    }
    MultiLayerNetwork net = network(0, learningRate);
    DcganTrainer.load(net, start.tensor(WEIGHTS), start.tensor(UPDATER));
    net.getLayerWiseConfigurations().setIterationCount((int) start.step());
    Random rng = new Random(seed);
    double loss = 0;
    double acc = 0;
    for (int s = 0; s < steps; s++) {
      int[] idx = new int[batchSize];
      for (int i = 0; i < batchSize; i++) {
        idx[i] = rng.nextInt(part.count());
      }
      INDArray x = input(part, idx, maxShift, rng);
      INDArray y = Nd4j.zeros(DataType.FLOAT, batchSize, 10);
      for (int i = 0; i < batchSize; i++) {
        y.putScalar(i, part.labels()[idx[i]], 1f);
      }
      INDArray before = net.output(x, false);
      INDArray predicted = before.argMax(1);
      int right = 0;
      for (int i = 0; i < batchSize; i++) {
        right += predicted.getInt(i) == part.labels()[idx[i]] ? 1 : 0;
      }
      acc += right / (double) batchSize;
      net.fit(new DataSet(x, y));
      loss += net.score();
    }
    return new TrainingState(tensorsOf(net), start.step() + steps,
        new double[] {loss, acc}, steps, (long) steps * batchSize, 1);
  }

  /** Normalized network input of the given images, each shifted by up to {@code shift} pixels. */
  static INDArray input(DigitImages data, int[] idx, int shift, Random rng) {
    int n = idx.length;
    int side = DigitImages.SIDE;
    float[] x = new float[n * DigitImages.PIXELS];
    float background = -MEAN / STD;
    java.util.Arrays.fill(x, background);
    byte[] px = data.pixels();
    for (int i = 0; i < n; i++) {
      int dx = shift == 0 ? 0 : rng.nextInt(2 * shift + 1) - shift;
      int dy = shift == 0 ? 0 : rng.nextInt(2 * shift + 1) - shift;
      int off = idx[i] * DigitImages.PIXELS;
      for (int r = 0; r < side; r++) {
        int sr = r - dy;
        if (sr < 0 || sr >= side) {
          continue;
        }
        for (int c = 0; c < side; c++) {
          int sc = c - dx;
          if (sc >= 0 && sc < side) {
            x[i * DigitImages.PIXELS + r * side + c] =
                ((px[off + sr * side + sc] & 0xff) / 255f - MEAN) / STD;
          }
        }
      }
    }
    return Nd4j.createFromArray(x).reshape(n, 1, side, side);
  }

  /** Features and class probabilities of images, from trained weights (inference mode). */
  public static final class Scorer {
    private final MultiLayerNetwork net;

    public Scorer(float[] weights) {
      net = network(0, 1e-3);
      net.params().assign(Nd4j.createFromArray(weights));
    }

    /** Scores of a batch of images. */
    public record Scores(double[][] features, double[][] probabilities) {}

    public Scores score(DigitImages images) {
      int n = images.count();
      double[][] f = new double[n][];
      double[][] p = new double[n][];
      int chunk = 500;
      for (int from = 0; from < n; from += chunk) {
        int m = Math.min(chunk, n - from);
        int[] idx = new int[m];
        for (int i = 0; i < m; i++) {
          idx[i] = from + i;
        }
        List<INDArray> acts = net.feedForward(input(images, idx, 0, null), false);
        INDArray feats = acts.get(FEATURE_ACTIVATION);
        INDArray probs = acts.get(acts.size() - 1);
        for (int i = 0; i < m; i++) {
          f[from + i] = feats.getRow(i).toDoubleVector();
          p[from + i] = probs.getRow(i).toDoubleVector();
        }
      }
      return new Scores(f, p);
    }
  }
}
