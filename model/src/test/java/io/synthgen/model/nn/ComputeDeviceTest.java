package io.synthgen.model.nn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ComputeDeviceTest {
  @Test
  void theCpuBuildDescribesItselfAsCpuWithItsThreads() {
    String d = ComputeDevice.describe();
    assertFalse(ComputeDevice.cuda(), d);
    assertTrue(d.startsWith("ND4J backend CPU") && d.contains("cores") && d.contains("op pool"),
        d);
  }
}
