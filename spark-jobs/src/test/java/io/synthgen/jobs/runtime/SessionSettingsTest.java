package io.synthgen.jobs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the runner's Spark session sets for executors unless the user did. */
class SessionSettingsTest {
  @AfterEach
  void clearProperties() {
    System.clearProperty("spark.task.cpus");
    System.clearProperty(SparkSessions.OMP_THREADS);
  }

  private static String executorOmpThreads() {
    SparkSession spark = SparkSessions.open("settings", "local[2]");
    try {
      return spark.conf().get(SparkSessions.OMP_THREADS);
    } finally {
      spark.stop();
    }
  }

  @Test
  void executorsGetOneOpenMpThreadPerTaskCore() {
    assertEquals("1", executorOmpThreads());
    System.setProperty("spark.task.cpus", "2");
    assertEquals("2", executorOmpThreads());
  }

  @Test
  void anExplicitExecutorThreadCountIsKept() {
    System.setProperty(SparkSessions.OMP_THREADS, "3");
    assertEquals("3", executorOmpThreads());
  }

  @Test
  void aStoppedApplicationIsRecognisedAnywhereInTheCauseChain() {
    assertEquals(true, SparkSessions.applicationStopped(new RuntimeException("job failed",
        new IllegalStateException("Cannot call methods on a stopped SparkContext."))));
    assertEquals(false, SparkSessions.applicationStopped(new IllegalStateException("other")));
    assertEquals(true, SparkSessions.applicationStopped(new RuntimeException("wrapped",
        new SparkSessions.ApplicationNotStartedException("spark://127.0.0.1:7077",
            new NullPointerException("_taskScheduler() is null")))));
  }
}
