package io.synthgen.image;

import io.synthgen.model.Seeds;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Draws digits from a trained generator in inference mode (batch normalization with its running
 * statistics), so an image depends only on its own latent point, never on the rest of its batch.
 * The latent point of image {@code index} under generation seed {@code seed} is drawn from
 * {@code Seeds.derive(seed, GENERATE, index)}: any image can be reproduced from (model, seed,
 * index) alone, however the job was partitioned.
 */
public final class DigitSampler {
  /** Images per generator forward pass. */
  public static final int CHUNK = 256;

  private final DcganConfig config;
  private final MultiLayerNetwork generator;

  public DigitSampler(DcganConfig config, float[] generatorParams) {
    this.config = config;
    this.generator = DcganNetworks.generator(config, 0);
    DcganTrainer.loadParameters(generator, generatorParams);
  }

  public DcganConfig config() {
    return config;
  }

  /** The latent vector z (without label) of image {@code index} under {@code seed}. */
  public float[] latent(long seed, long index) {
    Random r = new Random(Seeds.derive(seed, Seeds.GENERATE, index));
    float[] z = new float[config.latentDim];
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) r.nextGaussian();
    }
    return z;
  }

  /** Images of {@code count} consecutive indices from {@code first}, with optional labels. */
  public DigitImages sample(long seed, long first, int count, int[] labels) {
    float[][] z = new float[count][];
    for (int i = 0; i < count; i++) {
      z[i] = latent(seed, first + i);
    }
    return render(z, labels);
  }

  /**
   * Renders explicit latent vectors (each {@code latentDim} long) with optional labels (required
   * when the model is conditional) to 8-bit images.
   */
  public DigitImages render(float[][] z, int[] labels) {
    int n = z.length;
    if (config.conditional && labels == null) {
      throw new IllegalArgumentException("a conditional generator needs a label per image");
    }
    byte[] pixels = new byte[n * DigitImages.PIXELS];
    for (int from = 0; from < n; from += CHUNK) {
      int m = Math.min(CHUNK, n - from);
      int width = DcganNetworks.generatorInputs(config);
      float[] in = new float[m * width];
      for (int i = 0; i < m; i++) {
        System.arraycopy(z[from + i], 0, in, i * width, config.latentDim);
        if (config.conditional) {
          in[i * width + config.latentDim + labels[from + i]] = 1f;
        }
      }
      INDArray out = generator.output(Nd4j.createFromArray(in).reshape(m, width), false);
      float[] v = out.reshape(out.length()).toFloatVector();
      for (int i = 0; i < v.length; i++) {
        pixels[from * DigitImages.PIXELS + i] = toByte(v[i]);
      }
    }
    int[] lb = labels == null ? null : java.util.Arrays.copyOf(labels, n);
    return new DigitImages(pixels, lb);
  }

  /** Maps a tanh output in [-1, 1] to 0..255. */
  static byte toByte(float v) {
    int p = Math.round((v + 1f) * 127.5f);
    return (byte) Math.max(0, Math.min(255, p));
  }

  /** A training batch of generator inputs: Gaussian z joined to one-hot labels when given. */
  static INDArray latentBatch(DcganConfig c, Random rng, int[] labels, int n) {
    int width = DcganNetworks.generatorInputs(c);
    float[] in = new float[n * width];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < c.latentDim; j++) {
        in[i * width + j] = (float) rng.nextGaussian();
      }
      if (c.conditional) {
        in[i * width + c.latentDim + labels[i]] = 1f;
      }
    }
    return Nd4j.createFromArray(in).reshape(n, width).castTo(DataType.FLOAT);
  }
}
