package io.synthgen.jobs.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.model.bundle.ModelBundle;
import java.io.InputStream;
import java.time.Instant;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ContentSummary;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Helpers of the pipeline's run record ({@code _runs/run_date=D/...json}, see PipelineRun). */
final class RunRecords {
  private RunRecords() {}

  /** Writes the input's size and modification time into {@code in} (-1: unknown). */
  static void describeInput(ObjectNode in, String input, Configuration hadoop) {
    try {
      Path p = new Path(input);
      FileSystem fs = p.getFileSystem(hadoop);
      if (fs.exists(p)) {
        ContentSummary c = fs.getContentSummary(p);
        in.put("input_bytes", c.getLength());
        in.put("input_modified", Instant.ofEpochMilli(fs.getFileStatus(p)
            .getModificationTime()).toString());
      }
    } catch (Exception e) {
      in.put("input_bytes", -1);
    }
  }

  /** The staged report.json of {@code partition}, or null when there is none. */
  static JsonNode readReport(DatePartition partition, Configuration hadoop) {
    Path file = new Path(partition.reportStagingPath(), "report.json");
    try {
      FileSystem fs = file.getFileSystem(hadoop);
      if (!fs.exists(file)) {
        return null;
      }
      try (InputStream in = fs.open(file)) {
        return ModelBundle.json().readTree(in);
      }
    } catch (Exception e) {
      return null;
    }
  }

  /** Seconds since {@code since} (a nanoTime), to two decimals. */
  static double seconds(long since) {
    return Math.round((System.nanoTime() - since) / 1e7) / 100.0;
  }

  /** {@code node} as pretty-printed JSON. */
  static String pretty(ObjectNode node) throws Exception {
    return ModelBundle.json().writerWithDefaultPrettyPrinter().writeValueAsString(node);
  }
}
