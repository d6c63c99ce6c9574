package io.synthgen.model.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.InvalidInputException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBundleTest {
  @TempDir Path dir;

  private static ModelBundle bundle() {
    var json = ModelBundle.json();
    return new ModelBundle("tabular-gan", 42, Map.of("epochs", "3"),
        json.createObjectNode().put("label", "status"), json.createObjectNode().put("k", 1),
        json.createObjectNode().put("round", 2),
        Map.of("generator", new float[] {1f, 2f, 3f}, "critic", new float[] {-1f}));
  }

  @Test
  void roundTripKeepsEverything() throws Exception {
    LocalBundleStore store = new LocalBundleStore(dir.resolve("m"));
    bundle().write(store, 1);
    bundle().write(store, 2);
    ModelBundle back = ModelBundle.read(store);
    assertEquals("tabular-gan", back.model());
    assertEquals(42, back.seed());
    assertEquals("3", back.config().get("epochs"));
    assertEquals("status", back.metadata().path("label").asText());
    assertArrayEquals(new float[] {1f, 2f, 3f}, back.tensors().get("generator"));
    assertEquals(1, Files.list(dir.resolve("m")).filter(p -> p.toString().endsWith(".bin")).count(),
        "older weight files are removed");
  }

  @Test
  void missingBundleNamesTheDirectory() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ModelBundle.read(new LocalBundleStore(dir.resolve("nothing"))));
    assertTrue(e.getMessage().contains("nothing") && e.getMessage().contains("bundle.json"),
        e.getMessage());
  }

  @Test
  void flippedWeightByteIsReportedCorrupt() throws Exception {
    LocalBundleStore store = new LocalBundleStore(dir);
    bundle().write(store, 7);
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("weights-000007.bin").toFile(), "rw")) {
      f.seek(f.length() - 2);
      f.write(0x55);
    }
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ModelBundle.read(store));
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
  }

  @Test
  void unknownFormatVersionIsRejected() throws Exception {
    LocalBundleStore store = new LocalBundleStore(dir);
    bundle().write(store, 1);
    Path manifest = dir.resolve(ModelBundle.MANIFEST);
    Files.writeString(manifest, Files.readString(manifest).replace("\"formatVersion\" : 1",
        "\"formatVersion\" : 99"));
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ModelBundle.read(store));
    assertTrue(e.getMessage().contains("99"), e.getMessage());
  }
}
