package io.synthgen.jobs;

import static io.synthgen.jobs.testing.JobFixtures.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synthgen.jobs.testing.JobFixtures;
import io.synthgen.jobs.testing.SharedSparkSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The catalogue of bad inputs, one row each, across train, generate and evaluate: exit code 2,
 * one message that names the file, column or option, the bad value and the fix, no stack trace
 * (that needs {@code --verbose}), nothing written, and every input left as it was.
 */
class BadInputCatalogTest {
  @RegisterExtension static final SharedSparkSession SPARK =
      SharedSparkSession.local("local[1]");
  /** A fitted gaussian-copula bundle (trains in seconds); each case works on its own copy. */
  @TempDir static Path shared;
  static Path trainedModel;
  @TempDir Path dir;

  @BeforeAll
  static void trainModel() throws IOException {
    trainedModel = shared.resolve("model");
    JobFixtures.Run r = JobFixtures.run("train", "--model", "gaussian-copula", "--input",
        JobFixtures.writeTable(shared, 300, 1).toString(), "--metadata",
        JobFixtures.writeMetadata(shared, "status").toString(), "--model-dir",
        trainedModel.toString(), "--master", "local[1]");
    assertEquals(0, r.exitCode(), r.stderr());
  }

  /** What a case runs, the path that must not appear, and the files that must stay as they were. */
  record Invocation(String[] args, Path mustNotExist, List<Path> mustStay) {}

  /** Builds one case's files in its directory. */
  interface Setup {
    Invocation in(Path dir) throws Exception;
  }

