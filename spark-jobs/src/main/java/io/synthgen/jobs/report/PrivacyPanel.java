package io.synthgen.jobs.report;

import static io.synthgen.jobs.report.ReportPage.doubles;
import static io.synthgen.jobs.report.ReportPage.escape;
import static io.synthgen.jobs.report.ReportPage.nested;
import static io.synthgen.jobs.report.ReportPage.num;
import static io.synthgen.jobs.report.ReportPage.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The privacy part of the report page, from {@code report.json}'s {@code privacy} section: exact
 * copies and distances to the closest real record with their histogram, then the privacy
 * attacks as one table, a row per figure with what it means and what it does not mean, and each
 * attack's details.
 */
final class PrivacyPanel {
  static final List<String> ATTACKS = List.of("membership_inference", "value_copying",
      "attribute_inference", "bundle_scan");

  private PrivacyPanel() {}

  static void render(StringBuilder b, JsonNode p) {
    b.append("<h2 id=\"privacy\">Privacy</h2><p>Distance to closest real record: ")
        .append(escape(p.path("distance").asText())).append(".</p>");
    ObjectNode flat = p.deepCopy();
    flat.remove("dcr_histogram");
    flat.remove("distance");
    flat.remove(ATTACKS);
    table(b, "Summary", flat);
    JsonNode h = p.path("dcr_histogram");
    if (h.has("synthetic")) {
      List<String> labels = new ArrayList<>();
      double top = h.path("max").asDouble();
      int n = h.path("synthetic").size();
      for (int i = 0; i < n; i++) {
        labels.add(ReportCharts.fmt(top * i / n));
      }
      b.append("<div id=\"dcr\">").append(ReportCharts.bars("Distance to closest real record",
          labels, List.of(new ReportCharts.Series("synthetic", doubles(h.path("synthetic")),
              ReportCharts.SYNTHETIC), new ReportCharts.Series("holdout",
              doubles(h.path("holdout")), ReportCharts.REAL)), true)).append("</div>");
    }
    if (ATTACKS.stream().anyMatch(p::has)) {
      attacks(b, p);
    }
  }

