package io.synthgen.jobs.io;

import io.synthgen.model.InvalidInputException;
import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * All-or-nothing output directories: a job writes into a hidden sibling directory and renames it
 * into place only when everything is written, so a failed job leaves nothing at the output path
 * (and an existing output is replaced only with {@code --overwrite}, only after success).
 */
public final class AtomicOutput implements AutoCloseable {
  private final FileSystem fs;
  private final Path target;
  private final Path staging;
  private final boolean overwrite;
  private boolean committed;

  private AtomicOutput(FileSystem fs, Path target, boolean overwrite) {
    this.fs = fs;
    this.target = target;
    this.overwrite = overwrite;
    this.staging = new Path(target.getParent(), "." + target.getName() + ".staging-"
        + UUID.randomUUID());
  }

  /** Checks the output path up front; fails if it exists and {@code overwrite} is false. */
  public static AtomicOutput open(String output, boolean overwrite, Configuration conf)
      throws IOException {
    Path target = new Path(output);
    FileSystem fs = target.getFileSystem(conf);
    target = fs.makeQualified(target);
    if (fs.exists(target) && !overwrite) {
      throw new InvalidInputException("output '" + output
          + "' already exists: choose another --output or add --overwrite");
    }
    return new AtomicOutput(fs, target, overwrite);
  }

  /** Where the job writes its files. */
  public String stagingPath() {
    return staging.toString();
  }

  public String targetPath() {
    return target.toString();
  }

  /** Moves the staged output into place. */
  public void commit() throws IOException {
    if (fs.exists(target)) {
      if (!overwrite) {
        throw new InvalidInputException("output '" + target + "' appeared while the job ran: "
            + "choose another --output or add --overwrite");
      }
      fs.delete(target, true);
    }
    fs.mkdirs(target.getParent());
    if (!fs.rename(staging, target)) {
      throw new IOException("cannot move " + staging + " to " + target);
    }
    committed = true;
  }

  /** Removes the staging directory unless committed. */
  @Override
  public void close() throws IOException {
    if (!committed && fs.exists(staging)) {
      fs.delete(staging, true);
    }
  }
}
