package io.synthgen.jobs.io;

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
}
