package io.synthgen.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The evaluation report as one self-contained HTML page, rendered from {@code report.json}'s
 * content: headline metrics and gates, per-column histograms, correlation heatmaps, worst pairs,
 * validity, utility, privacy, training curves from the bundle's history, image grids and class
 * histograms. Charts are inline SVG and images {@code data:} URIs; no scripts, no external
 * resources.
 */
public final class ReportPage {
  private ReportPage() {}

  public static String render(JsonNode r, Map<String, byte[]> images) {
    StringBuilder b = new StringBuilder(64 * 1024);
    JsonNode model = r.path("model");
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>synthgen evaluation: ").append(escape(model.path("name").asText()))
        .append("</title><style>")
        .append("body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}")
        .append("table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;")
        .append("padding:3px 8px;text-align:right;font-size:13px}th{background:#f3f3f3}")
        .append("td.l,th.l{text-align:left}.pass{color:#11772d;font-weight:bold}")
        .append(".fail{color:#b00020;font-weight:bold}.grid{display:flex;flex-wrap:wrap;gap:8px}")
        .append("svg.chart{border:1px solid #eee;background:#fff}h2{border-bottom:1px solid #ddd}")
        .append(".metrics{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));")
        .append("gap:2px 16px}.metric{display:flex;justify-content:space-between;font-size:13px;")
        .append("border-bottom:1px dotted #ccc}.metric .name{font-family:monospace}")
        .append("</style></head><body>\n");
    b.append("<h1>Evaluation of ").append(escape(model.path("name").asText())).append("</h1>");
    b.append("<p>Model <code>").append(escape(model.path("dir").asText())).append("</code>, seed ")
        .append(model.path("seed").asText()).append("; evaluated ")
        .append(escape(r.path("report").path("created").asText())).append(" with seed ")
        .append(r.path("evaluation_seed").asText()).append(".</p>");
    b.append("<p>Differential privacy: ").append(escape(privacyText(model.path("privacy"))))
        .append(".</p>");
    table(b, "Inputs", r.path("inputs"));
    gates(b, r.path("gates"));
    metrics(b, r.path("metrics"));
    if (r.has("column_shapes")) {
      tabular(b, r);
    }
    if (r.has("images")) {
      imagesSection(b, r.path("images"), images);
    }
    training(b, r.path("training"));
    table(b, "Timings (seconds)", r.path("timings_s"));
    b.append("</body></html>\n");
    return b.toString();
  }

  /** The bundle's privacy record in words: {@code none}, or epsilon and delta with mechanisms. */
  static String privacyText(JsonNode p) {
    if (!p.path("epsilon").isNumber()) {
      return "none (the model was trained without a differential privacy guarantee)";
    }
    StringBuilder t = new StringBuilder(String.format(java.util.Locale.ROOT,
        "(epsilon %.3f, delta %.1e)-DP, %s", p.path("epsilon").asDouble(),
        p.path("delta").asDouble(), p.path("adjacency").asText()));
    for (JsonNode m : p.path("mechanisms")) {
      t.append(String.format(java.util.Locale.ROOT, "; %s: %s, noise multiplier %.3f, %.0f%% "
          + "of the budget", m.path("name").asText(), m.path("mechanism").asText(),
          m.path("noise_multiplier").asDouble(), 100 * m.path("share").asDouble()));
    }
    return t.toString();
  }

  private static void gates(StringBuilder b, JsonNode gates) {
    if (!gates.isArray() || gates.isEmpty()) {
      return;
    }
    b.append("<h2 id=\"gates\">Gates</h2><table><tr><th class=\"l\">gate</th><th>value</th>"
        + "<th>result</th></tr>");
    for (JsonNode g : gates) {
      boolean ok = g.path("passed").asBoolean();
      b.append("<tr><td class=\"l\">").append(escape(g.path("gate").asText())).append("</td><td>")
          .append(num(g.path("value"))).append("</td><td class=\"").append(ok ? "pass" : "fail")
          .append("\">").append(ok ? "passed" : "FAILED").append("</td></tr>");
    }
    b.append("</table>");
  }

