package io.synthgen.jobs.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.synthgen.jobs.io.TableReader;
import io.synthgen.jobs.testing.JobFixtures;
import io.synthgen.jobs.testing.SharedSparkSession;
import io.synthgen.jobs.train.AveragingTrainer;
import io.synthgen.model.train.LocalTrainer;
import io.synthgen.model.train.OuterOptimizer;
import io.synthgen.model.train.TrainingState;
import io.synthgen.tabular.EncodedTable;
import io.synthgen.tabular.TableMetadata;
import io.synthgen.tabular.gan.TabularGanConfig;
import io.synthgen.tabular.transform.TableTransformer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training partitions of {@code tabular-gan} are fixed for a run: every round trains each
 * worker on the same disjoint rows, and a partition recomputed from the input (a lost cached
 * block) holds the same rows. Differential privacy's parallel composition over workers relies on
 * it (docs/privacy.md).
 */
class EncodedPartitionsIT {
  @RegisterExtension static final SharedSparkSession SPARK =
      SharedSparkSession.local("local[2]");
  /** Fingerprints of the partitions each round's tasks received (same JVM on local[2]). */
  private static final List<String> SEEN = Collections.synchronizedList(new ArrayList<>());
  @TempDir Path dir;

  /** Row count and a hash of the encoded values of a partition. */
  static String fingerprint(EncodedTable t) {
    return t.rows() + ":" + Arrays.hashCode(t.data());
  }

  /** A trainer that only records the partition it is given, and keeps the state. */
  static final class RecordingTrainer implements LocalTrainer<EncodedTable> {
    private static final long serialVersionUID = 1L;

    @Override
    public String[] metricNames() {
      return new String[0];
    }

    @Override
    public Set<String> parameterTensors() {
      return Set.of("w");
    }

    @Override
    public TrainingState train(TrainingState start, EncodedTable partition, int steps, long seed) {
      SEEN.add(fingerprint(partition));
      return new TrainingState(start.tensors(), start.step() + steps, new double[0], 0,
          partition.rows(), 1);
    }
  }

  @Test
  void everyRoundAndEveryRecomputationSeesTheSameDisjointPartitions() throws Exception {
    SparkSession spark = SPARK.session();
    Path table = JobFixtures.writeTable(dir, 600, 3);
    Path meta = JobFixtures.writeMetadata(dir, "status");
    TableMetadata metadata = TableReader.readMetadata(meta.toString(),
        spark.sparkContext().hadoopConfiguration());
    TableReader.LoadedTable loaded = TableReader.load(spark, table.toString(), null, metadata,
        meta.toString(), 1000, 100, 1);
    TableTransformer transformer = TableTransformer.fit(loaded.profiles(),
        TabularGanConfig.from(io.synthgen.model.config.Options.builder(TabularGanConfig.SPECS)
            .build()).fitOptions);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<TableTransformer> bt = sc.broadcast(transformer);
    JavaRDD<EncodedTable> partitions = TabularGanFamily.encodedPartitions(loaded, bt, 2, 7, true);
    List<String> cached = partitions.map(EncodedPartitionsIT::fingerprint).collect();
    assertEquals(600, cached.stream().mapToInt(f -> Integer.parseInt(f.split(":")[0])).sum(),
        "the partitions hold every row once");

    SEEN.clear();
    new AveragingTrainer<>(sc, new RecordingTrainer(), List.of(), OuterOptimizer.average(),
        "test").train(partitions, TrainingState.of(Map.of("w", new float[] {0f}), 0), 0, 3, 1,
        1, 600, 0, 100, (state, rounds, rows) -> { });
    assertEquals(6, SEEN.size(), "3 rounds of 2 workers");
    assertEquals(new TreeSet<>(cached), new TreeSet<>(SEEN), "each round, the cached partitions");
    for (String f : cached) {
      assertEquals(3, Collections.frequency(SEEN, f), "partition " + f + " in every round");
    }

    partitions.unpersist(true);
    JavaRDD<EncodedTable> recomputed = TabularGanFamily.encodedPartitions(loaded, bt, 2, 7, true);
    assertEquals(cached, recomputed.map(EncodedPartitionsIT::fingerprint).collect());
  }
}
