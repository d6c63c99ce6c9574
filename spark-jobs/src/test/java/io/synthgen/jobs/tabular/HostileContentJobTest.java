package io.synthgen.jobs.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.jobs.testing.JobFixtures;
import io.synthgen.jobs.testing.SharedSparkSession;
import io.synthgen.model.bundle.ModelBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Column names and category values come from data nobody vetted and end up in report.html: a
 * table whose header and values hold markup, quotes and {@code </svg>} trains, generates and
 * evaluates, and the page shows them as text, never as elements.
 */
class HostileContentJobTest {
  @RegisterExtension static final SharedSparkSession SPARK =
      SharedSparkSession.local("local[2]");
  static final String NUMBER = "amount<script>alert(1)</script>";
  static final String CATEGORY = "ch\"an</svg><b>nel</b>";
  static final String[] VALUES = {"<script>x()</script>", "\"quoted\" & 'single'",
      "</svg><i>it</i>", "<img src=x onerror=document.body.setAttribute('data-pwned',1)>"};

  @TempDir static Path dir;
  /** The report.html of a job on the hostile table (trained and generated once per class). */
  static Path page;

  private static String csvField(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  @BeforeAll
  static void trainGenerateAndReport() throws Exception {
    StringBuilder csv = new StringBuilder(csvField(NUMBER) + "," + csvField(CATEGORY)
        + ",status\n");
    SplittableRandom rng = new SplittableRandom(2);
    for (int i = 0; i < 400; i++) {
      boolean bad = rng.nextDouble() < 0.25;
      csv.append(String.format(java.util.Locale.ROOT, "%.2f", (bad ? 80 : 20)
          + 5 * rng.nextGaussian())).append(',')
          .append(csvField(VALUES[rng.nextInt(VALUES.length)]))
          .append(',').append(bad ? "bad" : "good").append('\n');
    }
    Path table = dir.resolve("hostile.csv");
    Files.writeString(table, csv.toString());
    ObjectNode meta = ModelBundle.json().createObjectNode();
    meta.put("label", "status");
    meta.put("positive_class", "bad");
    meta.putArray("categorical").add(CATEGORY);
    meta.putArray("numeric").add(NUMBER);
    Path metadata = dir.resolve("hostile.json");
    ModelBundle.json().writeValue(metadata.toFile(), meta);
    Path model = dir.resolve("model");
    JobFixtures.Run train = JobFixtures.run("train", "--model", "gaussian-copula", "--input",
        table.toString(), "--metadata", metadata.toString(), "--model-dir", model.toString(),
        "--master", "local[2]");
    assertEquals(0, train.exitCode(), train.stderr());
    Path report = dir.resolve("report");
    JobFixtures.Run gen = JobFixtures.run("generate", "--model-dir", model.toString(), "--rows",
        "400", "--partitions", "2", "--output", dir.resolve("rows").toString(), "--real",
        table.toString(), "--report", report.toString(), "--master", "local[2]");
    assertEquals(0, gen.exitCode(), gen.stderr());
    page = report.resolve("report.html");
  }

  @Test
  void markupInColumnNamesAndValuesRendersAsTextInTheReport() throws Exception {
    String html = Files.readString(page);
    Document doc = Jsoup.parse(html);
    assertTrue(doc.select("script").isEmpty(), "no script element");
    assertTrue(doc.select("b, i, img").isEmpty(), "no element from the data");
    String text = doc.text();
    assertTrue(text.contains(NUMBER), "column name shown as text");
    assertTrue(text.contains(CATEGORY), "column name shown as text");
    for (String v : VALUES) {
      assertTrue(text.contains(v), "category value shown as text: " + v);
    }
    // the </svg> in the data closed no chart early: every chart still holds its own drawing
    for (Element svg : doc.select("svg")) {
      assertTrue(!svg.select("rect, polyline, text").isEmpty(), svg.outerHtml());
    }
    assertTrue(!html.contains("<script"), "no raw '<script' anywhere in the page source");
    assertTrue(!html.contains("</svg><b>") && !html.contains("</svg><i>"), "data cannot close svg");
  }

  @Test
  void markupFromTheDataNeitherRunsNorBecomesAnElementInAHeadlessBrowser() throws Exception {
    // as a browser renders the page, scripts and event handlers enabled (skipped, and reported
    // as skipped, where no headless Chromium is installed: apt-get install chromium enables it)
    Path browser = browser();
    assumeTrue(browser != null, "no chromium, chromium-browser or google-chrome on PATH: "
        + "the page is checked as HTML by the other test");
    Document live = Jsoup.parse(headlessDom(browser, page));
    assertTrue(live.select("script, b, i, img").isEmpty(), "no element from the data");
    assertTrue(live.select("[data-pwned]").isEmpty(), "no event handler from the data ran");
    for (String v : VALUES) {
      assertTrue(live.text().contains(v), "rendered as text: " + v);
    }
  }

  /** The first headless-capable Chromium on PATH, or null. */
  static Path browser() {
    for (String browser : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
      for (String folder : System.getenv().getOrDefault("PATH", "").split(":")) {
        Path exe = Path.of(folder, browser);
        if (Files.isExecutable(exe)) {
          return exe;
        }
      }
    }
    return null;
  }

  /** The DOM of {@code page} after the headless {@code browser} loaded it. */
  static String headlessDom(Path browser, Path page) throws Exception {
    Process p = new ProcessBuilder(browser.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--dump-dom", page.toUri().toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String dom = new String(p.getInputStream().readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "browser finished");
    assertEquals(0, p.exitValue(), "headless " + browser + " exit code");
    return dom;
  }
}
