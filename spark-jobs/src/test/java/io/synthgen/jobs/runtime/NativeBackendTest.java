package io.synthgen.jobs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The native settings the driver picks and hands to its executors. */
class NativeBackendTest {
  private String savedMax;
  private String savedExtension;

  @BeforeEach
  void save() {
    savedMax = System.getProperty(NativeBackend.MAX_PHYSICAL_BYTES);
    savedExtension = System.getProperty(NativeBackend.EXTENSION_PROPERTY);
  }

  @AfterEach
  void restore() {
    restore(NativeBackend.MAX_PHYSICAL_BYTES, savedMax);
    restore(NativeBackend.EXTENSION_PROPERTY, savedExtension);
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  @Test
  void executorsGetTheDriversBuildAndMemoryCheckAfterTheUsersOptions() {
    System.setProperty(NativeBackend.EXTENSION_PROPERTY, "-onednn");
    System.setProperty(NativeBackend.MAX_PHYSICAL_BYTES, "0");
    assertEquals("-Xss4m -Djavacpp.platform.extension=-onednn "
        + "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
        NativeBackend.executorOptions(" -Xss4m "));
  }

  @Test
  void optionsTheUserGaveExecutorsAreKept() {
    System.setProperty(NativeBackend.EXTENSION_PROPERTY, "-onednn");
    System.setProperty(NativeBackend.MAX_PHYSICAL_BYTES, "0");
    String mine = "-Djavacpp.platform.extension= -Dorg.bytedeco.javacpp.maxphysicalbytes=8g";
    assertEquals(mine, NativeBackend.executorOptions(mine));
  }

  @Test
  void thePlainBuildAddsNoExtensionFlag() {
    System.setProperty(NativeBackend.EXTENSION_PROPERTY, "");
    System.clearProperty(NativeBackend.MAX_PHYSICAL_BYTES);
    assertEquals("", NativeBackend.executorOptions(""));
  }

  @Test
  void theMemoryCheckIsSwitchedOffUnlessTheUserSetIt() {
    System.clearProperty(NativeBackend.MAX_PHYSICAL_BYTES);
    NativeBackend.selectDefault();
    assertEquals("0", System.getProperty(NativeBackend.MAX_PHYSICAL_BYTES));
    System.setProperty(NativeBackend.MAX_PHYSICAL_BYTES, "16g");
    NativeBackend.selectDefault();
    assertEquals("16g", System.getProperty(NativeBackend.MAX_PHYSICAL_BYTES));
  }

  @Test
  void theLowerCaseSpellingCountsAsSet() {
    System.clearProperty(NativeBackend.MAX_PHYSICAL_BYTES);
    System.setProperty("org.bytedeco.javacpp.maxphysicalbytes", "16g");
    try {
      NativeBackend.selectDefault();
      assertNull(System.getProperty(NativeBackend.MAX_PHYSICAL_BYTES));
    } finally {
      System.clearProperty("org.bytedeco.javacpp.maxphysicalbytes");
    }
  }
}