  private static void attacks(StringBuilder b, JsonNode p) {
    b.append("<h3 id=\"privacy-attacks\">Privacy attacks</h3><p>Empirical attacks on these rows "
        + "and this bundle: each figure says what one attack achieved here, not that no attack "
        + "can succeed. Differential privacy, a formal guarantee, is a separate issue and is not "
        + "measured here.</p><table id=\"attacks\"><tr><th class=\"l\">attack</th>"
        + "<th class=\"l\">figure</th><th>value</th><th>baseline</th><th class=\"l\">what it "
        + "means</th><th class=\"l\">what it does not mean</th></tr>");
    JsonNode m = p.path("membership_inference");
    if (!skipped(b, "Membership inference", m)) {
      row(b, "Membership inference: distance to the closest synthetic row", "ROC AUC",
          num(m.path("auc")), "0.5", "How well closeness to a synthetic row tells training rows "
          + "from new rows of the population (" + m.path("n_members").asText() + " of each): "
          + "0.5 not at all, 1 always.", "0.5 does not prove that another attack, or more "
          + "rows, would fail.");
      row(b, "Membership inference, positive class rows only", "ROC AUC",
          num(m.path("auc_positive")), "0.5", "The same for the rows of the positive class ("
          + m.path("n_members_positive").asText("0") + " of each), often the rare and "
          + "sensitive one.", "Fewer rows: a noisier figure than the one above.");
    }
    JsonNode v = p.path("value_copying");
    row(b, "Value copying (continuous columns)", "synthetic values equal to a training value, "
        + "largest column share", num(v.path("max_synthetic_share")),
        "largest holdout share " + num(v.path("max_holdout_share")),
        "How often generated numbers repeat an exact training value.", "A share near the "
        + "holdout's does not rule out near-copies (rounded or perturbed values).");
    row(b, "Value copying (continuous columns)", "ratio to the holdout's share, largest column",
        num(v.path("max_ratio")), "1", "Above 1: the model repeats training values more often "
        + "than new real rows happen to.", "Near 1 does not rule out near-copies; n/a without "
        + "a holdout.");
    JsonNode a = p.path("attribute_inference");
    if (!skipped(b, "Attribute inference of the label", a)) {
      row(b, "Attribute inference of the label", "accuracy on the training rows, attacker "
          + "trained on synthetic rows", num(a.path("trained_on_synthetic").path("accuracy")),
          num(a.path("trained_on_holdout").path("accuracy")) + " (trained on holdout rows)",
          "Advantage " + num(a.path("advantage")) + ": above 0, the synthetic rows tell an "
          + "attacker more about a training row's label than other rows of the population do.",
          "0 or below does not mean the label cannot be guessed: what the population's "
          + "statistics tell is the data's use, not a leak.");
    }
    JsonNode s = p.path("bundle_scan");
    row(b, "Training values in the bundle", "distinct training values (continuous columns) in "
        + "its JSON and config", num(s.path("distinct_training_values")),
        s.path("distinct_beyond_expected_range_ends").asText("0") + " beyond the expected "
        + "range ends", "Values anyone reading the bundle learns without running the model.",
        "0 says nothing of the weights, nor of values the model reproduces when sampled.");
    row(b, "Training values in the bundle", "share of training cells whose value is in it",
        num(s.path("share")), "about 0", "How many training cells those values cover.",
        "A whole number such as 0 may match a count or size in the bundle by chance.");
    b.append("</table>");
    details(b, "Membership inference", m, "n_members", "n_non_members",
        "member_distance_median", "non_member_distance_median", "member_share_at_zero",
        "non_member_share_at_zero");
    nested(b, "Value copying per column", v.path("per_column"));
    note(b, v);
    if (a.has("trained_on_synthetic")) {
      ObjectNode both = JsonNodeFactory.instance.objectNode();
      both.set("trained on synthetic rows", a.path("trained_on_synthetic"));
      both.set("trained on holdout rows", a.path("trained_on_holdout"));
      b.append("<p>").append(escape(a.path("classifier").asText())).append("; ")
          .append(a.path("training_rows_scored").asText()).append(" training rows scored; "
              + "majority class share ").append(num(a.path("majority_class_share")))
          .append(".</p>");
      nested(b, "Attribute inference", both);
      note(b, a);
    }
    nested(b, "Training values in the bundle, per column", s.path("per_column"));
    note(b, s);
  }

  private static boolean skipped(StringBuilder b, String attack, JsonNode o) {
    if (!o.has("skipped")) {
      return false;
    }
    b.append("<tr><td class=\"l\">").append(escape(attack)).append("</td><td class=\"l\" "
        + "colspan=\"5\">skipped: ").append(escape(o.path("skipped").asText()))
        .append("</td></tr>");
    return true;
  }

  private static void row(StringBuilder b, String attack, String figure, String value,
      String baseline, String means, String doesNotMean) {
    b.append("<tr><td class=\"l\">").append(escape(attack)).append("</td><td class=\"l\">")
        .append(escape(figure)).append("</td><td>").append(value).append("</td><td>")
        .append(escape(baseline)).append("</td><td class=\"l\">").append(escape(means))
        .append("</td><td class=\"l\">").append(escape(doesNotMean)).append("</td></tr>");
  }

  private static void details(StringBuilder b, String title, JsonNode o, String... keys) {
    if (o.has("skipped")) {
      return;
    }
    ObjectNode d = JsonNodeFactory.instance.objectNode();
    for (String k : keys) {
      if (o.has(k)) {
        d.set(k, o.get(k));
      }
    }
    table(b, title, d);
    note(b, o);
  }

  private static void note(StringBuilder b, JsonNode o) {
    if (o.has("note")) {
      b.append("<p class=\"note\">").append(escape(o.path("note").asText())).append("</p>");
    }
  }
}
