package io.synthgen.jobs.report;

import java.util.List;
import java.util.Locale;

/**
 * Inline SVG charts for the HTML report: grouped bars, lines over rounds and a correlation
 * heatmap. Plain SVG elements only (no scripts, no external resources), so the page renders
 * offline; every chart carries {@code class="chart"} and a {@code <title>}.
 */
public final class ReportCharts {
  static final String REAL = "#1f77b4";
  static final String SYNTHETIC = "#ff7f0e";
  private static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
      "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

  private ReportCharts() {}

  /** A named series of values. */
  record Series(String name, double[] values, String color) {}

  static String color(int i) {
    return PALETTE[i % PALETTE.length];
  }

  /**
   * Grouped bars: one group per label, one bar per series, values as shares of each series'
   * total when {@code normalize}.
   */
  static String bars(String title, List<String> labels, List<Series> series, boolean normalize) {
    int w = 360;
    int h = 180;
    int left = 36;
    int bottom = 40;
    int n = Math.max(1, labels.size());
    double[][] v = new double[series.size()][];
    double top = 0;
    for (int s = 0; s < series.size(); s++) {
      double[] x = series.get(s).values().clone();
      double total = 0;
      for (double d : x) {
        total += d;
      }
      for (int i = 0; i < x.length; i++) {
        x[i] = normalize && total > 0 ? x[i] / total : x[i];
        top = Math.max(top, x[i]);
      }
      v[s] = x;
    }
    top = top <= 0 ? 1 : top;
    StringBuilder sb = open(title, w, h);
    double gw = (w - left - 4) / (double) n;
    double bw = gw * 0.8 / Math.max(1, series.size());
    for (int s = 0; s < series.size(); s++) {
      for (int i = 0; i < v[s].length && i < n; i++) {
        double bh = (h - bottom - 16) * v[s][i] / top;
        sb.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" "
                + "width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %s</title></rect>",
            left + i * gw + gw * 0.1 + s * bw, h - bottom - bh, bw, bh,
            series.get(s).color(), ReportPage.escape(series.get(s).name()),
            ReportPage.escape(labels.get(i)), fmt(v[s][i])));
      }
    }
    axes(sb, w, h, left, bottom, top);
    int step = Math.max(1, (int) Math.ceil(n / 12.0));
    for (int i = 0; i < labels.size(); i += step) {
      String l = labels.get(i);
      l = l.length() > 10 ? l.substring(0, 9) + "…" : l;
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"9\" "
          + "transform=\"rotate(35 %.1f %d)\">%s</text>", left + i * gw + gw / 2, h - bottom + 10,
          left + i * gw + gw / 2, h - bottom + 10, ReportPage.escape(l)));
    }
    legend(sb, series, w);
    return sb.append("</svg>").toString();
  }

  /** Lines over x (e.g. rounds), one per series; NaN values break a line. */
  static String lines(String title, double[] x, List<Series> series) {
    int w = 420;
    int h = 200;
    int left = 44;
    int bottom = 24;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (double d : s.values()) {
        if (Double.isFinite(d)) {
          lo = Math.min(lo, d);
          hi = Math.max(hi, d);
        }
      }
    }
    if (!(hi > lo)) {
      lo = Double.isFinite(lo) ? lo - 1 : 0;
      hi = lo + 2;
    }
    double x0 = x.length == 0 ? 0 : x[0];
    double x1 = x.length == 0 ? 1 : Math.max(x[x.length - 1], x0 + 1);
    StringBuilder sb = open(title, w, h);
    for (Series s : series) {
      StringBuilder pts = new StringBuilder();
      for (int i = 0; i < x.length && i < s.values().length; i++) {
        double d = s.values()[i];
        if (!Double.isFinite(d)) {
          continue;
        }
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ",
            left + (x[i] - x0) / (x1 - x0) * (w - left - 8),
            h - bottom - (d - lo) / (hi - lo) * (h - bottom - 16)));
      }
      sb.append("<polyline class=\"line\" fill=\"none\" stroke-width=\"1.5\" stroke=\"")
          .append(s.color()).append("\" points=\"").append(pts.toString().trim())
          .append("\"><title>").append(ReportPage.escape(s.name())).append("</title></polyline>");
    }
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
        + "stroke=\"#444\"/><line x1=\"%d\" y1=\"16\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>",
        left, h - bottom, w - 8, h - bottom, left, left, h - bottom));
    sb.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"20\" font-size=\"9\">%s</text>"
        + "<text x=\"2\" y=\"%d\" font-size=\"9\">%s</text><text x=\"%d\" y=\"%d\" "
        + "font-size=\"9\">%s</text><text x=\"%d\" y=\"%d\" font-size=\"9\">%s</text>",
        fmt(hi), h - bottom, fmt(lo), left, h - 8, fmt(x0), w - 40, h - 8, fmt(x1)));
    legend(sb, series, w);
    return sb.append("</svg>").toString();
  }

  /** A square heatmap of correlations in [-1, 1] (blue negative, red positive). */
  static String heatmap(String title, List<String> names, double[][] m) {
    int n = Math.max(1, names.size());
    int cell = Math.max(10, Math.min(28, 300 / n));
    int left = 80;
    int topMargin = 80;
    int w = left + n * cell + 8;
    int h = topMargin + n * cell + 8;
    StringBuilder sb = open(title, w, h);
    for (int i = 0; i < names.size(); i++) {
      for (int j = 0; j < names.size(); j++) {
        double v = m[i][j];
        String fill = Double.isFinite(v) ? heat(v) : "#dddddd";
        sb.append(String.format(Locale.ROOT, "<rect class=\"cell\" x=\"%d\" y=\"%d\" "
            + "width=\"%d\" height=\"%d\" fill=\"%s\"><title>%s | %s: %s</title></rect>",
            left + j * cell, topMargin + i * cell, cell, cell, fill,
            ReportPage.escape(names.get(i)), ReportPage.escape(names.get(j)), fmt(v)));
      }
      String l = names.get(i).length() > 12 ? names.get(i).substring(0, 11) + "…" : names.get(i);
      sb.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"%d\" font-size=\"9\">%s</text>",
          topMargin + i * cell + cell / 2 + 3, ReportPage.escape(l)));
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"9\" "
          + "transform=\"rotate(-60 %d %d)\">%s</text>", left + i * cell + cell / 2,
          topMargin - 4, left + i * cell + cell / 2, topMargin - 4, ReportPage.escape(l)));
    }
    return sb.append("</svg>").toString();
  }

  private static String heat(double v) {
    double a = Math.max(-1, Math.min(1, v));
    int r = a >= 0 ? 255 : (int) Math.round(255 * (1 + a));
    int b = a <= 0 ? 255 : (int) Math.round(255 * (1 - a));
    int g = (int) Math.round(255 * (1 - Math.abs(a)));
    return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
  }

  private static StringBuilder open(String title, int w, int h) {
    return new StringBuilder(String.format(Locale.ROOT, "<svg class=\"chart\" "
        + "xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
        + "role=\"img\"><title>%s</title><text x=\"%d\" y=\"11\" font-size=\"11\" "
        + "font-weight=\"bold\">%s</text>", w, h, w, h, ReportPage.escape(title), 4,
        ReportPage.escape(title)));
  }

  private static void axes(StringBuilder sb, int w, int h, int left, int bottom, double top) {
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
        + "stroke=\"#444\"/><text x=\"2\" y=\"20\" font-size=\"9\">%s</text>", left, h - bottom,
        w - 4, h - bottom, fmt(top)));
  }

  private static void legend(StringBuilder sb, List<Series> series, int w) {
    int x = w - 8;
    for (int s = series.size() - 1; s >= 0; s--) {
      String name = series.get(s).name();
      x -= 12 + 6 * name.length();
      sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"4\" width=\"8\" height=\"8\" "
          + "fill=\"%s\"/><text x=\"%d\" y=\"12\" font-size=\"9\">%s</text>", x, 
          series.get(s).color(), x + 10, ReportPage.escape(name)));
    }
  }

  public static String fmt(double v) {
    if (!Double.isFinite(v)) {
      return "n/a";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    if (v != 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) {
      return String.format(Locale.ROOT, "%.3g", v);
    }
    return String.format(Locale.ROOT, "%.4g", v);
  }
}
