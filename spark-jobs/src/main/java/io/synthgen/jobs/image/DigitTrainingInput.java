package io.synthgen.jobs.image;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.jobs.io.DigitReader;
import io.synthgen.jobs.train.TrainOptions;
import io.synthgen.jobs.train.TrainingSession;
import io.synthgen.model.Seeds;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * A digit train job's input: the session (resumed or new) with its resolved options, and the
 * images read into one seeded partition per worker, the worker count checked against them.
 */
record DigitTrainingInput(TrainingSession session, Options options, String input, long seed,
    int workers, DigitReader.Loaded data, long startNanos) {

  /** Opens the train session of {@code family} and loads its digits. */
  static DigitTrainingInput open(SparkSession spark, String family, List<OptionSpec<?>> specs,
      Options options, boolean resume) throws Exception {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    TrainingSession session = TrainingSession.open(spark, family, specs, options, resume);
    Options o = session.options();
    String input = TrainingSession.require(o, TrainOptions.INPUT, "--input");
    long seed = session.seed();
    int workers = o.get(TrainOptions.WORKERS) > 0 ? o.get(TrainOptions.WORKERS)
        : sc.defaultParallelism();
    long t0 = System.nanoTime();
    DigitReader.Loaded data = DigitReader.load(spark, input, o.get(TrainOptions.FORMAT), o,
        workers, Seeds.derive(seed, Seeds.SAMPLE));
    try {
      session.workers(sc, data.count(), input);
    } catch (RuntimeException e) {
      data.partitions().unpersist(false);
      throw e;
    }
    return new DigitTrainingInput(session, o, input, seed, workers, data, t0);
  }

  /** The bundle metadata every digit family records: input, format, image count. */
  ObjectNode metadata() {
    ObjectNode m = ModelBundle.json().createObjectNode();
    m.put("input", input);
    m.put("format", data.format());
    m.put("images", data.count());
    return m;
  }

  double preprocessingSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
