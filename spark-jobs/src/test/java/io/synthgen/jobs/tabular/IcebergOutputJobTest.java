package io.synthgen.jobs.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.jobs.testing.JobFixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code generate --output-format iceberg} into a real Iceberg table of a Hadoop catalog on
 * local disk, read back through Spark and Iceberg's own API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IcebergOutputJobTest {
  @TempDir static Path dir;
  Path model;

  @BeforeAll
  void trainCopula() throws Exception {
    Path table = JobFixtures.writeTable(dir, 400, 2);
    Path metadata = JobFixtures.writeMetadata(dir, "status");
    model = dir.resolve("model");
    JobFixtures.Run r = JobFixtures.run("train", "--model", "gaussian-copula", "--input",
        table.toString(), "--metadata", metadata.toString(), "--model-dir", model.toString(),
        "--seed", "4", "--master", "local[2]");
    assertEquals(0, r.exitCode(), r.stderr());
  }

  private JobFixtures.Run generate(Path warehouse, String table, String date, int rows,
      String... extra) {
    return JobFixtures.run(JobFixtures.concat(new String[] {"generate", "--model-dir",
        model.toString(), "--rows", Integer.toString(rows), "--condition", "status=bad",
        "--output-format", "iceberg", "--output", warehouse.toString(), "--table", table,
        "--run-date", date, "--partitions", "2", "--master", "local[2]"}, extra));
  }

  @Test
  void aRunDateIsReplacedWholeAndOtherDatesAreKept() {
    Path warehouse = dir.resolve("warehouse");
    String path = warehouse.resolve("fraud/rows").toString();
    assertEquals(0, generate(warehouse, "fraud.rows", "2026-11-30", 100).exitCode());
    JobFixtures.Run again = generate(warehouse, "fraud.rows", "2026-11-30", 60, "--seed", "9");
    assertEquals(0, again.exitCode(), again.stderr());
    assertTrue(again.stdout().contains("snapshot"), again.stdout());
    assertEquals(0, generate(warehouse, "fraud.rows", "2026-12-01", 40).exitCode());
    assertEquals(Map.of("2026-11-30", 60L, "2026-12-01", 40L),
        JobFixtures.rowsPerRunDate(warehouse.toString(), "fraud.rows"));
    List<Row> rows = JobFixtures.readIceberg(warehouse.toString(), "fraud.rows");
    assertTrue(rows.stream().allMatch(r -> "bad".equals(r.getAs("status"))));

    Table table = new HadoopTables(new org.apache.hadoop.conf.Configuration()).load(path);
    assertEquals(List.of("run_date"), table.spec().fields().stream()
        .map(f -> table.schema().findColumnName(f.sourceId())).toList());
    Snapshot replaced = null;
    for (Snapshot s : table.snapshots()) {
      if ("9".equals(s.summary().get("synth.seed"))) {
        replaced = s;
      }
    }
    assertTrue(replaced != null, "the second write's snapshot carries its seed");
    assertEquals("gaussian-copula", replaced.summary().get("synth.model"));
    assertEquals("4", replaced.summary().get("synth.model-seed"));
    assertEquals("60", replaced.summary().get("synth.rows"));
    assertEquals("2026-11-30", replaced.summary().get("synth.run-date"));
    assertEquals("status=bad", replaced.summary().get("synth.condition"));
    // one partition replaced: the snapshot removed the first 2026-11-30 files and added new ones
    assertEquals("60", replaced.summary().get("added-records"));
    assertEquals("100", replaced.summary().get("deleted-records"));
  }

  @Test
  void badIcebergOptionsAreRefusedByName() {
    Path warehouse = dir.resolve("bad-warehouse");
    JobFixtures.assertRejected(generate(warehouse, "rows", "2026-11-30", 5), warehouse,
        "--table", "'rows'", "NAMESPACE.TABLE");
    JobFixtures.assertRejected(generate(warehouse, "fraud.rows", "30/11/2026", 5), warehouse,
        "--run-date", "30/11/2026", "YYYY-MM-DD");
    JobFixtures.assertRejected(JobFixtures.run("generate", "--model-dir", model.toString(),
        "--rows", "5", "--output", dir.resolve("plain").toString(), "--table", "fraud.rows",
        "--master", "local[1]"), dir.resolve("plain"), "--table", "--output-format iceberg");
  }

  @Test
  void aTableWithOtherColumnsIsRefusedAndKept() {
    Path warehouse = dir.resolve("other-warehouse");
    JobFixtures.withReader(s -> {
      s.conf().set("spark.sql.catalog.other", "org.apache.iceberg.spark.SparkCatalog");
      s.conf().set("spark.sql.catalog.other.type", "hadoop");
      s.conf().set("spark.sql.catalog.other.warehouse", warehouse.toString());
      s.sql("CREATE TABLE other.fraud.other (id BIGINT, run_date DATE) USING iceberg "
          + "PARTITIONED BY (run_date)");
      return null;
    });
    JobFixtures.Run r = generate(warehouse, "fraud.other", "2026-11-30", 5);
    assertEquals(2, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("has columns [id bigint, run_date date]"), r.stderr());
    assertEquals(Map.of(), JobFixtures.rowsPerRunDate(warehouse.toString(), "fraud.other"));
  }
}
