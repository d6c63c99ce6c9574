package io.synthgen.jobs;

/**
 * Chooses the nd4j-native build before ND4J loads. The job jar carries both the plain build and
 * the oneDNN build; DL4J's convolution helpers only run on the latter (the digit DCGAN trains
 * about 3x faster with it). Users may still pick the build with
 * {@code -Djavacpp.platform.extension=...} (an empty value selects the plain build).
 */
final class NativeBackend {
  static final String EXTENSION_PROPERTY = "javacpp.platform.extension";
  static final String ONEDNN = "-onednn";

  private NativeBackend() {}

  /** Selects the oneDNN build for this JVM unless a build was chosen explicitly. */
  static void selectDefault() {
    if (System.getProperty(EXTENSION_PROPERTY) == null && oneDnnAvailable()) {
      System.setProperty(EXTENSION_PROPERTY, ONEDNN);
    }
  }

  /** The JVM flag that selects the same build in executors, or null for the plain build. */
  static String executorFlag() {
    String ext = System.getProperty(EXTENSION_PROPERTY);
    return ext == null || ext.isEmpty() ? null : "-D" + EXTENSION_PROPERTY + "=" + ext;
  }

  static boolean oneDnnAvailable() {
    return NativeBackend.class.getClassLoader().getResource(
        "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn/libjnind4jcpu.so") != null;
  }
}
