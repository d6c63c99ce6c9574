package io.synthgen.jobs.io;

import io.synthgen.model.InvalidInputException;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

/**
 * Keeps a job's outputs apart from what it reads: an output directory that equals, contains or
 * lies inside an input (a model bundle, a training or evaluation table) would, with
 * {@code --overwrite}, delete that input, or mix generated files into it. Paths are compared
 * after qualification against their file system, so {@code out}, {@code ./out} and
 * {@code file:/.../out} are the same path.
 */
public final class OutputPaths {
  private OutputPaths() {}

  /**
   * Refuses {@code output} (given by option {@code outputFlag}) when it overlaps any of
   * {@code inputs} (option name to path; null paths are skipped).
   */
  public static void refuseOverlap(String outputFlag, String output, Map<String, String> inputs,
      Configuration conf) throws IOException {
    if (output == null) {
      return;
    }
    String out;
    try {
      out = qualified(output, conf);
    } catch (UnsupportedFileSystemException e) {
      throw new InvalidInputException("option '" + outputFlag + "' has value '" + output
          + "', on a file system this job has no client for (" + e.getMessage() + "): use a "
          + "file:, hdfs: or other configured path");
    }
    for (Map.Entry<String, String> in : inputs.entrySet()) {
      if (in.getValue() == null) {
        continue;
      }
      String path;
      try {
        path = qualified(in.getValue(), conf);
      } catch (UnsupportedFileSystemException e) {
        continue; // not on the output's file system; reading it reports the problem
      }
      String relation = out.equals(path) ? "is"
          : out.startsWith(path + "/") ? "is inside"
          : path.startsWith(out + "/") ? "contains" : null;
      if (relation != null) {
        throw new InvalidInputException("option '" + outputFlag + "' has value '" + output
            + "', which " + relation + " the " + in.getKey() + " '" + in.getValue()
            + "': writing there would overwrite or mix into what the job reads; choose an "
            + outputFlag + " outside it");
      }
    }
  }

  private static String qualified(String p, Configuration conf) throws IOException {
    Path path = new Path(p);
    String q = path.getFileSystem(conf).makeQualified(path).toUri().normalize().toString();
    return q.endsWith("/") && q.length() > 1 ? q.substring(0, q.length() - 1) : q;
  }
}
