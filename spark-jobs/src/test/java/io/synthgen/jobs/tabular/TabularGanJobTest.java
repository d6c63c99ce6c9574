package io.synthgen.jobs.tabular;

import static io.synthgen.jobs.testing.JobFixtures.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.jobs.testing.JobFixtures;
import io.synthgen.jobs.testing.SharedSparkSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Train once on a tiny table with real Spark local[2], then exercise generation end to end. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TabularGanJobTest {
  @RegisterExtension static final SharedSparkSession SPARK = SharedSparkSession.local("local[2]");
  @TempDir static Path dir;
  Path table;
  Path metadata;
  Path model;

  @BeforeAll
  void trainOnce() throws Exception {
    table = JobFixtures.writeTable(dir, 600, 1);
    metadata = JobFixtures.writeMetadata(dir, "status");
    model = dir.resolve("model");
    JobFixtures.Run r = JobFixtures.run(concat(new String[] {"train", "--model",
        "tabular-gan", "--input", table.toString(), "--metadata", metadata.toString(),
        "--model-dir", model.toString(), "--epochs", "30", "--workers", "2", "--seed", "5",
        "--master", "local[2]"}, JobFixtures.SMALL_MODEL));
    assertEquals(0, r.exitCode(), r.stderr());
    assertTrue(Files.exists(model.resolve("bundle.json")));
    var training = io.synthgen.model.bundle.ModelBundle.read(
        new io.synthgen.model.bundle.LocalBundleStore(model)).training();
    // 600 rows, batch 100, 2 workers: 3 steps per epoch, 30 epochs, 5 steps per round = 18 rounds.
    assertEquals(18, training.path("round").asInt());
    assertEquals(18, training.path("history").size());
    assertTrue(training.path("history").get(17).has("g_loss"), training.toString());
  }

  @Test
  void globalBatchScopeSplitsTheBatchSoAnEpochKeepsItsSequentialSteps() throws Exception {
    Path m = dir.resolve("model-global");
    var b = trainFiveEpochs(table, m, "batch-scope=global");
    // 600 rows, 2 workers x 50 rows: 6 steps per epoch (as 1 worker x 100), 5 epochs, 5 per round
    assertEquals(6, b.training().path("round").asInt(), b.training().toString());
    assertEquals(3000, b.training().path("rowsSeen").asLong(), "5 epochs of 600 rows");
    assertEquals("100", b.config().get("batch-size"), "the bundle keeps the option as given");
    assertEquals("global", b.config().get("batch-scope"));
  }

  @Test
  void minStepsLengthensARunThatItsEpochsLeaveShort() throws Exception {
    var b = trainFiveEpochs(table, dir.resolve("model-min-steps"), "min-steps=40");
    // 600 rows, 2 workers x 100: 3 steps per epoch, 15 for 5 epochs, raised to 40 = 8 rounds of 5
    assertEquals(8, b.training().path("round").asInt(), b.training().toString());
    assertEquals(8000, b.training().path("rowsSeen").asLong(), "40 steps x 2 workers x 100 rows");
  }

  @Test
  void labelPairedConditionsKeepTheRealChannelSharesWithinTheGeneratedClass() throws Exception {
    // the fixture's channel made to depend on status: 'bad' rows are 80% phone, 'good' never
    List<String> lines = Files.readAllLines(table);
    StringBuilder dependent = new StringBuilder(lines.get(0)).append('\n');
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",", -1);
      boolean bad = f[3].equals("bad");
      f[2] = bad ? (i % 5 == 0 ? "web" : "phone") : (f[2].equals("phone") ? "shop" : f[2]);
      dependent.append(String.join(",", f)).append('\n');
    }
    Path input = dir.resolve("table-dependent.csv");
    Files.writeString(input, dependent.toString());
    Path m = dir.resolve("model-paired");
    var b = trainFiveEpochs(input, m, "label-paired-conditions=true");
    assertTrue(b.transformer().has("label_pairs"), "the bundle keeps the joint counts");
    List<Row> rows = JobFixtures.generate(m, dir.resolve("out-paired"), "local[2]", "--rows",
        "400", "--condition", "status=bad", "--partitions", "2");
    assertEquals(400, rows.size());
    assertTrue(rows.stream().allMatch(row -> "bad".equals(row.getString(3))));
    // channel is the only other categorical column, so every row's partner is its channel,
    // drawn from the real 'bad' rows' channel shares and carried (5 epochs are far too few for
    // the generator to learn the dependence itself)
    double phone = rows.stream().filter(row -> "phone".equals(row.getString(2))).count() / 400.0;
    assertEquals(0.8, phone, PAIRED_SHARE_TOLERANCE, "phone share among generated 'bad' rows");
  }

  @Test
  void perClassMarginalsGiveTheRareClassItsOwnAmounts() throws Exception {
    Path m = dir.resolve("model-by-label");
    var b = trainFiveEpochs(table, m, "output.match-marginals-by-label=true");
    var classes = b.transformer().path("marginalsByLabel").path("classes");
    assertTrue(classes.has("bad") && classes.has("good"), b.transformer().toString());
    List<Row> rows = JobFixtures.generate(m, dir.resolve("out-by-label"), "local[2]", "--rows",
        "400", "--condition", "status=bad", "--partitions", "2");
    // real 'bad' amounts: 500 +- 50 where not zero or empty; 'good' ones 50 +- 10
    double[] amounts = rows.stream().filter(r -> !r.isNullAt(0) && r.getDouble(0) != 0)
        .mapToDouble(r -> r.getDouble(0)).sorted().toArray();
    // how many are null or zero is the 5-epoch generator's business; their values are the step's
    assertTrue(amounts.length >= MIN_NON_ZERO_AMOUNTS, "non-zero amounts: " + amounts.length);
    double median = amounts[amounts.length / 2];
    assertEquals(500, median, BAD_AMOUNT_TOLERANCE,
        "median non-zero amount of generated 'bad' rows");
  }

  @Test
  void aBundleWithoutClassifierOrPerClassMarginalsGeneratesWithoutThem() throws Exception {
    Path m = dir.resolve("model-whole-columns");
    var b = trainFiveEpochs(table, m, "output.match-marginals-by-label=false",
        "classifier-loss-weight=0");
    assertTrue(b.transformer().has("marginalsByLabel"),
        "kept whatever the key says, so generate --set can switch it on");
    assertTrue(!b.tensors().containsKey("classifier"));
    // what a bundle of the previous version looks like: no per-class distributions
    removeFromManifest(m, "transformer", "marginalsByLabel");
    // output.label-filter keeps its default (0.5) but has no classifier to ask: logged, ignored;
    // by-label matching switched on for this job finds no distributions: whole columns, logged
    List<Row> rows = JobFixtures.generate(m, dir.resolve("out-whole-columns"), "local[2]",
        "--rows", "200", "--condition", "status=bad", "--partitions", "2", "--set",
        "output.match-marginals-by-label=true");
    assertEquals(200, rows.size());
    assertTrue(rows.stream().allMatch(row -> "bad".equals(row.getString(3))));
  }

  @Test
  void theAuxiliaryClassifierIsAveragedKeptInTheBundleAndResumed() throws Exception {
    Path m = dir.resolve("model-classifier");
    var b = trainFiveEpochs(table, m, "classifier-loss-weight=1");
    assertTrue(b.tensors().containsKey("classifier"), b.tensors().keySet().toString());
    assertTrue(b.tensors().containsKey("classifier.adam.m"));
    var last = b.training().path("history").get(b.training().path("round").asInt() - 1);
    assertTrue(last.path("aux_ce").asDouble() > 0, last.toString());
    int before = b.training().path("round").asInt();
    var resumed = resume(m, 8);
    assertTrue(resumed.training().path("round").asInt() > before, resumed.training().toString());
    assertTrue(!java.util.Arrays.equals(b.tensors().get("classifier"),
        resumed.tensors().get("classifier")), "the resumed run trains the classifier on");
  }

  @Test
  void aBundleWrittenBeforeTheClassifierResumesWithAFreshClassifier() throws Exception {
    Path m = dir.resolve("model-before-classifier");
    var b = trainFiveEpochs(table, m, "classifier-loss-weight=0");
    assertTrue(!b.tensors().containsKey("classifier"));
    // what a bundle of the previous version looks like: no such key in its config
    removeFromManifest(m, "config", "classifier-loss-weight");
    var resumed = resume(m, 7);
    assertTrue(resumed.tensors().containsKey("classifier"), "the default weight adds it");
    assertTrue(resumed.training().path("round").asInt() > b.training().path("round").asInt());
  }

  /** Removes {@code key} from {@code section} of the bundle in {@code m}, as an old version. */
  private static void removeFromManifest(Path m, String section, String key) throws Exception {
    Path manifest = m.resolve("bundle.json");
    var json = (com.fasterxml.jackson.databind.node.ObjectNode)
        io.synthgen.model.bundle.ModelBundle.json().readTree(manifest.toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) json.get(section)).remove(key);
    io.synthgen.model.bundle.ModelBundle.json().writeValue(manifest.toFile(), json);
    Files.deleteIfExists(m.resolve(".bundle.json.crc")); // Hadoop's checksum of the old text
  }

  /** Resumes the model in {@code m} up to {@code epochs} on 2 workers; returns its bundle. */
  private io.synthgen.model.bundle.ModelBundle resume(Path m, int epochs) throws Exception {
    JobFixtures.Run r = JobFixtures.run(concat(new String[] {"train", "--resume", "--input",
        table.toString(), "--metadata", metadata.toString(), "--model-dir", m.toString(),
        "--epochs", String.valueOf(epochs), "--workers", "2", "--master", "local[2]"},
        JobFixtures.SMALL_MODEL));
    assertEquals(0, r.exitCode(), r.stderr());
    return io.synthgen.model.bundle.ModelBundle.read(
        new io.synthgen.model.bundle.LocalBundleStore(m));
  }

  /** Trains the small model 5 epochs on 2 workers with extra keys; returns its bundle. */
  private io.synthgen.model.bundle.ModelBundle trainFiveEpochs(Path input, Path m,
      String... assignments) throws Exception {
    String[] set = new String[2 * assignments.length];
    for (int i = 0; i < assignments.length; i++) {
      set[2 * i] = "--set";
      set[2 * i + 1] = assignments[i];
    }
    JobFixtures.Run r = JobFixtures.run(concat(new String[] {"train", "--model",
        "tabular-gan", "--input", input.toString(), "--metadata", metadata.toString(),
        "--model-dir", m.toString(), "--epochs", "5", "--workers", "2", "--seed", "5",
        "--master", "local[2]"}, concat(JobFixtures.SMALL_MODEL, set)));
    assertEquals(0, r.exitCode(), r.stderr());
    return io.synthgen.model.bundle.ModelBundle.read(
        new io.synthgen.model.bundle.LocalBundleStore(m));
  }

  /** Fewest non-zero generated amounts for the median check (its sd about 9 at 50). */
  private static final int MIN_NON_ZERO_AMOUNTS = 50;

  /** Median generated 'bad' amount vs the real 500 (sd 50; 5 epochs teach the generator none). */
  private static final double BAD_AMOUNT_TOLERANCE = 40;

  /** Generated channel share within a class vs the real one: about 4 sd at 400 rows. */
  private static final double PAIRED_SHARE_TOLERANCE = 0.1;

  @Test
  void globalBatchScopeTooSmallForTheWorkersIsRejectedNamingTheOption() {
    Path m = dir.resolve("model-global-too-small");
    JobFixtures.Run r = JobFixtures.run(concat(new String[] {"train", "--model",
        "tabular-gan", "--input", table.toString(), "--metadata", metadata.toString(),
        "--model-dir", m.toString(), "--epochs", "1", "--workers", "30", "--master",
        "local[2]"}, concat(JobFixtures.SMALL_MODEL, "--set", "batch-scope=global")));
    JobFixtures.assertRejected(r, m.resolve("bundle.json"), "'batch-size' (100)",
        "30 workers", "at least 300");
  }

  private List<Row> generate(String output, String master, String... extra) {
    return JobFixtures.generate(model, dir.resolve(output), master, extra);
  }

  @Test
  void generateThenEvaluateInOneInvocationWritesRowsAndReport() throws Exception {
    Path out = dir.resolve("out-evaluated");
    Path report = dir.resolve("report-evaluated");
    JobFixtures.Run r = JobFixtures.run("generate", "--model-dir", model.toString(), "--rows",
        "300", "--output", out.toString(), "--master", "local[2]", "--real", table.toString(),
        "--report", report.toString(), "--gate", "column_shapes>=0.5", "--gate",
        "rows_unknown_category<=0", "--gate", "label_filter_give_up_share<=1");
    assertEquals(0, r.exitCode(), r.stderr());
    java.util.regex.Matcher gaveUp = java.util.regex.Pattern.compile(
        "label filter gave up on (\\d+) rows").matcher(r.stdout());
    assertTrue(gaveUp.find(), r.stdout());
    assertEquals(300, JobFixtures.readParquet(out).size());
    var json = io.synthgen.model.bundle.ModelBundle.json().readTree(
        report.resolve("report.json").toFile());
    assertEquals(300, json.path("rows").path("synthetic").asLong());
    assertTrue(json.path("inputs").path("synthetic").asText().endsWith("out-evaluated"));
    assertTrue(json.path("metrics").path("column_shapes").asDouble() > 0.5, json.toString());
    assertEquals(Long.parseLong(gaveUp.group(1)) / 300.0,
        json.path("metrics").path("label_filter_give_up_share").asDouble(), 1e-9,
        "the give-up share of the job's own rows");
    assertTrue(json.path("passed").asBoolean());
    assertTrue(Files.exists(report.resolve("report.html")));
  }

  @Test
  void generateWithAReportButNoRealDataIsRejectedBeforeWritingRows() {
    Path out = dir.resolve("out-no-real");
    JobFixtures.Run r = JobFixtures.run("generate", "--model-dir", model.toString(), "--rows",
        "10", "--output", out.toString(), "--report", dir.resolve("report-no-real").toString(),
        "--master", "local[2]");
    JobFixtures.assertRejected(r, out, "--real");
  }

  @Test
  void generateWritesExactRowCountWithOriginalNamesAndTypes() {
    List<Row> rows = generate("out-types", "local[2]", "--rows", "137", "--partitions", "3");
    assertEquals(137, rows.size());
    StructType schema = JobFixtures.readSchema(dir.resolve("out-types"));
    assertEquals(List.of("amount", "visits", "channel", "status"), List.of(schema.fieldNames()));
    assertEquals(DataTypes.DoubleType, schema.apply("amount").dataType());
    assertEquals(DataTypes.IntegerType, schema.apply("visits").dataType());
    assertEquals(DataTypes.StringType, schema.apply("channel").dataType());
    for (Row row : rows) {
      if (!row.isNullAt(0)) {
        double amount = row.getDouble(0);
        assertTrue(amount >= 0 && amount <= 800, "amount within observed range: " + amount);
      }
      assertTrue(List.of("web", "shop", "phone").contains(row.getString(2)));
    }
  }

  @Test
  void sameSeedRowsAndPartitionsGiveIdenticalOutputWithOneOrTwoExecutorThreads() {
    List<Row> one = generate("det-1", "local[1]", "--rows", "250", "--partitions", "4", "--seed",
        "9");
    List<Row> two = generate("det-2", "local[2]", "--rows", "250", "--partitions", "4", "--seed",
        "9");
    assertEquals(sorted(one), sorted(two));
    List<Row> other = generate("det-3", "local[2]", "--rows", "250", "--partitions", "4", "--seed",
        "10");
    assertTrue(!sorted(one).equals(sorted(other)), "a different seed gives different rows");
  }

  @Test
  void withoutPartitionsTheRowsDoNotDependOnTheCluster() {
    List<Row> one = generate("nop-1", "local[1]", "--rows", "250", "--seed", "9");
    List<Row> two = generate("nop-2", "local[2]", "--rows", "250", "--seed", "9");
    assertEquals(sorted(one), sorted(two), "one partition per 100,000 rows on either master");
  }

  private static List<String> sorted(List<Row> rows) {
    return rows.stream().map(Row::toString).sorted().collect(Collectors.toList());
  }

  @Test
  void conditionalGenerationGivesExactlyNRowsAllCarryingTheValue() {
    List<Row> rows = generate("cond", "local[2]", "--rows", "300", "--condition", "status=bad",
        "--partitions", "2");
    assertEquals(300, rows.size());
    assertTrue(rows.stream().allMatch(r -> "bad".equals(r.getString(3))));
  }

  @Test
  void unconditionalGenerationReproducesTheClassBalance() {
    List<Row> rows = generate("balance", "local[2]", "--rows", "1000", "--partitions", "3");
    long bad = rows.stream().filter(r -> "bad".equals(r.getString(3))).count();
    long realBad;
    try {
      realBad = Files.readAllLines(table).stream().filter(l -> l.endsWith(",bad")).count();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    assertEquals(Math.round(1000.0 * realBad / 600), bad, 1.0);
  }

  @Test
  void existingOutputNeedsOverwrite() throws Exception {
    generate("exists", "local[2]", "--rows", "10");
    long before = Files.getLastModifiedTime(dir.resolve("exists")).toMillis();
    JobFixtures.Run r = JobFixtures.run("generate", "--model-dir", model.toString(), "--rows", "10",
        "--output", dir.resolve("exists").toString(), "--master", "local[2]");
    assertEquals(2, r.exitCode());
    assertTrue(r.stderr().contains("already exists") && r.stderr().contains("--overwrite"),
        r.stderr());
    assertEquals(before, Files.getLastModifiedTime(dir.resolve("exists")).toMillis());
    List<Row> again = generate("exists", "local[2]", "--rows", "12", "--overwrite");
    assertEquals(12, again.size());
  }

  @Test
  void setChangesAGenerationKeyForOneJobAndLeavesTheBundleAlone() throws Exception {
    String manifest = Files.readString(model.resolve("bundle.json"));
    List<Row> filtered = generate("set-default", "local[2]", "--rows", "300", "--seed", "3");
    List<Row> unfiltered = generate("set-off", "local[2]", "--rows", "300", "--seed", "3",
        "--set", "output.label-filter=0");
    assertEquals(300, unfiltered.size());
    java.util.Set<Row> filteredRows = new java.util.HashSet<>(filtered);
    assertTrue(unfiltered.stream().anyMatch(r -> !filteredRows.contains(r)),
        "without the filter no row is drawn again: some rows' values differ, not only their order");
    assertEquals(unfiltered, generate("set-off-again", "local[2]", "--rows", "300", "--seed",
        "3", "--set", "output.label-filter=0"), "the same seed and keys give the same rows");
    assertEquals(manifest, Files.readString(model.resolve("bundle.json")));
  }

  @Test
  void setOfAKeyFixedByTrainingOrOfABadValueIsRefusedAndWritesNothing() {
    JobFixtures.Run fixed = JobFixtures.run("generate", "--model-dir", model.toString(), "--rows",
        "10", "--set", "generator-dims=8", "--output", dir.resolve("never-set").toString(),
        "--master", "local[2]");
    assertEquals(2, fixed.exitCode());
    assertTrue(fixed.stderr().contains("'generator-dims'")
        && fixed.stderr().contains("output.label-filter")
        && fixed.stderr().contains("train again"), fixed.stderr());
    JobFixtures.Run bad = JobFixtures.run("generate", "--model-dir", model.toString(), "--rows",
        "10", "--set", "output.label-filter=2", "--output", dir.resolve("never-set").toString(),
        "--master", "local[2]");
    assertEquals(2, bad.exitCode());
    assertTrue(bad.stderr().contains("output.label-filter") && bad.stderr().contains("2"),
        bad.stderr());
    assertTrue(!Files.exists(dir.resolve("never-set")));
  }

  @Test
  void unknownConditionValueIsAnErrorListingValidValuesAndWritesNothing() {
    JobFixtures.Run r = JobFixtures.run("generate", "--model-dir", model.toString(), "--rows", "10",
        "--condition", "status=maybe", "--output", dir.resolve("never").toString(), "--master",
        "local[2]");
    assertEquals(2, r.exitCode());
    assertTrue(r.stderr().contains("'maybe'") && r.stderr().contains("good, bad"), r.stderr());
    assertTrue(!Files.exists(dir.resolve("never")));
  }

  @Test
  void resumeContinuesFromTheCheckpoint() throws Exception {
    Path copy = JobFixtures.copyDirectory(model, dir.resolve("model-copy"));
    int before = io.synthgen.model.bundle.ModelBundle.read(
        new io.synthgen.model.bundle.LocalBundleStore(copy)).training().path("round").asInt();
    var training = resume(copy, 45).training();
    assertTrue(training.path("round").asInt() > before, training.toString());
    assertEquals(before + 1, training.path("history").get(before).path("round").asInt(),
        "history continues after the checkpoint's rounds");
  }

  @Test
  void nesterovOuterStateIsCheckpointedAndResumingEqualsAnUninterruptedRun() throws Exception {
    Path straight = dir.resolve("outer-straight");
    Path split = dir.resolve("outer-split");
    String[] outer = {"--set", "outer.optimizer=nesterov", "--set", "outer.lr=0.7",
        "--set", "outer.momentum=0.9"};
    assertEquals(0, trainOuter(straight, "10", false, outer).exitCode());
    assertEquals(0, trainOuter(split, "5", false, outer).exitCode());
    JobFixtures.Run resumed = trainOuter(split, "10", true);
    assertEquals(0, resumed.exitCode(), resumed.stderr());
    var a = io.synthgen.model.bundle.ModelBundle.read(
        new io.synthgen.model.bundle.LocalBundleStore(straight));
    var b = io.synthgen.model.bundle.ModelBundle.read(
        new io.synthgen.model.bundle.LocalBundleStore(split));
    assertTrue(a.tensors().containsKey("outer.generator.momentum"), a.tensors().keySet()
        .toString());
    assertTrue(a.tensors().containsKey("outer.critic.momentum"));
    for (String name : a.tensors().keySet()) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(a.tensors().get(name),
          b.tensors().get(name), "tensor " + name + " after resume");
    }
    var last = a.training().path("history").get(a.training().path("history").size() - 1);
    for (String key : new String[] {"broadcast_mb", "aggregated_mb", "local_s", "sync_s",
        "drift", "drift_rel"}) {
      assertTrue(last.has(key), key + " in " + last);
    }
    assertTrue(last.path("drift").asDouble() > 0, "two workers drift apart: " + last);
    assertTrue(last.path("aggregated_mb").asDouble() > last.path("broadcast_mb").asDouble());
  }

  private JobFixtures.Run trainOuter(Path modelDir, String epochs, boolean resume,
      String... extra) {
    String[] args = {"train", "--model", "tabular-gan", "--input", table.toString(),
        "--metadata", metadata.toString(), "--model-dir", modelDir.toString(), "--epochs", epochs,
        "--workers", "2", "--seed", "9", "--master", "local[2]"};
    if (resume) {
      args = concat(new String[] {"train", "--resume"}, java.util.Arrays.copyOfRange(args, 3,
          args.length));
      return JobFixtures.run(concat(args, JobFixtures.SMALL_MODEL));
    }
    return JobFixtures.run(concat(concat(args, JobFixtures.SMALL_MODEL), extra));
  }

  @Test
  void benchmarkGenerateComparesWithSparksRawParquetWriteAndRemovesItsScratch() throws Exception {
    Path scratch = dir.resolve("bench-scratch");
    JobFixtures.Run r = JobFixtures.run("benchmark-generate", "--model-dir", model.toString(),
        "--rows", "3000", "--partitions", "2", "--output", scratch.toString(), "--master",
        "local[2]");
    assertEquals(0, r.exitCode(), r.stderr());
    java.util.regex.Matcher ratio = java.util.regex.Pattern
        .compile("ratio generate / raw: ([0-9.]+)").matcher(r.stdout());
    assertTrue(ratio.find(), r.stdout());
    assertTrue(Double.parseDouble(ratio.group(1)) > 0, r.stdout());
    assertTrue(r.stdout().contains("generate: 3000 rows, 4 columns, 2 partitions"), r.stdout());
    java.util.regex.Matcher rss = java.util.regex.Pattern
        .compile("peak executor RSS: ([0-9]+) MB").matcher(r.stdout());
    assertTrue(rss.find() && Long.parseLong(rss.group(1)) > 0, r.stdout());
    assertTrue(!Files.exists(scratch), "scratch removed");
  }

  @Test
  void benchmarkGenerateRefusesAnExistingScratchDirectoryAndLeavesIt() throws Exception {
    Path scratch = Files.createDirectories(dir.resolve("bench-existing"));
    Files.writeString(scratch.resolve("keep.txt"), "mine");
    JobFixtures.Run r = JobFixtures.run("benchmark-generate", "--model-dir", model.toString(),
        "--rows", "10", "--output", scratch.toString(), "--master", "local[2]");
    assertEquals(2, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("option '--output' has value '" + scratch + "'"), r.stderr());
    assertEquals("mine", Files.readString(scratch.resolve("keep.txt")));
  }
}
