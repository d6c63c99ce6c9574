package io.synthgen.jobs.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system ({@code file:}) with one fault, for driver-loss tests: the JVM halts
 * as a SIGKILL would (no shutdown hooks, exit status 137) half-way through the Nth checkpoint of
 * a model bundle, when the new weights file is written and the manifest that is to name it is
 * about to be. The test no longer races a running driver for that instant.
 *
 * <p>A driver JVM gets it from a {@code core-site.xml} first on its classpath ({@link
 * #configDir}), which sets {@code fs.file.impl}. After halting once it leaves a marker file, and
 * a JVM that finds the marker halts no more (a relaunched driver trains on).
 */
public class CheckpointKillingFileSystem extends LocalFileSystem {
  /** The checkpoint (1, 2, ...) this JVM halts in. */
  public static final String CHECKPOINT = "synthgen.test.halt-in-checkpoint";
  /** The marker file written before halting. */
  public static final String MARKER = "synthgen.test.halt-marker";
  /** The exit status of a JVM killed by SIGKILL. */
  public static final int HALT_STATUS = 137;
  private static final AtomicInteger MANIFESTS = new AtomicInteger();

  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite,
      int bufferSize, short replication, long blockSize, Progressable progress)
      throws IOException {
    if (f.getName().equals("bundle.json.tmp")
        && MANIFESTS.incrementAndGet() == getConf().getInt(CHECKPOINT, -1)) {
      java.nio.file.Path marker = java.nio.file.Path.of(getConf().get(MARKER));
      if (!Files.exists(marker)) {
        Files.writeString(marker, "halted in checkpoint " + MANIFESTS.get() + " writing " + f
            + "\n");
        Runtime.getRuntime().halt(HALT_STATUS);
      }
    }
    return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
  }

  /**
   * Writes {@code dir/core-site.xml}, which installs this file system to halt in checkpoint
   * {@code checkpoint} unless {@code marker} exists; returns {@code dir}, to put first on a
   * driver's classpath.
   */
  public static java.nio.file.Path configDir(java.nio.file.Path dir, int checkpoint,
      java.nio.file.Path marker) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("core-site.xml"), "<?xml version=\"1.0\"?>\n<configuration>\n"
        + property("fs.file.impl", CheckpointKillingFileSystem.class.getName())
        + property(CHECKPOINT, String.valueOf(checkpoint))
        + property(MARKER, marker.toAbsolutePath().toString())
        + "</configuration>\n");
    return dir;
  }

  private static String property(String name, String value) {
    return "  <property><name>" + name + "</name><value>" + value + "</value></property>\n";
  }
}
