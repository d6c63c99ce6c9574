package io.synthgen.jobs.runtime;

import java.util.Locale;

/**
 * Chooses the nd4j-native build before ND4J loads. The job jar carries both the plain build and
 * the oneDNN build; DL4J's convolution helpers only run on the latter (the digit DCGAN trains
 * about 3x faster with it). Users may still pick the build with
 * {@code -Djavacpp.platform.extension=...} (an empty value selects the plain build).
 *
 * <p>It also switches off JavaCPP's resident-memory check ({@code
 * org.bytedeco.javacpp.maxPhysicalBytes=0}) unless it is set: with its default, every native
 * allocation, several per ND4J op, reads the process's resident size from {@code /proc}, which
 * took about a fifth of an executor's native time in tabular-gan training. JavaCPP's own limit
 * on the bytes it allocated ({@code maxBytes}, the heap size by default) still applies, and the
 * training steps allocate in workspaces released every step.
 */
public final class NativeBackend {
  static final String EXTENSION_PROPERTY = "javacpp.platform.extension";
  static final String ONEDNN = "-onednn";
  static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";
  /** JavaCPP also reads the property in lower case. */
  private static final String MAX_PHYSICAL_LOWER = MAX_PHYSICAL_BYTES.toLowerCase(Locale.ROOT);

  private NativeBackend() {}

  /**
   * Selects the oneDNN build for this JVM unless a build was chosen explicitly, and switches off
   * the resident-memory check unless it was set (either spelling JavaCPP reads).
   */
  public static void selectDefault() {
    if (System.getProperty(EXTENSION_PROPERTY) == null && oneDnnAvailable()) {
      System.setProperty(EXTENSION_PROPERTY, ONEDNN);
    }
    if (System.getProperty(MAX_PHYSICAL_BYTES) == null
        && System.getProperty(MAX_PHYSICAL_LOWER) == null) {
      System.setProperty(MAX_PHYSICAL_BYTES, "0");
    }
  }

  /**
   * The JVM flags that give executors this JVM's choices (none of which appears in {@code
   * executorOptions} already), joined to those options.
   */
  public static String executorOptions(String executorOptions) {
    StringBuilder b = new StringBuilder(executorOptions.trim());
    String ext = System.getProperty(EXTENSION_PROPERTY);
    if (ext != null && !ext.isEmpty() && !executorOptions.contains(EXTENSION_PROPERTY)) {
      appendFlag(b, EXTENSION_PROPERTY, ext);
    }
    String max = System.getProperty(MAX_PHYSICAL_BYTES);
    if (max != null && !executorOptions.toLowerCase(Locale.ROOT).contains(MAX_PHYSICAL_LOWER)) {
      appendFlag(b, MAX_PHYSICAL_BYTES, max);
    }
    return b.toString().trim();
  }

  private static void appendFlag(StringBuilder options, String key, String value) {
    options.append(" -D").append(key).append('=').append(value);
  }

  static boolean oneDnnAvailable() {
    return NativeBackend.class.getClassLoader().getResource(
        "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn/libjnind4jcpu.so") != null;
  }
}