  /** One bad input: what it is, how to make it, the words its message must contain. */
  record Case(String name, Setup setup, String... fragments) {
    @Override
    public String toString() {
      return name;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isRefusedWithAMessageThatNamesItAndLosesNothing(Case c) throws Exception {
    Invocation inv = c.setup().in(dir);
    Map<Path, byte[]> before = new java.util.HashMap<>();
    for (Path p : inv.mustStay()) {
      if (Files.isRegularFile(p)) {
        before.put(p, Files.readAllBytes(p));
      }
    }
    JobFixtures.Run r = JobFixtures.run(inv.args());
    assertEquals(2, r.exitCode(), c.name() + ": " + r.stderr());
    String message = r.stderr().strip();
    assertEquals(1, message.lines().count(), "one message: " + message);
    assertTrue(message.startsWith("synth ") && message.contains(": error: "), message);
    for (String f : c.fragments()) {
      assertTrue(message.contains(f), c.name() + ": message lacks '" + f + "': " + message);
    }
    assertFalse(Files.exists(inv.mustNotExist()), "nothing written to " + inv.mustNotExist());
    for (Map.Entry<Path, byte[]> e : before.entrySet()) {
      assertArrayEquals(e.getValue(), Files.readAllBytes(e.getKey()), e.getKey() + " changed");
    }
  }

  @Test
  void verboseAddsTheStackTrace() throws Exception {
    Invocation inv = train(dir, table(dir, "t.csv", "amount,visits,channel,status\n1,2,web\n"),
        null);
    JobFixtures.Run quiet = JobFixtures.run(inv.args());
    JobFixtures.Run verbose = JobFixtures.run(concat(inv.args(), "--verbose"));
    assertEquals(2, verbose.exitCode(), verbose.stderr());
    assertFalse(quiet.stderr().contains("\tat "), quiet.stderr());
    assertTrue(verbose.stderr().contains("\tat io.synthgen."), verbose.stderr());
  }

  @Test
  void identifierColumnIsLeftOutWithAWarningAndTheRestIsModelled() throws Exception {
    StringBuilder sb = new StringBuilder("customer,amount,channel\n");
    for (int i = 0; i < 200; i++) {
      sb.append("c-").append(1000 + i).append(',').append(i % 17).append(',')
          .append(i % 3 == 0 ? "web" : "shop").append('\n');
    }
    Path model = dir.resolve("model");
    JobFixtures.Run r = JobFixtures.run("train", "--model", "gaussian-copula", "--input",
        table(dir, "ids.csv", sb.toString()).toString(), "--model-dir", model.toString(),
        "--master", "local[1]");
    assertEquals(0, r.exitCode(), r.stderr());
    JsonNode meta = new ObjectMapper().readTree(model.resolve("bundle.json").toFile())
        .path("metadata");
    assertEquals("[\"channel\"]", meta.path("categorical").toString());
    assertEquals("[\"amount\"]", meta.path("numeric").toString());
    List<Row> rows = JobFixtures.generate(model, dir.resolve("out"), "local[1]", "--rows", "7");
    assertEquals(7, rows.size());
    assertEquals(List.of("amount", "channel"),
        List.of(rows.get(0).schema().fieldNames()));
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("semicolon-separated CSV", d -> train(d, table(d, "semi.csv",
            "amount;visits;channel;status\n1;2;web;good\n"), null),
            "semi.csv", "'amount;visits;channel;status'", "';'-separated", "convert it"),
        new Case("row with too few fields", d -> train(d, table(d, "short.csv",
            good(30) + "1,2\n"), null), "short.csv", "malformed", "[1,2,null,null]", "fix the file"),
        new Case("label with a single class", d -> train(d, table(d, "one.csv",
            good(30).replace(",bad\n", ",good\n")), meta(d, "status", "bad")),
            "one.csv", "label column 'status'", "single class [good]", "rows of every class"),
        new Case("column with no values", d -> train(d, table(d, "nulls.csv",
            good(30).replace("\n", ",\n").replaceFirst("status,", "status,notes")), null),
            "nulls.csv", "column 'notes'", "empty in all 30 rows", "drop it"),
        new Case("NaN in a numeric column", d -> train(d, table(d, "nan.csv",
            good(30) + "NaN,1,web,good\n"), meta(d, "status", "bad")),
            "nan.csv", "'amount'", "'NaN'", "list the column as categorical"),
        new Case("Infinity in a numeric column", d -> train(d, table(d, "inf.csv",
            good(30) + "-Infinity,1,web,good\n"), meta(d, "status", "bad")),
            "inf.csv", "'amount'", "'-Infinity'", "fix the data"),
        new Case("duplicated header name", d -> train(d, table(d, "dup.csv",
            good(30).replaceFirst("visits", "Amount")), null),
            "dup.csv", "'amount'", "more than once", "its own name"),
        new Case("bytes that are not UTF-8", d -> train(d, latin1(d), null),
            "latin1.csv", "not UTF-8", "column 'channel'", "save the file as UTF-8"),
        new Case("positive class that is not a label value", d -> train(d, table(d, "t.csv",
            good(30)), meta(d, "status", "fraud")), "positive_class 'fraud'", "table.json",
            "fix positive_class"),
        new Case("metadata that is not JSON", d -> train(d, table(d, "t.csv", good(30)),
            file(d, "table.json", "{\"label\": \"status\", \"categorical\": [")),
            "table.json", "not valid JSON"),
        new Case("column both numeric and categorical", d -> train(d, table(d, "t.csv",
            good(30)), file(d, "table.json", "{\"label\": \"status\", \"categorical\": "
            + "[\"amount\"], \"numeric\": [\"amount\"]}")), "table.json", "'amount'",
            "both categorical and numeric", "keep it in one list"),
        new Case("Parquet column of a map type", BadInputCatalogTest::mapColumn,
            "maps.parquet", "column 'attributes'", "map<string,int>", "drop it"),
        new Case("input on an unknown file system", d -> train(d, "nofs://host/t.csv", null),
            "nofs://host/t.csv", "No FileSystem for scheme", "Hadoop connector"),
        new Case("model directory that is the input", d -> {
          Path t = table(d, "t.csv", good(30));
          return new Invocation(new String[] {"train", "--model", "gaussian-copula", "--input",
              t.toString(), "--model-dir", t.toString(), "--master", "local[1]"},
              d.resolve("model"), List.of(t));
        }, "'--model-dir'", "which is the --input", "outside it"),
        new Case("config file with a wrong value type", d -> train(d, table(d, "t.csv",
            good(30)), null, "--conf", file(d, "job.conf", "epochs = ten\n").toString()),
            "'epochs'", "'ten'", "job.conf", "expected an integer"),
        new Case("seed that is not a number", d -> train(d, table(d, "t.csv", good(30)), null,
            "--seed", "abc"), "'--seed'", "'abc'", "--help"),
        new Case("batch size that is not a multiple of pac", d -> new Invocation(new String[] {
            "train", "--model", "tabular-gan", "--input", table(d, "t.csv", good(30)).toString(),
            "--model-dir", d.resolve("model").toString(), "--set", "batch-size=105",
            "--master", "local[1]"}, d.resolve("model"), List.of()),
            "'batch-size'", "(105)", "'pac'", "change one of them"),
        new Case("resuming a model of another family", d -> {
          Path m = copyModel(d);
          return new Invocation(new String[] {"train", "--model", "tabular-gan", "--resume",
              "--input", table(d, "t.csv", good(30)).toString(), "--model-dir", m.toString(),
              "--master", "local[1]"}, d.resolve("absent"), List.of(m.resolve("bundle.json")));
        }, "holds a 'gaussian-copula' model", "--model gaussian-copula"),
        new Case("zero rows", d -> generate(d, "--rows", "0"), "'--rows'", "value 0",
            "at least 1"),
        new Case("absurd row count", d -> generate(d, "--rows", "900000000000",
            "--partitions", "2"), "'--rows'", "900000000000", "--partitions 18000 or more"),
        new Case("zero partitions", d -> generate(d, "--rows", "5", "--partitions", "0"),
            "'--partitions'", "value 0", "at least 1"),
        new Case("output that is the model directory", d -> {
          Path m = copyModel(d);
          return new Invocation(generateArgs(m, m, "--rows", "5", "--overwrite"),
              d.resolve("absent"), List.of(m.resolve("bundle.json")));
        }, "'--output'", "which is the --model-dir", "outside it"),
        new Case("output inside the model directory", d -> {
          Path m = copyModel(d);
          return new Invocation(generateArgs(m, m.resolve("rows"), "--rows", "5"),
              m.resolve("rows"), List.of(m.resolve("bundle.json")));
        }, "'--output'", "which is inside the --model-dir", "outside it"),
        new Case("output that is the real table", d -> {
          Path m = copyModel(d);
          Path real = table(d, "real.csv", good(30));
          return new Invocation(generateArgs(m, real, "--rows", "5", "--overwrite",
              "--output-format", "csv", "--real", real.toString(), "--report",
              d.resolve("report").toString()), d.resolve("report"), List.of(real));
        }, "'--output'", "which is the --real", "real.csv"),
        new Case("report that is the output", d -> {
          Path m = copyModel(d);
          return new Invocation(generateArgs(m, d.resolve("out"), "--rows", "5", "--real",
              table(d, "real.csv", good(30)).toString(), "--report", d.resolve("out").toString()),
              d.resolve("out"), List.of());
        }, "'--report'", "which is the --output"),
        new Case("evaluation report inside the model directory", d -> {
          Path m = copyModel(d);
          return new Invocation(new String[] {"evaluate", "--model-dir", m.toString(),
              "--synthetic", table(d, "syn.csv", good(30)).toString(), "--real",
              table(d, "real.csv", good(30)).toString(), "--report", m.resolve("r").toString(),
              "--master", "local[1]"}, m.resolve("r"), List.of(m.resolve("bundle.json")));
        }, "'--report'", "inside the --model-dir"),
        new Case("malformed gate", d -> generate(d, "--rows", "5", "--real",
            table(d, "real.csv", good(30)).toString(), "--report", d.resolve("r").toString(),
            "--gate", "column_shapes=>0.9"), "'--gate'", "'column_shapes=>0.9'",
            "METRIC>=NUMBER"),
        new Case("condition on an unknown column", d -> generate(d, "--rows", "5",
            "--condition", "region=north"), "'region'", "its columns: amount, visits, channel, status"),
        new Case("condition on an unknown category", d -> generate(d, "--rows", "5",
            "--condition", "status=ugly"), "'ugly'", "valid values: good, bad"),
        new Case("condition without a value", d -> generate(d, "--rows", "5",
            "--condition", "status"), "'status'", "COL=VALUE", "COL between X and Y"),
        new Case("range on a categorical column", d -> generate(d, "--rows", "5",
            "--condition", "channel>=2"), "'channel>=2'", "categorical", "channel=VALUE"),
        new Case("empty range", d -> generate(d, "--rows", "5",
            "--condition", "amount between 9 and 1"), "'amount between 9 and 1'", "empty range"),
        new Case("contradictory conditions", d -> generate(d, "--rows", "5",
            "--condition", "visits>5", "--condition", "visits<2"), "'visits>5'", "'visits<2'",
            "contradict"),
        new Case("range outside what the model generates", d -> generate(d, "--rows", "5",
            "--condition", "amount>=1000000"), "'amount>=1000000'", "only from"),
        new Case("condition weights without a multi-valued condition", d -> generate(d,
            "--rows", "5", "--condition", "status=bad", "--condition-weights", "bad=1"),
            "--condition-weights", "COL in (A,B)"),
        new Case("image output format for a table model", d -> generate(d, "--rows", "5",
            "--output-format", "png"), "'--output-format'", "'png'", "parquet, csv or iceberg"),
        new Case("bundle of an unknown format version", d -> {
          Path m = copyModel(d);
          Path manifest = m.resolve("bundle.json");
          Files.writeString(manifest, Files.readString(manifest)
              .replace("\"formatVersion\" : 1", "\"formatVersion\" : 99"));
          Files.deleteIfExists(m.resolve(".bundle.json.crc"));
          return new Invocation(generateArgs(m, d.resolve("out"), "--rows", "5"),
              d.resolve("out"), List.of(manifest));
        }, "format version 99", "reads version 1", "matching synthgen release"),
        new Case("truncated weights", d -> {
          Path m = copyModel(d);
          Path weights;
          try (Stream<Path> files = Files.list(m)) {
            weights = files.filter(p -> p.getFileName().toString().startsWith("weights-"))
                .findFirst().orElseThrow();
          }
          byte[] all = Files.readAllBytes(weights);
          Files.write(weights, java.util.Arrays.copyOf(all, all.length / 2));
          Files.deleteIfExists(m.resolve("." + weights.getFileName() + ".crc"));
          return new Invocation(generateArgs(m, d.resolve("out"), "--rows", "5"),
              d.resolve("out"), List.of(weights));
        }, "is corrupt", "truncated", "retrain or restore"),
        new Case("file in a PNG folder that is not a PNG", d -> {
          Path folder = d.resolve("pngs/3");
          Files.createDirectories(folder);
          Files.writeString(folder.resolve("scan.png"), "not an image");
          return new Invocation(new String[] {"train", "--model", "digit-dcgan", "--input",
              d.resolve("pngs").toString(), "--model-dir", d.resolve("model").toString(),
              "--epochs", "1", "--master", "local[1]"}, d.resolve("model"), List.of());
        }, "scan.png", "not a readable PNG", "replace it"));
  }

