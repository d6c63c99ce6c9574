package io.synthgen.jobs;

import static io.synthgen.jobs.testing.JobFixtures.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.jobs.testing.JobFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each bad input: exit code 2, a message naming the file/column/option and the value, no output. */
class BadInputJobTest {
  @TempDir Path dir;

  private JobFixtures.Run train(Path input, Path meta, String... extra) {
    String[] base = {"train", "--model", "tabular-gan", "--input", input.toString(),
        "--model-dir", dir.resolve("model").toString(), "--epochs", "1", "--master", "local[1]"};
    if (meta != null) {
      base = concat(base, "--metadata", meta.toString());
    }
    return JobFixtures.run(concat(concat(base, JobFixtures.SMALL_MODEL), extra));
  }

  private void assertRejected(JobFixtures.Run r, String... fragments) {
    JobFixtures.assertRejected(r, dir.resolve("model"), fragments);
  }

  @Test
  void missingLabelColumnNamesTheColumnAndTheFile() throws Exception {
    Path table = JobFixtures.writeTable(dir, 50, 1);
    Path meta = JobFixtures.writeMetadata(dir, "fraud_flag");
    assertRejected(train(table, meta), "'fraud_flag'", "table.json", "table.csv");
  }

  @Test
  void emptyInputIsRejected() throws Exception {
    Path table = dir.resolve("empty.csv");
    Files.writeString(table, "amount,visits,channel,status\n");
    assertRejected(train(table, JobFixtures.writeMetadata(dir, "status")), "empty.csv", "no data rows");
  }

  @Test
  void nonNumericValueInNumericColumnNamesColumnAndValue() throws Exception {
    Path table = JobFixtures.writeTable(dir, 50, 2);
    Files.writeString(table, Files.readString(table) + "12x,3,web,good\n");
    assertRejected(train(table, JobFixtures.writeMetadata(dir, "status")), "'amount'", "'12x'",
        "table.csv");
  }

  @Test
  void malformedCsvRecordNamesTheFile() throws Exception {
    Path table = JobFixtures.writeTable(dir, 50, 2);
    Files.writeString(table, Files.readString(table) + "1,2,web,good,surplus\n");
    assertRejected(train(table, JobFixtures.writeMetadata(dir, "status")), "table.csv",
        "malformed");
  }

  @Test
  void unknownConfigKeyIsNamed() throws Exception {
    Path table = JobFixtures.writeTable(dir, 50, 3);
    assertRejected(train(table, null, "--set", "learning-rat=0.1"), "'learning-rat'",
        "known options");
  }

  @Test
  void unknownKeyInConfigFileNamesTheFile() throws Exception {
    Path table = JobFixtures.writeTable(dir, 50, 3);
    Path conf = dir.resolve("job.conf");
    Files.writeString(conf, "model = tabular-gan\nepochz = 3\n");
    assertRejected(train(table, null, "--conf", conf.toString()), "'epochz'", "job.conf");
  }

  @Test
  void missingInputFileIsNamed() {
    assertRejected(train(dir.resolve("nope.csv"), null), "nope.csv", "does not exist");
  }

  @Test
  void missingModelDirectoryIsNamed() {
    JobFixtures.Run r = JobFixtures.run("generate", "--model-dir", dir.resolve("absent").toString(),
        "--rows", "5", "--output", dir.resolve("out").toString(), "--master", "local[1]");
    assertEquals(2, r.exitCode());
    assertTrue(r.stderr().contains("absent") && r.stderr().contains("bundle.json"), r.stderr());
    assertFalse(Files.exists(dir.resolve("out")));
  }

  @Test
  void corruptModelDirectoryIsReported() throws Exception {
    Path model = dir.resolve("broken");
    Files.createDirectories(model);
    Files.writeString(model.resolve("bundle.json"), "{not json");
    JobFixtures.Run r = JobFixtures.run("generate", "--model-dir", model.toString(), "--rows", "5",
        "--output", dir.resolve("out").toString(), "--master", "local[1]");
    assertEquals(2, r.exitCode());
    assertTrue(r.stderr().contains("corrupt") && r.stderr().contains("broken"), r.stderr());
    assertFalse(Files.exists(dir.resolve("out")));
  }

  @Test
  void unknownModelNameListsRegisteredModels() throws Exception {
    Path table = JobFixtures.writeTable(dir, 50, 4);
    JobFixtures.Run r = JobFixtures.run("train", "--model", "tabular-gun", "--input",
        table.toString(), "--model-dir", dir.resolve("model").toString());
    assertRejected(r, "'tabular-gun'", "tabular-gan");
  }
}
