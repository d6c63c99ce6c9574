package org.nd4j.nativeblas;

/**
 * Compatibility shim that lets DL4J 1.0.0-M2.1 find oneDNN. DL4J's layer helpers look up
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment#isUseMKLDNN()}, which nd4j-native M2.1 moved to
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment#isUseONEDNN()}; without this
 * class the helpers are silently skipped and convolutions run 3-5x slower. Delegates to the new
 * location; remove when DL4J is upgraded past the rename.
 */
public final class Nd4jCpu {
  private Nd4jCpu() {}

  /** The environment facade DL4J's helper lookup expects. */
  public static final class Environment {
    private static final Environment INSTANCE = new Environment();

    private Environment() {}

    public static Environment getInstance() {
      return INSTANCE;
    }

    /** Whether the loaded native backend was built with oneDNN and uses it. */
    public boolean isUseMKLDNN() {
      return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance()
          .isUseONEDNN();
    }
  }
}