  /** CSV rows of amount, visits, channel, status (every fourth one bad). */
  static String good(int n) {
    StringBuilder sb = new StringBuilder("amount,visits,channel,status\n");
    for (int i = 0; i < n; i++) {
      sb.append(10 + i % 7).append(',').append(i % 5).append(',')
          .append(i % 2 == 0 ? "web" : "shop").append(',').append(i % 4 == 0 ? "bad" : "good")
          .append('\n');
    }
    return sb.toString();
  }

  static Path table(Path d, String name, String text) throws IOException {
    return file(d, name, text);
  }

  static Path file(Path d, String name, String text) throws IOException {
    Path f = d.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  static Path meta(Path d, String label, String positive) throws IOException {
    return file(d, "table.json", "{\"label\": \"" + label + "\", \"positive_class\": \""
        + positive + "\", \"categorical\": [\"channel\"], \"numeric\": [\"amount\", "
        + "\"visits\"]}");
  }

  static Path latin1(Path d) throws IOException {
    Path f = d.resolve("latin1.csv");
    Files.write(f, good(30).replace("shop", "caf\u00e9").getBytes(StandardCharsets.ISO_8859_1));
    return f;
  }

  static Invocation train(Path d, Object input, Path meta, String... extra) {
    String[] args = {"train", "--model", "gaussian-copula", "--input", input.toString(),
        "--model-dir", d.resolve("model").toString(), "--master", "local[1]"};
    if (meta != null) {
      args = concat(args, "--metadata", meta.toString());
    }
    List<Path> stay = new ArrayList<>();
    if (input instanceof Path p) {
      stay.add(p);
    }
    return new Invocation(concat(args, extra), d.resolve("model"), stay);
  }

  static Path copyModel(Path d) throws IOException {
    return JobFixtures.copyDirectory(trainedModel, d.resolve("model-copy"));
  }

  static String[] generateArgs(Path model, Path output, String... extra) {
    return concat(new String[] {"generate", "--model-dir", model.toString(), "--output",
        output.toString(), "--master", "local[1]"}, extra);
  }

  static Invocation generate(Path d, String... extra) throws IOException {
    Path m = copyModel(d);
    return new Invocation(generateArgs(m, d.resolve("out"), extra), d.resolve("out"),
        List.of(m.resolve("bundle.json")));
  }

  static Invocation mapColumn(Path d) {
    Path out = d.resolve("maps.parquet");
    JobFixtures.withReader(spark -> {
      StructType schema = new StructType().add("amount", DataTypes.DoubleType)
          .add("attributes", DataTypes.createMapType(DataTypes.StringType,
              DataTypes.IntegerType));
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        rows.add(RowFactory.create((double) i, Map.of("size", i)));
      }
      spark.createDataFrame(rows, schema).write().parquet(out.toString());
      return null;
    });
    return train(d, out, null);
  }
}
