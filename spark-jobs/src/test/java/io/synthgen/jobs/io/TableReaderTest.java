package io.synthgen.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableReaderTest {
  @TempDir Path dir;

  @Test
  void aStoppedApplicationIsBlamedOnTheMasterNotOnTheInput() throws Exception {
    Path csv = Files.writeString(dir.resolve("t.csv"), "a,b\n1,x\n");
    SparkSession spark = SparkSession.builder().master("local[1]").appName("stopped")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
    spark.stop();
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> TableReader.read(spark, csv.toString(), null, "--input"));
    assertTrue(e.getMessage().contains("option '--master' has value 'local[1]'"), e.getMessage());
    assertTrue(e.getMessage().contains("stopped before it could read"), e.getMessage());
  }

  @Test
  void profilesByCategoryCountAndSampleEachClassOfTheLabel() throws Exception {
    StringBuilder csv = new StringBuilder("x,colour,label\n");
    for (int i = 0; i < 300; i++) {
      String label = i % 3 == 0 ? "yes" : "no";
      csv.append(i % 10 == 0 ? "" : String.valueOf(label.equals("yes") ? 1000 + i : i))
          .append(',').append(i % 2 == 0 ? "red" : "blue").append(',')
          .append(i == 1 ? "" : label).append('\n');
    }
    Path file = Files.writeString(dir.resolve("labelled.csv"), csv.toString());
    SparkSession spark = SparkSession.builder().master("local[2]").appName("by-category")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
    try {
      TableReader.LoadedTable t = TableReader.load(spark, file.toString(), null,
          new io.synthgen.tabular.TableMetadata("label", "yes", java.util.List.of("colour"),
              java.util.List.of("x")), "test", 20_000, 100, 7);
      var byClass = TableReader.profilesByCategory(t, "label", 20_000, 7);
      assertEquals(java.util.Set.of("yes", "no"), byClass.keySet(), "the null label left out");
      var yes = byClass.get("yes").get(0);
      assertEquals(100, yes.count());
      assertEquals(10, yes.nullCount(), "every 'yes' row with i % 10 == 0 has no x");
      assertEquals(90, yes.sample().length);
      assertTrue(java.util.Arrays.stream(yes.sample()).allMatch(v -> v >= 1000), "only 'yes' x");
      var no = byClass.get("no").get(0);
      assertEquals(199, no.count());
      assertTrue(java.util.Arrays.stream(no.sample()).allMatch(v -> v < 1000), "only 'no' x");
      assertEquals(t.profiles().get(1), byClass.get("no").get(1), "categorical profiles kept");
      assertTrue(TableReader.profilesByCategory(t, "colour-missing", 100, 7).isEmpty());
    } finally {
      spark.stop();
    }
  }
}
