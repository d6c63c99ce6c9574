package io.synthgen.jobs.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.jobs.runtime.JobDescriptions;
import io.synthgen.jobs.runtime.SparkSessions;
import io.synthgen.jobs.testing.JobFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Spark job a train, generate and evaluate run starts carries a description in the Spark
 * UI and event log ({@value JobDescriptions#PROPERTY}): the averaging rounds as
 * {@code train tabular-gan round R/N}, the generation and the evaluation's sections by name. Real
 * jobs on local[2], their Spark jobs seen by a listener as the event log sees them.
 */
class NamedSparkWorkTest {
  @TempDir Path dir;

  /** The description of every Spark job started, in order. */
  static final class Descriptions extends SparkListener {
    final List<String> seen = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onJobStart(SparkListenerJobStart start) {
      Properties p = start.properties();
      seen.add(p == null ? null : p.getProperty(JobDescriptions.PROPERTY));
    }
  }

  /** The values of {@link JobFixtures#SMALL_MODEL}'s {@code --set} flags. */
  private static List<String> smallModel() {
    List<String> sets = new ArrayList<>();
    for (int i = 1; i < JobFixtures.SMALL_MODEL.length; i += 2) {
      sets.add(JobFixtures.SMALL_MODEL[i]);
    }
    return sets;
  }

  @Test
  void everySparkJobOfTrainGenerateAndEvaluateIsDescribed() throws Exception {
    Path table = JobFixtures.writeTable(dir, 400, 11);
    Path metadata = JobFixtures.writeMetadata(dir, "status");
    String modelDir = dir.resolve("model").toString();
    Descriptions descriptions = new Descriptions();
    SparkSession spark = SparkSessions.open("descriptions", "local[2]");
    TrainJob.Result trained;
    try {
      spark.sparkContext().addSparkListener(descriptions);
      trained = TrainJob.of(new TrainJob.Request("tabular-gan", new Properties(), "(none)",
          smallModel(), table.toString(), metadata.toString(), null, modelDir, 2, 3, 7L, false,
          false, false)).run(spark, List.of());
      GenerateJob generate = GenerateJob.of(new GenerateJob.Request(modelDir, 60, List.of(), null,
          dir.resolve("rows").toString(), "parquet", null, null, false, null, null, 2, false,
          List.of(), Evaluation.of(table.toString(), null, dir.resolve("report").toString(),
              List.of())));
      GenerateJob.Generated generated = generate.generate(spark);
      assertEquals(0, generate.evaluate(spark, generated));
      assertNull(JobDescriptions.current(spark), "every description is cleared after its work");
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.stop();
    }
    List<String> seen = new ArrayList<>(descriptions.seen);
    int rounds = trained.summary().rounds();
    assertTrue(rounds >= 2, "a few rounds: " + rounds);
    assertTrue(seen.stream().noneMatch(d -> d == null || d.isBlank()),
        "a Spark job without a description: " + seen);
    for (int r = 1; r <= rounds; r++) {
      assertTrue(seen.contains("train tabular-gan round " + r + "/" + rounds),
          "round " + r + " of " + rounds + ": " + seen);
    }
    assertTrue(seen.contains("train tabular-gan: preprocessing"), seen.toString());
    assertTrue(seen.contains("generate tabular-gan: write 60 rows"), seen.toString());
    for (String section : List.of("fidelity", "pair trends", "validity", "privacy",
        "privacy attacks")) {
      assertTrue(seen.contains("evaluate: " + section), section + ": " + seen);
    }
  }

  @Test
  void aScopeRestoresTheDescriptionBeforeIt() {
    SparkSession spark = SparkSessions.open("descriptions", "local[1]");
    try {
      try (JobDescriptions.Scope outer = JobDescriptions.describe(spark, "outer")) {
        try (JobDescriptions.Scope inner = JobDescriptions.describe(spark, "inner")) {
          inner.rename("inner, renamed");
          assertEquals("inner, renamed", JobDescriptions.current(spark));
        }
        assertEquals("outer", JobDescriptions.current(spark));
      }
      assertNull(JobDescriptions.current(spark));
    } finally {
      spark.stop();
    }
  }
}
