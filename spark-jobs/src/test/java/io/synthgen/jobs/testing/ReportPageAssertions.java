package io.synthgen.jobs.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;

/** Checks of a written {@code report.html} shared by the table and the image evaluation tests. */
public final class ReportPageAssertions {
  private ReportPageAssertions() {}

  /**
   * The page parses as HTML, loads nothing from outside (no scripts, no external URLs), every
   * inline SVG chart is well-formed XML with drawn marks, every embedded image decodes.
   */
  public static void assertPageIsSelfContainedWithItsCharts(Path reportDir, int minCharts)
      throws Exception {
    String html = Files.readString(reportDir.resolve("report.html"));
    Document doc = Jsoup.parse(html);
    assertTrue(doc.select("script").isEmpty(), "no scripts");
    for (Element e : doc.select("[src], [href]")) {
      String url = e.hasAttr("src") ? e.attr("src") : e.attr("href");
      assertTrue(url.startsWith("data:") || url.startsWith("#"), "external reference " + url);
    }
    List<Element> charts = doc.select("svg.chart");
    assertTrue(charts.size() >= minCharts, charts.size() + " charts");
    var xml = DocumentBuilderFactory.newInstance();
    xml.setNamespaceAware(true);
    for (Element svg : charts) {
      String text = Jsoup.parse(svg.outerHtml(), "", Parser.xmlParser()).outerHtml();
      assertNotNull(xml.newDocumentBuilder().parse(new ByteArrayInputStream(
          text.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
      assertFalse(svg.select("rect, polyline").isEmpty(), "chart draws nothing: "
          + svg.select("title").first());
    }
    for (Element img : doc.select("img")) {
      String src = img.attr("src");
      assertTrue(src.startsWith("data:image/png;base64,"), src);
      assertNotNull(ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(
          src.substring(src.indexOf(',') + 1)))), "image decodes: " + img.attr("alt"));
    }
  }
}