  private static void metrics(StringBuilder b, JsonNode m) {
    b.append("<h2 id=\"metrics\">Headline metrics</h2><p>Names usable in <code>--gate</code>."
        + "</p><div class=\"metrics\">");
    m.fields().forEachRemaining(e -> b.append("<div class=\"metric\"><span class=\"name\">")
        .append(escape(e.getKey())).append("</span><span class=\"value\">")
        .append(num(e.getValue())).append("</span></div>"));
    b.append("</div>");
  }

  private static void tabular(StringBuilder b, JsonNode r) {
    JsonNode shapes = r.path("column_shapes");
    b.append("<h2 id=\"shapes\">Column shapes: ").append(num(shapes.path("score")))
        .append("</h2><p>").append(escape(shapes.path("definition").asText())).append("</p>");
    table(b, "Per column", shapes.path("per_column"));
    b.append("<div class=\"grid\" id=\"histograms\">");
    r.path("histograms").fields().forEachRemaining(e -> {
      JsonNode h = e.getValue();
      List<String> labels = new ArrayList<>();
      if ("numeric".equals(h.path("kind").asText())) {
        double lo = h.path("min").asDouble();
        double hi = h.path("max").asDouble();
        int n = h.path("real").size();
        for (int i = 0; i < n; i++) {
          labels.add(ReportCharts.fmt(lo + (hi - lo) * i / n));
        }
      } else {
        h.path("categories").forEach(c -> labels.add(c.asText()));
      }
      b.append(ReportCharts.bars(e.getKey() + " (share of rows)", labels, List.of(
          new ReportCharts.Series("real", doubles(h.path("real")), ReportCharts.REAL),
          new ReportCharts.Series("synthetic", doubles(h.path("synthetic")),
              ReportCharts.SYNTHETIC)), true));
    });
    b.append("</div>");
    JsonNode pairs = r.path("column_pair_trends");
    b.append("<h2 id=\"pairs\">Column pair trends: ").append(num(pairs.path("score")))
        .append("</h2><p>").append(escape(pairs.path("definition").asText())).append("</p>");
    table(b, "By type", pairs.path("by_type"));
    JsonNode corr = r.path("correlations");
    List<String> names = new ArrayList<>();
    corr.path("columns").forEach(c -> names.add(c.asText()));
    if (names.size() > 1) {
      b.append("<div class=\"grid\" id=\"heatmaps\">")
          .append(ReportCharts.heatmap("Correlation, real", names, matrix(corr.path("real"))))
          .append(ReportCharts.heatmap("Correlation, synthetic", names,
              matrix(corr.path("synthetic")))).append("</div>");
    }
    b.append("<h3 id=\"worst-pairs\">Worst pairs</h3><table><tr><th class=\"l\">pair</th>"
        + "<th class=\"l\">kind</th><th>score</th><th>real r</th><th>synthetic r</th></tr>");
    int k = 0;
    for (JsonNode p : pairs.path("per_pair")) {
      if (k++ >= 10) {
        break;
      }
      b.append("<tr><td class=\"l\">").append(escape(p.path("pair").asText()))
          .append("</td><td class=\"l\">").append(escape(p.path("kind").asText()))
          .append("</td><td>").append(num(p.path("score"))).append("</td><td>")
          .append(num(p.path("real_correlation"))).append("</td><td>")
          .append(num(p.path("synthetic_correlation"))).append("</td></tr>");
    }
    b.append("</table>");
    JsonNode v = r.path("validity");
    b.append("<h2 id=\"validity\">Validity</h2>");
    table(b, "Summary", v.path("summary"));
    nested(b, "Numeric columns", v.path("numeric"));
    nested(b, "Categorical columns", v.path("categorical"));
    nested(b, "Missing rates", v.path("missing_rate"));
    utility(b, r.path("utility"));
    PrivacyPanel.render(b, r.path("privacy"));
  }

