package io.synthgen.jobs.train;

import io.synthgen.model.Seeds;
import io.synthgen.model.train.LocalTrainer;
import io.synthgen.model.train.ParameterAverager;
import io.synthgen.model.train.RoundReport;
import io.synthgen.model.train.TrainingListener;
import io.synthgen.model.train.TrainingState;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data-parallel training by parameter averaging on Spark, for any {@link LocalTrainer}: each round
 * the driver broadcasts the state (parameters, buffers, optimizer moments), every partition (one
 * worker) runs k local steps on its own cached rows, and {@code treeAggregate} sums the results,
 * which the driver divides. The training data never leaves the executors.
 *
 * @param <P> the cached per-worker partition type
 */
public final class AveragingTrainer<P> {
  private static final Logger LOG = LoggerFactory.getLogger(AveragingTrainer.class);
  private final JavaSparkContext sc;
  private final LocalTrainer<P> trainer;
  private final List<TrainingListener> listeners;

  /** Receives the averaged state when a checkpoint is due. */
  @FunctionalInterface
  public interface Checkpointer {
    /** Saves {@code state} after {@code roundsDone} rounds and {@code rowsSeen} training rows. */
    void save(TrainingState state, int roundsDone, long rowsSeen) throws Exception;
  }

  public AveragingTrainer(JavaSparkContext sc, LocalTrainer<P> trainer,
      List<TrainingListener> listeners) {
    this.sc = sc;
    this.trainer = trainer;
    this.listeners = listeners;
  }

  /**
   * Runs rounds {@code firstRound..totalRounds-1} from {@code start}; {@code rowsPerEpoch} turns
   * rows seen into epochs for the reports.
   */
  public TrainingState train(JavaRDD<P> partitions, TrainingState start, int firstRound,
      int totalRounds, int stepsPerRound, long seed, double rowsPerEpoch, long rowsBefore,
      int checkpointEvery, Checkpointer checkpointer) throws Exception {
    TrainingState state = start;
    String[] metricNames = trainer.metricNames();
    long t0 = System.nanoTime();
    long rowsSeen = rowsBefore;
    long rowsThisRun = 0;
    LocalTrainer<P> local = trainer;
    for (int round = firstRound; round < totalRounds; round++) {
      Broadcast<TrainingState> b = sc.broadcast(state);
      final int r = round;
      JavaRDD<TrainingState> results = partitions.mapPartitionsWithIndex((idx, it) -> {
        P part = it.next();
        long s = Seeds.derive(seed, Seeds.TRAIN, r, idx);
        return Collections.singletonList(local.train(b.value(), part, stepsPerRound, s))
            .iterator();
      }, false);
      Function2<TrainingState, TrainingState, TrainingState> combine = AveragingTrainer::combine;
      TrainingState sum = results.treeAggregate(EMPTY, combine, combine);
      b.destroy();
      state = ParameterAverager.average(sum);
      rowsSeen += state.rowsSeen();
      rowsThisRun += state.rowsSeen();
      double elapsed = (System.nanoTime() - t0) / 1e9;
      int done = round + 1 - firstRound;
      double eta = elapsed / done * (totalRounds - round - 1);
      Map<String, Double> metrics = new LinkedHashMap<>();
      for (int i = 0; i < metricNames.length; i++) {
        metrics.put(metricNames[i], state.metricMean(i));
      }
      RoundReport report = new RoundReport(round + 1, totalRounds, rowsSeen / rowsPerEpoch,
          metrics, rowsThisRun / elapsed, elapsed, eta);
      LOG.info(report.toLogLine());
      for (TrainingListener l : listeners) {
        l.onRound(report);
      }
      if (checkpointer != null && ((round + 1) % checkpointEvery == 0 || round + 1 == totalRounds)) {
        checkpointer.save(state, round + 1, rowsSeen);
      }
    }
    return state;
  }

  /** The zero of the aggregation (no contributors). */
  static final TrainingState EMPTY = new TrainingState(Map.of(), -1, new double[0], 0, 0, 0);

  static TrainingState combine(TrainingState a, TrainingState b) {
    if (a.contributors() == 0) {
      return b;
    }
    if (b.contributors() == 0) {
      return a;
    }
    return ParameterAverager.combine(a, b);
  }
}
