package io.synthgen.jobs.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.jobs.testing.JobFixtures;
import io.synthgen.model.bundle.ModelBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Column names and category values come from data nobody vetted and end up in report.html: a
 * table whose header and values hold markup, quotes and {@code </svg>} trains, generates and
 * evaluates, and the page shows them as text, never as elements.
 */
class HostileContentJobTest {
  static final String NUMBER = "amount<script>alert(1)</script>";
  static final String CATEGORY = "ch\"an</svg><b>nel</b>";
  static final String[] VALUES = {"<script>x()</script>", "\"quoted\" & 'single'",
      "</svg><i>it</i>"};

  @TempDir Path dir;

  private static String csvField(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  @Test
  void markupInColumnNamesAndValuesRendersAsTextInTheReport() throws Exception {
    StringBuilder csv = new StringBuilder(csvField(NUMBER) + "," + csvField(CATEGORY)
        + ",status\n");
    SplittableRandom rng = new SplittableRandom(2);
    for (int i = 0; i < 400; i++) {
      boolean bad = rng.nextDouble() < 0.25;
      csv.append(String.format(java.util.Locale.ROOT, "%.2f", (bad ? 80 : 20)
          + 5 * rng.nextGaussian())).append(',').append(csvField(VALUES[rng.nextInt(3)]))
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

    String html = Files.readString(report.resolve("report.html"));
    Document doc = Jsoup.parse(html);
    assertTrue(doc.select("script").isEmpty(), "no script element");
    assertTrue(doc.select("b, i").isEmpty(), "no element from the data");
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
}
