package io.synthgen.jobs.train;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in the training log what the scheduler did about lost executors and failed task
 * attempts. A worker's local steps are a pure function of the round's broadcast state, its cached
 * rows and its seed, so Spark's rerun of a failed attempt recomputes exactly the lost result,
 * and {@code treeAggregate} counts each partition's successful attempt once; this listener only
 * makes that visible, and counts failures and lost executors for the rounds' telemetry.
 * Listener events arrive asynchronously, so a loss is counted in the round report that follows
 * its event, which may be a round after the one it interrupted.
 */
final class TaskFailureLog extends SparkListener {
  private static final Logger LOG = LoggerFactory.getLogger(AveragingTrainer.class);
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicInteger executorsLost = new AtomicInteger();

  /** Failed task attempts and lost executors since the previous call. */
  record Counts(int failedTasks, int executorsLost) {
    boolean any() {
      return failedTasks > 0 || executorsLost > 0;
    }
  }

  /** The counts since the previous call, which starts the next count from zero. */
  Counts take() {
    return new Counts(failures.getAndSet(0), executorsLost.getAndSet(0));
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (end.reason() instanceof Success$) {
      return;
    }
    failures.incrementAndGet();
    LOG.warn("task attempt {} of partition {} (stage {}) failed on executor {}: {}; Spark reruns "
            + "it from the round's broadcast state and counts its result once",
        end.taskInfo().attemptNumber(), end.taskInfo().index(), end.stageId(),
        end.taskInfo().executorId(), end.reason().getClass().getSimpleName().replace("$", ""));
  }

  @Override
  public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
    executorsLost.incrementAndGet();
    LOG.warn("executor {} lost: {}; partitions it had cached are recomputed from their input "
        + "where the next round needs them", removed.executorId(), removed.reason());
  }
}
