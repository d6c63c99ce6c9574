package io.synthgen.model.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * A versioned, self-describing model artifact.
 *
 * <p>Layout of a bundle directory (format version {@value #FORMAT_VERSION}):
 * <ul>
 *   <li>{@code bundle.json}: {@code format} ("synthgen-model-bundle"), {@code formatVersion},
 *       {@code model} (registry name), {@code seed}, {@code config} (every option's effective
 *       value), {@code metadata} (columns, label), {@code transformer} (fitted, model-specific),
 *       {@code training} (rounds done, history of round reports), {@code weightsFile} and
 *       {@code weightsCrc32};
 *   <li>{@code weights-NNNNNN.bin}: named float32 tensors (network parameters, batch-norm
 *       buffers, optimizer moments) as a big-endian stream: magic "SGW1", tensor count, then per
 *       tensor its name, length and values. Plain floats, so a bundle written on a GPU executor
 *       loads on any CPU.
 * </ul>
 * Writing puts the weights under a new name, then atomically replaces {@code bundle.json}, then
 * removes older weight files, so a crash never leaves a bundle that points at missing weights.
 */
public final class ModelBundle {
  public static final String FORMAT = "synthgen-model-bundle";
  public static final int FORMAT_VERSION = 1;
  public static final String MANIFEST = "bundle.json";
  private static final int WEIGHTS_MAGIC = 0x53475731; // "SGW1"
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final String model;
  private final long seed;
  private final Map<String, String> config;
  private final JsonNode metadata;
  private final JsonNode transformer;
  private final JsonNode training;
  private final Map<String, float[]> tensors;

  public ModelBundle(String model, long seed, Map<String, String> config, JsonNode metadata,
      JsonNode transformer, JsonNode training, Map<String, float[]> tensors) {
    this.model = model;
    this.seed = seed;
    this.config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
    this.metadata = metadata;
    this.transformer = transformer;
    this.training = training;
    this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
  }

  public static ObjectMapper json() {
    return JSON;
  }

  public String model() {
    return model;
  }

  public long seed() {
    return seed;
  }

  public Map<String, String> config() {
    return config;
  }

  /**
   * The model options recorded in this bundle's config, validated against {@code specs} (keys
   * added after the bundle was written take their {@link OptionSpec#valueBeforeKey()}).
   */
  public Options modelOptions(Collection<OptionSpec<?>> specs) {
    return Options.builder(specs).setRecorded(config, "model bundle").build();
  }

  public JsonNode metadata() {
    return metadata;
  }

  public JsonNode transformer() {
    return transformer;
  }

  public JsonNode training() {
    return training;
  }

  public Map<String, float[]> tensors() {
    return tensors;
  }

  /** Writes this bundle into {@code store}; {@code revision} names the weight file. */
  public void write(BundleStore store, long revision) throws IOException {
    String weightsFile = String.format("weights-%06d.bin", revision);
    CRC32 crc = new CRC32();
    try (DataOutputStream out = new DataOutputStream(new CheckedOutputStream(
        new BufferedOutputStream(store.create(weightsFile), 1 << 16), crc))) {
      out.writeInt(WEIGHTS_MAGIC);
      out.writeInt(tensors.size());
      for (Map.Entry<String, float[]> e : tensors.entrySet()) {
        out.writeUTF(e.getKey());
        float[] v = e.getValue();
        out.writeInt(v.length);
        byte[] buf = new byte[v.length * 4];
        java.nio.ByteBuffer.wrap(buf).asFloatBuffer().put(v);
        out.write(buf);
      }
    }
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("formatVersion", FORMAT_VERSION);
    root.put("model", model);
    root.put("seed", seed);
    root.set("config", JSON.valueToTree(config));
    root.set("metadata", metadata);
    root.set("transformer", transformer);
    root.set("training", training);
    root.put("weightsFile", weightsFile);
    root.put("weightsCrc32", crc.getValue());
    try {
      try (OutputStream out = store.create(MANIFEST + ".tmp")) {
        JSON.writeValue(out, root);
      }
      store.replace(MANIFEST + ".tmp", MANIFEST);
    } catch (IOException | RuntimeException e) {
      try {
        store.delete(MANIFEST + ".tmp"); // a failed write leaves no temporary file behind
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    for (String name : store.list()) {
      if (name.startsWith("weights-") && name.endsWith(".bin") && !name.equals(weightsFile)) {
        store.delete(name);
      }
    }
  }

  /** Whether {@code store} holds a bundle at all. */
  public static boolean existsIn(BundleStore store) throws IOException {
    return store.exists(MANIFEST);
  }

  /**
   * Reads a bundle; a missing, corrupt or unknown-version bundle fails with an
   * {@link InvalidInputException} naming the directory and the problem.
   */
  public static ModelBundle read(BundleStore store) throws IOException {
    String where = store.location();
    if (!store.exists(MANIFEST)) {
      throw new InvalidInputException("model directory '" + where + "' holds no " + MANIFEST
          + ": pass the --model-dir that a train job wrote");
    }
    JsonNode root;
    try (InputStream in = store.open(MANIFEST)) {
      root = JSON.readTree(in);
    } catch (IOException e) {
      throw new InvalidInputException("model bundle '" + where + "/" + MANIFEST
          + "' is corrupt (not valid JSON: " + e.getMessage() + "); retrain or restore it", e);
    }
    if (root == null || !FORMAT.equals(root.path("format").asText())) {
      throw new InvalidInputException("'" + where + "/" + MANIFEST
          + "' is not a synthgen model bundle (format field is '" + (root == null ? "" :
          root.path("format").asText()) + "', expected '" + FORMAT + "')");
    }
    int version = root.path("formatVersion").asInt(-1);
    if (version != FORMAT_VERSION) {
      throw new InvalidInputException("model bundle '" + where + "' has format version " + version
          + ", this build reads version " + FORMAT_VERSION + ": use a matching synthgen release");
    }
    String weightsFile = root.path("weightsFile").asText();
    if (!store.exists(weightsFile)) {
      throw new InvalidInputException("model bundle '" + where + "' is corrupt: weights file '"
          + weightsFile + "' is missing");
    }
    Map<String, float[]> tensors = new LinkedHashMap<>();
    CRC32 crc = new CRC32();
    try (DataInputStream in = new DataInputStream(new CheckedInputStream(
        new BufferedInputStream(store.open(weightsFile), 1 << 16), crc))) {
      if (in.readInt() != WEIGHTS_MAGIC) {
        throw new IOException("bad magic number");
      }
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        int n = in.readInt();
        if (n < 0) {
          throw new IOException("negative tensor length");
        }
        byte[] buf = new byte[n * 4];
        in.readFully(buf);
        float[] v = new float[n];
        java.nio.ByteBuffer.wrap(buf).asFloatBuffer().get(v);
        tensors.put(name, v);
      }
      if (in.read() != -1) {
        throw new IOException("trailing bytes");
      }
    } catch (EOFException e) {
      throw corrupt(where, weightsFile, "truncated");
    } catch (IOException e) {
      throw corrupt(where, weightsFile, e.getMessage());
    }
    if (crc.getValue() != root.path("weightsCrc32").asLong()) {
      throw corrupt(where, weightsFile, "checksum mismatch");
    }
    Map<String, String> config = new LinkedHashMap<>();
    root.path("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
    return new ModelBundle(root.path("model").asText(), root.path("seed").asLong(), config,
        root.path("metadata"), root.path("transformer"), root.path("training"), tensors);
  }

  private static InvalidInputException corrupt(String where, String file, String why) {
    return new InvalidInputException("model bundle '" + where + "' is corrupt: weights file '"
        + file + "' cannot be read (" + why + "); retrain or restore the model directory");
  }
}
