package io.synthgen.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class HostArraysTest {
  private static float[] counting(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = i * 0.5f - 3;
    }
    return v;
  }

  @Test
  void aMatrixHoldsItsValuesRowMajor() {
    INDArray x = HostArrays.matrix(counting(12), 3, 4);
    assertArrayEquals(new long[] {3, 4}, x.shape());
    assertEquals(DataType.FLOAT, x.dataType());
    assertEquals(counting(12)[1 * 4 + 2], x.getFloat(1, 2));
    assertEquals(counting(12)[2 * 4 + 3], x.getFloat(2, 3));
  }

  @Test
  void floatsReadBackWhatAMatrixHolds() {
    float[] v = counting(8192 * 3 + 7);
    assertArrayEquals(v, HostArrays.floats(HostArrays.matrix(v, 1, v.length)));
  }

  @Test
  void floatsOfAViewOrAColumnMajorArrayAreItsRowMajorValues() {
    INDArray x = HostArrays.matrix(counting(20), 4, 5);
    INDArray rows = x.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all());
    assertArrayEquals(rows.dup('c').data().asFloat(), HostArrays.floats(rows));
    INDArray cols = x.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 4));
    assertArrayEquals(new float[] {counting(20)[2], counting(20)[3], counting(20)[7],
        counting(20)[8], counting(20)[12], counting(20)[13], counting(20)[17], counting(20)[18]},
        HostArrays.floats(cols));
    INDArray f = x.dup('f');
    assertArrayEquals(counting(20), HostArrays.floats(f));
  }

  @Test
  void arraysInsideAWorkspaceCopyBothWays() {
    WorkspaceConfiguration conf = WorkspaceConfiguration.builder().build();
    for (int loop = 0; loop < 3; loop++) {
      try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf,
          "host-arrays-test")) {
        INDArray padding = Nd4j.create(DataType.FLOAT, 3, 3);
        INDArray x = HostArrays.matrix(counting(30), 5, 6).addi(1);
        float[] expected = counting(30);
        for (int i = 0; i < expected.length; i++) {
          expected[i] += 1;
        }
        assertArrayEquals(expected, HostArrays.floats(x));
        assertEquals(0, padding.sumNumber().intValue());
      }
    }
  }

  @Test
  void aShapeThatDoesNotFitTheValuesIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> HostArrays.matrix(new float[5], 2, 3));
  }
}
