package io.synthgen.jobs;

import io.synthgen.jobs.io.DirectoryLease;
import io.synthgen.jobs.job.TrainJob;
import io.synthgen.jobs.runtime.ExitCodes;
import io.synthgen.jobs.runtime.SparkSessions;
import io.synthgen.model.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code synth train}: builds the validated options (defaults < {@code --conf} file <
 * {@code --set} < flags) and runs the family's train stage ({@link TrainJob}).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a model data-parallel (parameter averaging) and write its bundle.")
final class TrainCommand extends SynthRunner.Common implements Callable<Integer> {
  @Option(names = "--conf", paramLabel = "FILE", description = "config file (key = value)")
  String conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config key")
  List<String> sets = new ArrayList<>();

  @Option(names = "--model", description = "model name: tabular-gan, digit-dcgan, or "
      + "digit-classifier (the image evaluation's classifier)")
  String model;
  @Option(names = "--input", description = "training data (any Hadoop FS): a table (CSV or "
      + "Parquet) or digit images (IDX file, PNG folder or Parquet)")
  String input;
  @Option(names = "--conditional", description = "digit-dcgan: class-conditional model "
      + "(same as --set conditional=true)")
  boolean conditional;
  @Option(names = "--metadata", paramLabel = "META.json", description = "column roles")
  String metadata;
  @Option(names = "--format", description = "csv or parquet (tables), idx, png or parquet "
      + "(images); default: from the path")
  String format;
  @Option(names = "--model-dir", paramLabel = "DIR", description = "model bundle directory")
  String modelDir;
  @Option(names = "--workers", description = "data-parallel workers") Integer workers;
  @Option(names = "--epochs", description = "training epochs") Integer epochs;
  @Option(names = "--seed", description = "job seed") Long seed;
  @Option(names = "--resume", description = "continue from the model directory's checkpoint")
  boolean resume;
  @Option(names = "--resume-if-present", description = "continue from the model directory's "
      + "checkpoint when it holds one, else start a new model: for drivers restarted by a "
      + "scheduler or by spark-submit --supervise")
  boolean resumeIfPresent;

  final List<TrainingListener> listeners = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    TrainJob job = TrainJob.of(new TrainJob.Request(model, TrainJob.loadConf(conf), conf, sets,
        input, metadata, format, modelDir, workers, epochs, seed, conditional, resume,
        resumeIfPresent));
    try (DirectoryLease lease = job.modelDir() == null ? null : DirectoryLease.acquire(
        job.modelDir(), "--model-dir", "train", java.time.Duration.ZERO,
        new org.apache.hadoop.conf.Configuration())) {
      SparkSession spark = SparkSessions.open("train", master);
      try {
        System.out.println(job.run(spark, listeners).line());
        return ExitCodes.DONE;
      } finally {
        spark.stop();
      }
    }
  }
}
