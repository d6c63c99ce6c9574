package io.synthgen.jobs;

import static io.synthgen.jobs.testing.JobFixtures.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.synthgen.jobs.io.HadoopBundleStore;
import io.synthgen.jobs.testing.JobFixtures;
import io.synthgen.jobs.testing.SharedSparkSession;
import io.synthgen.model.bundle.ModelBundle;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every path on a real HDFS: a NameNode and a DataNode of Hadoop's own mini cluster (the release
 * Spark ships with) on 127.0.0.1, reached by {@code hdfs://} URIs through the Hadoop client the
 * jobs use everywhere else. Input and metadata are read from it; the model bundle, its
 * checkpoints, the generated rows and the report are written to it.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HdfsJobIT {
  /** The jobs of the class share one local[2] application (all name that master). */
  @RegisterExtension static final SharedSparkSession SPARK = SharedSparkSession.local("local[2]");
  @TempDir static Path local;
  MiniDFSCluster hdfs;
  FileSystem fs;
  String root;

  @BeforeAll
  void startHdfs() throws Exception {
    hdfs = io.synthgen.jobs.testing.MiniHdfs.start(local);
    fs = hdfs.getFileSystem();
    root = "hdfs://127.0.0.1:" + hdfs.getNameNodePort() + "/synth";
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(
        JobFixtures.writeTable(local, 600, 1).toString()), new org.apache.hadoop.fs.Path(
        root + "/in/table.csv"));
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(
        JobFixtures.writeMetadata(local, "status").toString()), new org.apache.hadoop.fs.Path(
        root + "/in/table.json"));
  }

  @AfterAll
  void stopHdfs() {
    if (hdfs != null) {
      hdfs.shutdown();
    }
  }

  private JobFixtures.Run train(String modelDir, int epochs, String... extra) {
    return JobFixtures.run(concat(concat(new String[] {"train", "--model", "tabular-gan",
        "--input", root + "/in/table.csv", "--metadata", root + "/in/table.json",
        "--model-dir", modelDir, "--epochs", Integer.toString(epochs), "--workers", "2",
        "--seed", "11", "--master", "local[2]", "--set", "checkpoint-every=1"},
        JobFixtures.SMALL_MODEL), extra));
  }

  private ModelBundle bundle(String dir) throws Exception {
    return ModelBundle.read(new HadoopBundleStore(dir, fs.getConf()));
  }

  private TreeSet<String> names(String dir) throws Exception {
    TreeSet<String> out = new TreeSet<>();
    for (FileStatus s : fs.listStatus(new org.apache.hadoop.fs.Path(dir))) {
      out.add(s.getPath().getName());
    }
    return out;
  }

  private JsonNode readJson(String file) throws Exception {
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(file))) {
      return ModelBundle.json().readTree(in);
    }
  }

  @Test
  void aPipelineDateHeldByAnotherRunOnHdfsEndsBusyThenPublishesOnceReleased() throws Exception {
    String output = root + "/augment";
    String[] pipeline = {"pipeline", "--run-date", "2026-12-09", "--input",
        root + "/in/table.csv", "--metadata", root + "/in/table.json", "--model",
        "gaussian-copula", "--models", root + "/shelf", "--rows", "40", "--output", output,
        "--master", "local[2]"};
    Configuration conf = fs.getConf();
    JobFixtures.Run busy;
    try (io.synthgen.jobs.io.DirectoryLease other = io.synthgen.jobs.io.DirectoryLease.acquire(
        output + "/run_date=2026-12-09", "--output", "pipeline 2026-12-09",
        java.time.Duration.ZERO, conf)) {
      busy = JobFixtures.run(pipeline);
    }
    assertEquals(4, busy.exitCode(), busy.stderr());
    assertTrue(busy.stderr().contains("busy"), busy.stderr());
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path(root + "/shelf")), "nothing trained");
    assertEquals("busy", readJson(output + "/_runs/run_date=2026-12-09.json").path("status")
        .asText());
    JobFixtures.Run next = JobFixtures.run(pipeline);
    assertEquals(0, next.exitCode(), next.stderr());
    assertEquals("published", readJson(output + "/run_date=2026-12-09/_run.json")
        .path("status").asText());
    assertEquals(2, java.util.Arrays.stream(fs.listStatus(new org.apache.hadoop.fs.Path(
        output + "/_runs/run_date=2026-12-09"))).filter(f -> f.getPath().getName()
        .startsWith("attempt-")).count(), "one record per attempt, on HDFS");
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path(output + "/.run_date=2026-12-09.lease")));
  }

  @Test
  void trainResumeGenerateAndEvaluateWithEveryPathOnHdfs() throws Exception {
    String resumed = root + "/models/resumed";
    // 600 rows, batch 100, 2 workers: 3 steps per epoch, 5 steps per round.
    JobFixtures.Run first = train(resumed, 10);
    assertEquals(0, first.exitCode(), first.stderr());
    assertEquals(6, bundle(resumed).training().path("round").asInt());
    // A checkpoint replaces the previous one whole: a manifest and one weights file, no leftovers.
    assertEquals(2, names(resumed).size(), names(resumed).toString());
    assertTrue(names(resumed).contains(ModelBundle.MANIFEST));

    JobFixtures.Run more = train(resumed, 20, "--resume");
    assertEquals(0, more.exitCode(), more.stderr());
    JobFixtures.Run straight = train(root + "/models/straight", 20);
    assertEquals(0, straight.exitCode(), straight.stderr());
    ModelBundle a = bundle(resumed);
    ModelBundle b = bundle(root + "/models/straight");
    assertEquals(12, a.training().path("round").asInt());
    assertEquals(12, a.training().path("history").size());
    for (Map.Entry<String, float[]> t : b.tensors().entrySet()) {
      assertArrayEquals(t.getValue(), a.tensors().get(t.getKey()),
          "tensor '" + t.getKey() + "' of the run resumed on HDFS equals the uninterrupted run's");
    }

    String rows = root + "/out/rows";
    String report = root + "/out/report";
    JobFixtures.Run gen = JobFixtures.run("generate", "--model-dir", resumed, "--rows", "300",
        "--partitions", "3", "--output", rows, "--master", "local[2]", "--real",
        root + "/in/table.csv", "--report", report, "--gate", "column_shapes>=0.5");
    assertEquals(0, gen.exitCode(), gen.stderr());
    List<Row> written = JobFixtures.withReader(s -> s.read().parquet(rows).collectAsList());
    assertEquals(300, written.size());
    assertTrue(names(rows).contains("_SUCCESS"), names(rows).toString());
    JsonNode json = readJson(report + "/report.json");
    assertEquals(300, json.path("rows").path("synthetic").asLong());
    assertTrue(json.path("passed").asBoolean(), json.path("gates").toString());
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path(report + "/report.html")));

    String evaluated = root + "/out/evaluated";
    JobFixtures.Run eval = JobFixtures.run("evaluate", "--model-dir", resumed, "--real",
        root + "/in/table.csv", "--synthetic", rows, "--report", evaluated, "--master",
        "local[2]");
    assertEquals(0, eval.exitCode(), eval.stderr());
    assertEquals(json.path("metrics").path("column_shapes").asDouble(),
        readJson(evaluated + "/report.json").path("metrics").path("column_shapes").asDouble(),
        1e-12, "evaluate of the same rows scores what generate --report scored");

    // Existing output: refused without --overwrite and left as it was; replaced whole with it.
    TreeSet<String> before = names(rows);
    JobFixtures.Run refused = JobFixtures.run("generate", "--model-dir", resumed, "--rows", "50",
        "--output", rows, "--master", "local[2]");
    assertEquals(2, refused.exitCode(), refused.stderr());
    assertTrue(refused.stderr().contains("--overwrite"), refused.stderr());
    assertEquals(before, names(rows));
    assertEquals(300L, (long) JobFixtures.withReader(s -> s.read().parquet(rows).count()));
    JobFixtures.Run replaced = JobFixtures.run("generate", "--model-dir", resumed, "--rows", "50",
        "--output", rows, "--master", "local[2]", "--overwrite");
    assertEquals(0, replaced.exitCode(), replaced.stderr());
    assertEquals(50L, (long) JobFixtures.withReader(s -> s.read().parquet(rows).count()));
    assertEquals(new TreeSet<>(Arrays.asList("evaluated", "report", "rows")),
        names(root + "/out"), "no staging directory is left beside the outputs");

    // an Iceberg table of a Hadoop catalog on HDFS: a run date replaced whole on rerun
    String warehouse = root + "/warehouse";
    for (String n : new String[] {"80", "30"}) {
      JobFixtures.Run ice = JobFixtures.run("generate", "--model-dir", resumed, "--rows", n,
          "--output-format", "iceberg", "--output", warehouse, "--table", "fraud.rows",
          "--run-date", "2026-11-30", "--master", "local[2]");
      assertEquals(0, ice.exitCode(), ice.stderr());
    }
    assertEquals(Map.of("2026-11-30", 30L), JobFixtures.rowsPerRunDate(warehouse, "fraud.rows"));
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path(warehouse + "/fraud/rows/metadata")));
  }

  @Test
  void aMissingHdfsInputIsRefusedByNameAndWritesNothing() throws Exception {
    String model = root + "/models/never";
    JobFixtures.Run r = JobFixtures.run(concat(new String[] {"train", "--model", "tabular-gan",
        "--input", root + "/in/absent.csv", "--metadata", root + "/in/table.json",
        "--model-dir", model, "--epochs", "1", "--master", "local[2]"},
        JobFixtures.SMALL_MODEL));
    assertEquals(2, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("absent.csv"), r.stderr());
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path(model)));
  }
}