  private static void utility(StringBuilder b, JsonNode u) {
    b.append("<h2 id=\"utility\">Utility</h2>");
    if (u.has("skipped")) {
      b.append("<p>Skipped: ").append(escape(u.path("skipped").asText())).append("</p>");
      return;
    }
    b.append("<p>").append(escape(u.path("classifier").asText())).append("; scored on the real "
        + "holdout, positive class '").append(escape(u.path("positive_class").asText()))
        .append("'.</p><table><tr><th class=\"l\">trained on</th><th>ROC AUC</th><th>PR AUC</th>"
            + "<th>F1</th><th>recall</th><th>precision</th></tr>");
    String[][] rows = {{"trtr", "real (TRTR)"}, {"tstr", "synthetic (TSTR)"},
        {"augmented", "real + synthetic positives"}, {"tstr_over_trtr", "TSTR / TRTR"},
        {"augmentation_uplift", "augmentation uplift"}};
    for (String[] row : rows) {
      JsonNode x = u.path(row[0]);
      b.append("<tr><td class=\"l\">").append(row[1]).append("</td>");
      for (String k : new String[] {"roc_auc", "pr_auc", "f1", "recall", "precision"}) {
        b.append("<td>").append(num(x.path(k))).append("</td>");
      }
      b.append("</tr>");
    }
    b.append("</table><p>Rows added by augmentation: ")
        .append(u.path("augmented").path("n_added").asText()).append(".</p>");
  }

