package io.synthgen.jobs.pipeline;

import io.synthgen.jobs.io.HadoopBundleStore;
import io.synthgen.model.bundle.ModelBundle;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A pipeline's models, one bundle per training date under {@code MODELS/trained=YYYY-MM-DD/}.
 * For a run date the newest <em>finished</em> bundle trained on or before that date and at most
 * {@code maxAgeDays} before it is reused; otherwise the run trains into its own date's directory
 * (resuming there if an earlier attempt of the same date was killed mid-training).
 */
public final class ModelShelf {
  static final String PREFIX = "trained=";

  private ModelShelf() {}

  /**
   * The model a run uses.
   *
   * @param dir the bundle directory
   * @param trained the date it was (or will be) trained
   * @param reuse true when a finished bundle is reused, false when the run trains into dir
   */
  public record Choice(String dir, LocalDate trained, boolean reuse) {
    /** Days between the model's training date and the run date. */
    public long ageDays(LocalDate runDate) {
      return ChronoUnit.DAYS.between(trained, runDate);
    }
  }

  /** Picks the bundle for {@code runDate}: see the class description. */
  public static Choice choose(String models, LocalDate runDate, int maxAgeDays, Configuration conf)
      throws IOException {
    Path root = new Path(models);
    FileSystem fs = root.getFileSystem(conf);
    Choice best = null;
    if (fs.exists(root)) {
      for (FileStatus s : fs.listStatus(root)) {
        LocalDate trained = dateOf(s);
        if (trained == null || trained.isAfter(runDate)
            || ChronoUnit.DAYS.between(trained, runDate) > maxAgeDays
            || (best != null && !trained.isAfter(best.trained()))
            || !finished(s.getPath().toString(), conf)) {
          continue;
        }
        best = new Choice(s.getPath().toString(), trained, true);
      }
    }
    if (best != null) {
      return best;
    }
    return new Choice(new Path(root, PREFIX + runDate).toString(), runDate, false);
  }

  private static LocalDate dateOf(FileStatus s) {
    String name = s.getPath().getName();
    if (!s.isDirectory() || !name.startsWith(PREFIX)) {
      return null;
    }
    try {
      return LocalDate.parse(name.substring(PREFIX.length()));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Whether {@code dir} holds a bundle whose training ran all its rounds. */
  static boolean finished(String dir, Configuration conf) throws IOException {
    HadoopBundleStore store = new HadoopBundleStore(dir, conf);
    if (!ModelBundle.existsIn(store)) {
      return false;
    }
    var training = ModelBundle.read(store).training();
    return training.path("round").asLong(-1) >= training.path("totalRounds").asLong(1);
  }
}
