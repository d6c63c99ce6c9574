package io.synthgen.jobs.train;

import io.synthgen.jobs.runtime.JobDescriptions;
import io.synthgen.jobs.runtime.TaskResources;
import io.synthgen.model.Seeds;
import io.synthgen.model.train.LocalTrainer;
import io.synthgen.model.train.OuterOptimizer;
import io.synthgen.model.train.ParameterAverager;
import io.synthgen.model.train.RoundReport;
import io.synthgen.model.train.TrainingListener;
import io.synthgen.model.train.TrainingState;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * which the driver divides and then hands to the {@link OuterOptimizer} (plain averaging, or an
 * outer Nesterov or Adam step on the averaged parameter change). The training data never leaves
 * the executors; the outer optimizer's state never leaves the driver. Each round logs one line
 * with the mean losses, throughput and {@link #telemetry}.
 *
 * @param <P> the cached per-worker partition type
 */
public final class AveragingTrainer<P> {
  private static final Logger LOG = LoggerFactory.getLogger(AveragingTrainer.class);
  private final JavaSparkContext sc;
  private final LocalTrainer<P> trainer;
  private final List<TrainingListener> listeners;
  private final OuterOptimizer outer;
  private final String name;

  /** Receives the averaged state when a checkpoint is due. */
  @FunctionalInterface
  public interface Checkpointer {
    /** Saves {@code state} after {@code roundsDone} rounds and {@code rowsSeen} training rows. */
    void save(TrainingState state, int roundsDone, long rowsSeen) throws Exception;
  }

  /**
   * A trainer whose rounds' Spark jobs are described as {@code NAME round R/N} (e.g.
   * {@code train tabular-gan round 12/180}) in the Spark UI and event log.
   */
  public AveragingTrainer(JavaSparkContext sc, LocalTrainer<P> trainer,
      List<TrainingListener> listeners, OuterOptimizer outer, String name) {
    this.sc = sc;
    this.trainer = trainer;
    this.listeners = listeners;
    this.outer = outer;
    this.name = name;
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
    Set<String> parameters = trainer.parameterTensors();
    long t0 = System.nanoTime();
    long rowsSeen = rowsBefore;
    long rowsThisRun = 0;
    LocalTrainer<P> local = trainer;
    TaskFailureLog failureLog = new TaskFailureLog();
    sc.sc().addSparkListener(failureLog);
    try {
      for (int round = firstRound; round < totalRounds; round++) {
        long roundStart = System.nanoTime();
        TrainingState broadcastState = new TrainingState(
            OuterOptimizer.workerTensors(state.tensors()), state.step(), new double[0], 0, 0, 1);
        Broadcast<TrainingState> b = sc.broadcast(broadcastState);
        double broadcastSeconds = (System.nanoTime() - roundStart) / 1e9;
        final int r = round;
        JavaRDD<WorkerResult> results = partitions.mapPartitionsWithIndex((idx, it) -> {
          TaskResources.bindNativeThreads();
          P part = it.next();
          long s = Seeds.derive(seed, Seeds.TRAIN, r, idx);
          TrainingState from = b.value();
          long localStart = System.nanoTime();
          TrainingState end = local.train(from, part, stepsPerRound, s);
          double seconds = (System.nanoTime() - localStart) / 1e9;
          double drift = ParameterAverager.squaredDistance(end.tensors(), from.tensors(),
              parameters);
          return Collections.singletonList(new WorkerResult(end, seconds, drift)).iterator();
        }, false);
        Function2<WorkerResult, WorkerResult, WorkerResult> combine = WorkerResult::combine;
        WorkerResult sum;
        try (JobDescriptions.Scope d = JobDescriptions.describe(sc,
            name + " round " + (round + 1) + "/" + totalRounds)) {
          sum = results.treeAggregate(WorkerResult.EMPTY, combine, combine);
        }
        b.destroy();
        TrainingState averaged = ParameterAverager.average(sum.state());
        state = outer.step(state, averaged, parameters, round + 1L);
        double roundSeconds = (System.nanoTime() - roundStart) / 1e9;
        rowsSeen += state.rowsSeen();
        rowsThisRun += state.rowsSeen();
        double elapsed = (System.nanoTime() - t0) / 1e9;
        int done = round + 1 - firstRound;
        double eta = elapsed / done * (totalRounds - round - 1);
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int i = 0; i < metricNames.length; i++) {
          metrics.put(metricNames[i], state.metricMean(i));
        }
        Map<String, Double> telemetry = telemetry(broadcastState, averaged, sum, parameters,
            broadcastSeconds, roundSeconds);
        TaskFailureLog.Counts failures = failureLog.take();
        if (failures.any()) {
          telemetry.put("failed_tasks", (double) failures.failedTasks());
          telemetry.put("executors_lost", (double) failures.executorsLost());
        }
        RoundReport report = new RoundReport(round + 1, totalRounds, rowsSeen / rowsPerEpoch,
            metrics, rowsThisRun / elapsed, elapsed, eta, telemetry);
        LOG.info(report.toLogLine());
        for (TrainingListener l : listeners) {
          l.onRound(report);
        }
        if (checkpointer != null
            && ((round + 1) % checkpointEvery == 0 || round + 1 == totalRounds)) {
          try (JobDescriptions.Scope d = JobDescriptions.describe(sc,
              name + " checkpoint " + (round + 1) + "/" + totalRounds)) {
            checkpointer.save(state, round + 1, rowsSeen);
          }
        }
      }
    } finally {
      sc.sc().removeSparkListener(failureLog);
    }
    return state;
  }

  /**
   * The round's telemetry: bytes of state broadcast (one copy; Spark's torrent broadcast moves
   * about one per executor) and aggregated (one state per worker); seconds building the broadcast,
   * in the slowest worker's local steps, and the rest of the round (task launch, state transfer,
   * aggregation, outer step); and worker drift, the root mean square over workers of
   * {@code |delta_i - mean delta|} over the parameters, also relative to {@code |mean delta|}.
   */
  static Map<String, Double> telemetry(TrainingState broadcast, TrainingState averaged,
      WorkerResult sum, Set<String> parameters, double broadcastSeconds, double roundSeconds) {
    long floats = 0;
    for (float[] t : broadcast.tensors().values()) {
      floats += t.length;
    }
    int workers = sum.state().contributors();
    double meanDelta = ParameterAverager.squaredDistance(averaged.tensors(),
        broadcast.tensors(), parameters);
    double drift = Math.sqrt(Math.max(0, sum.squaredDrift() / workers - meanDelta));
    Map<String, Double> t = new LinkedHashMap<>();
    t.put("broadcast_mb", floats * 4 / 1e6);
    t.put("aggregated_mb", floats * 4.0 * workers / 1e6);
    t.put("broadcast_s", broadcastSeconds);
    t.put("local_s", sum.slowestSeconds());
    t.put("sync_s", Math.max(0, roundSeconds - broadcastSeconds - sum.slowestSeconds()));
    t.put("drift", drift);
    t.put("drift_rel", meanDelta > 0 ? drift / Math.sqrt(meanDelta) : 0);
    return t;
  }

  /**
   * Workers' summed states, their slowest local-step time and the sum of their squared parameter
   * changes.
   */
  record WorkerResult(TrainingState state, double slowestSeconds, double squaredDrift)
      implements java.io.Serializable {
    static final WorkerResult EMPTY = new WorkerResult(AveragingTrainer.EMPTY, 0, 0);

    static WorkerResult combine(WorkerResult a, WorkerResult b) {
      return new WorkerResult(AveragingTrainer.combine(a.state, b.state),
          Math.max(a.slowestSeconds, b.slowestSeconds), a.squaredDrift + b.squaredDrift);
    }
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
