package io.synthgen.jobs.tabular;

import static io.synthgen.jobs.testing.JobFixtures.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.synthgen.jobs.testing.JobFixtures;
import io.synthgen.jobs.testing.SharedSparkSession;
import io.synthgen.model.bundle.ModelBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several conditions at once (two categorical, one range) on the shipped credit_data table, for
 * both table families, end to end on real Spark: every row meets all of them, the rows are the
 * same with one or two executor threads, evaluate compares them with the real rows that meet
 * them, and bad conditions are refused by name with nothing written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConditionedGenerationIT {
  @RegisterExtension static final SharedSparkSession SPARK =
      SharedSparkSession.local("local[2]");
  private static final Path TABLE = Path.of("..", "examples", "data", "credit_data.csv");
  private static final Path METADATA = Path.of("..", "examples", "data", "credit_data.json");
  private static final String[] CONDITIONS = {"--condition", "home in (owner,rent)",
      "--condition", "job=fixed", "--condition", "amount>=1500"};
  @TempDir static Path dir;
  Path copula;
  Path gan;

  @BeforeAll
  void train() {
    copula = dir.resolve("copula");
    JobFixtures.Run c = JobFixtures.run("train", "--model", "gaussian-copula", "--input",
        TABLE.toString(), "--metadata", METADATA.toString(), "--model-dir", copula.toString(),
        "--workers", "2", "--seed", "3", "--master", "local[2]");
    assertEquals(0, c.exitCode(), c.stderr());
    gan = dir.resolve("gan");
    JobFixtures.Run g = JobFixtures.run(concat(new String[] {"train", "--model", "tabular-gan",
        "--input", TABLE.toString(), "--metadata", METADATA.toString(), "--model-dir",
        gan.toString(), "--workers", "2", "--epochs", "3", "--seed", "3", "--master",
        "local[2]"}, JobFixtures.SMALL_MODEL));
    assertEquals(0, g.exitCode(), g.stderr());
  }

  private JobFixtures.Run generate(Path model, String output, String master, String... extra) {
    return JobFixtures.run(concat(new String[] {"generate", "--model-dir", model.toString(),
        "--output", dir.resolve(output).toString(), "--master", master, "--rows", "700",
        "--partitions", "3", "--seed", "11"}, extra));
  }

  private static boolean meetsAll(Row r) {
    String home = r.getAs("home");
    Object amount = r.getAs("amount");
    return ("owner".equals(home) || "rent".equals(home)) && "fixed".equals(r.getAs("job"))
        && amount != null && ((Number) amount).doubleValue() >= 1500;
  }

  private static List<String> sorted(List<Row> rows) {
    return rows.stream().map(Row::toString).sorted().toList();
  }

  /** Generates with 2 and 1 threads, checks the rows; returns the 2-thread run (its line). */
  private JobFixtures.Run everyRowMeetsTheConditionsWithOneOrTwoExecutorThreads(Path model,
      String name) {
    JobFixtures.Run two = generate(model, name + "-2", "local[2]", CONDITIONS);
    assertEquals(0, two.exitCode(), two.stderr());
    JobFixtures.Run one = generate(model, name + "-1", "local[1]", CONDITIONS);
    assertEquals(0, one.exitCode(), one.stderr());
    List<Row> a = JobFixtures.readParquet(dir.resolve(name + "-2"));
    List<Row> b = JobFixtures.readParquet(dir.resolve(name + "-1"));
    assertEquals(700, a.size(), "exactly --rows rows");
    assertTrue(a.stream().allMatch(ConditionedGenerationIT::meetsAll),
        "a row misses a condition: " + a.stream().filter(r -> !meetsAll(r)).findFirst());
    assertEquals(sorted(a), sorted(b), "the same rows with one or two executor threads");
    long owners = a.stream().filter(r -> "owner".equals(r.getAs("home"))).count();
    assertTrue(owners > 0 && owners < 700, "both homes get rows: " + owners + " owners");
    return two;
  }

  @Test
  void theCopulaMeetsTwoCategoricalConditionsAndARangeExactly() {
    everyRowMeetsTheConditionsWithOneOrTwoExecutorThreads(copula, "copula");
  }

  @Test
  void theGanMeetsThemAndReportsWhatItsGeneratorMetBeforeValuesWereSet() {
    JobFixtures.Run r = everyRowMeetsTheConditionsWithOneOrTwoExecutorThreads(gan, "gan");
    assertTrue(r.stdout().contains("generator met 'amount>=1500' in "), r.stdout());
    assertTrue(r.stdout().contains("generator met 'job=fixed' in "), r.stdout());
    assertTrue(r.stdout().contains("% of first draws"), r.stdout());
    assertTrue(r.stdout().contains("missed a range in every draw"), r.stdout());
  }

  @Test
  void conditionWeightsSplitTheRowsExactly() {
    JobFixtures.Run r = generate(copula, "weighted", "local[2]", concat(CONDITIONS,
        "--condition-weights", "owner=3,rent=1"));
    assertEquals(0, r.exitCode(), r.stderr());
    List<Row> rows = JobFixtures.readParquet(dir.resolve("weighted"));
    assertEquals(525, rows.stream().filter(x -> "owner".equals(x.getAs("home"))).count(),
        "700 rows at 3:1");
  }

  @Test
  void evaluateComparesWithTheRealRowsThatMeetEveryCondition() throws Exception {
    JobFixtures.Run g = generate(copula, "for-eval", "local[2]", CONDITIONS);
    assertEquals(0, g.exitCode(), g.stderr());
    Path report = dir.resolve("report");
    JobFixtures.Run e = JobFixtures.run(concat(new String[] {"evaluate", "--model-dir",
        copula.toString(), "--synthetic", dir.resolve("for-eval").toString(), "--real",
        TABLE.toString(), "--report", report.toString(), "--master", "local[2]"}, CONDITIONS));
    assertEquals(0, e.exitCode(), e.stderr());
    long real = Files.readAllLines(TABLE).stream().skip(1).map(l -> l.split(",", -1))
        .filter(f -> (f[1].equals("owner") || f[1].equals("rent")) && f[6].equals("fixed")
            && !f[11].isEmpty() && Double.parseDouble(f[11]) >= 1500).count();
    JsonNode json = ModelBundle.json().readTree(report.resolve("report.json").toFile());
    assertEquals(real, json.path("rows").path("real").asLong(), json.path("rows").toString());
    assertEquals("home in (owner,rent) and job=fixed and amount>=1500",
        json.path("rows").path("condition").asText());
    assertTrue(json.path("metrics").path("column_shapes").asDouble() > 0.5);
  }

  @Test
  void badConditionsAreRefusedByNameAndWriteNothing() {
    String[][] cases = {
        {"amount between 5 and 3", "empty range"},
        {"home>=3", "categorical"},
        {"colour=red", "'colour'"},
        {"job=fixed", "contradict"},
        {"amount>=1000000000", "only from"},
    };
    int i = 0;
    for (String[] c : cases) {
      List<String> args = new ArrayList<>(List.of("--condition", c[0]));
      if (c[1].equals("contradict")) {
        args.addAll(List.of("--condition", "job=partime"));
      }
      // the copula's refusals are in BadInputCatalogTest (fast tier); these go through the GAN's
      for (Path model : new Path[] {gan}) {
        String out = "bad-" + i++;
        JobFixtures.Run r = generate(model, out, "local[2]", args.toArray(new String[0]));
        JobFixtures.assertRejected(r, dir.resolve(out), c[1], "--condition");
      }
    }
  }
}