  private static void imagesSection(StringBuilder b, JsonNode im, Map<String, byte[]> images) {
    b.append("<h2 id=\"images\">Images</h2>");
    JsonNode flat = im.deepCopy();
    for (String k : new String[] {"class_hist", "label_accuracy_per_class"}) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) flat).remove(k);
    }
    table(b, "Scores", flat);
    b.append("<div class=\"grid\" id=\"samples\">");
    for (Map.Entry<String, byte[]> e : images.entrySet()) {
      b.append("<figure><img alt=\"").append(escape(e.getKey())).append("\" src=\"data:image/png;"
          + "base64,").append(Base64.getEncoder().encodeToString(e.getValue()))
          .append("\" style=\"image-rendering:pixelated;width:280px\"><figcaption>")
          .append(escape(e.getKey())).append("</figcaption></figure>");
    }
    b.append("</div>");
    List<String> digits = new ArrayList<>();
    for (int d = 0; d < 10; d++) {
      digits.add(Integer.toString(d));
    }
    List<ReportCharts.Series> hist = new ArrayList<>();
    hist.add(new ReportCharts.Series("generated", doubles(im.path("class_hist")),
        ReportCharts.SYNTHETIC));
    if (im.has("real_class_hist")) {
      hist.add(new ReportCharts.Series("real", doubles(im.path("real_class_hist")),
          ReportCharts.REAL));
    }
    b.append("<div class=\"grid\">").append(ReportCharts.bars("Predicted class share", digits,
        hist, false));
    if (im.has("label_accuracy_per_class")) {
      b.append(ReportCharts.bars("Accuracy on intended labels", digits, List.of(
          new ReportCharts.Series("accuracy", doubles(im.path("label_accuracy_per_class")),
              ReportCharts.REAL)), false));
    }
    b.append("</div>");
  }

  /**
   * The training section: losses, discriminator accuracies, and the averaging telemetry (seconds
   * per round by phase, worker drift) drawn next to them; bytes moved, constant per round, are
   * stated in the text.
   */
  private static void training(StringBuilder b, JsonNode t) {
    JsonNode history = t.path("history");
    if (!history.isArray() || history.isEmpty()) {
      return;
    }
    JsonNode last = history.get(history.size() - 1);
    b.append("<h2 id=\"training\">Training</h2><p>").append(history.size())
        .append(" averaging rounds in the bundle's history.");
    if (last.path("broadcast_mb").isNumber()) {
      b.append(String.format(Locale.ROOT, " State moved per round: %.2f MB broadcast, %.2f MB "
          + "aggregated.", last.path("broadcast_mb").asDouble(),
          last.path("aggregated_mb").asDouble()));
    }
    b.append("</p><div class=\"grid\">");
    double[] x = new double[history.size()];
    List<String> keys = new ArrayList<>();
    history.get(0).fieldNames().forEachRemaining(keys::add);
    for (int i = 0; i < x.length; i++) {
      x[i] = history.get(i).path("round").asDouble();
    }
    List<ReportCharts.Series> losses = new ArrayList<>();
    List<ReportCharts.Series> accuracy = new ArrayList<>();
    List<ReportCharts.Series> seconds = new ArrayList<>();
    List<ReportCharts.Series> drift = new ArrayList<>();
    for (String k : keys) {
      if (k.equals("round") || k.equals("epoch") || k.equals("rowsPerSecond")
          || k.equals("elapsedSeconds") || k.endsWith("_mb") || k.equals("failed_tasks")
          || k.equals("executors_lost")) {
        continue;
      }
      double[] y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        JsonNode v = history.get(i).path(k);
        y[i] = v.isNumber() ? v.asDouble() : Double.NaN;
      }
      if (k.endsWith("_s")) {
        seconds.add(new ReportCharts.Series(k, y, ReportCharts.color(seconds.size())));
      } else if (k.startsWith("drift")) {
        drift.add(new ReportCharts.Series(k, y, ReportCharts.color(drift.size() + 4)));
      } else if (k.contains("acc")) {
        accuracy.add(new ReportCharts.Series(k, y, ReportCharts.color(accuracy.size() + 2)));
      } else {
        losses.add(new ReportCharts.Series(k, y, ReportCharts.color(losses.size())));
      }
    }
    if (!losses.isEmpty()) {
      b.append(ReportCharts.lines("Losses per round", x, losses));
    }
    if (!accuracy.isEmpty()) {
      b.append(ReportCharts.lines("Discriminator accuracy on real / generated", x, accuracy));
    }
    if (!seconds.isEmpty()) {
      b.append(ReportCharts.lines("Seconds per round: broadcast, local steps (slowest worker), "
          + "sync", x, seconds));
    }
    if (!drift.isEmpty()) {
      b.append(ReportCharts.lines("Worker drift (RMS distance of worker deltas from their mean; "
          + "relative to the mean delta)", x, drift));
    }
    b.append("</div>");
  }

  static void table(StringBuilder b, String title, JsonNode o) {
    if (!o.isObject() || o.isEmpty()) {
      return;
    }
    b.append("<h3>").append(escape(title)).append("</h3><table>");
    o.fields().forEachRemaining(e -> b.append("<tr><th class=\"l\">").append(escape(e.getKey()))
        .append("</th><td class=\"l\">").append(value(e.getValue())).append("</td></tr>"));
    b.append("</table>");
  }

  /** An object of objects as one table: a row per key, a column per inner key. */
  static void nested(StringBuilder b, String title, JsonNode o) {
    if (!o.isObject() || o.isEmpty()) {
      return;
    }
    List<String> cols = new ArrayList<>();
    o.elements().next().fieldNames().forEachRemaining(cols::add);
    b.append("<h3>").append(escape(title)).append("</h3><table><tr><th class=\"l\">column</th>");
    cols.forEach(c -> b.append("<th>").append(escape(c)).append("</th>"));
    b.append("</tr>");
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      b.append("<tr><td class=\"l\">").append(escape(e.getKey())).append("</td>");
      cols.forEach(c -> b.append("<td>").append(value(e.getValue().path(c))).append("</td>"));
      b.append("</tr>");
    }
    b.append("</table>");
  }

  static String value(JsonNode v) {
    if (v.isNumber()) {
      return num(v);
    }
    if (v.isNull() || v.isMissingNode()) {
      return "n/a";
    }
    if (v.isContainerNode()) {
      return escape(v.toString());
    }
    return escape(v.asText());
  }

  static String num(JsonNode v) {
    if (v.isIntegralNumber()) {
      return v.asText();
    }
    return v.isNumber() ? ReportCharts.fmt(v.asDouble()) : "n/a";
  }

  static double[] doubles(JsonNode a) {
    double[] d = new double[a.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = a.get(i).isNumber() ? a.get(i).asDouble() : Double.NaN;
    }
    return d;
  }

  private static double[][] matrix(JsonNode a) {
    double[][] m = new double[a.size()][];
    for (int i = 0; i < m.length; i++) {
      m[i] = doubles(a.get(i));
    }
    return m;
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t') {
            sb.append(String.format(Locale.ROOT, "&#%d;", (int) c == 0 ? 0xFFFD : (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }
}
