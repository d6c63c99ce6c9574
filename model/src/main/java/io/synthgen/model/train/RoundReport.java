package io.synthgen.model.train;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Progress of one averaging round: round and epoch, mean metrics over the round (losses, and for
 * image models discriminator accuracies), throughput, elapsed time and estimated time left, and
 * the round's telemetry (state bytes moved, seconds per phase, worker drift; see the averaging
 * trainer).
 */
public record RoundReport(int round, int totalRounds, double epoch, Map<String, Double> metrics,
    double rowsPerSecond, double elapsedSeconds, double etaSeconds,
    Map<String, Double> telemetry) {

  public RoundReport {
    metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    telemetry = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(telemetry));
  }

  /** A report without round telemetry. */
  public RoundReport(int round, int totalRounds, double epoch, Map<String, Double> metrics,
      double rowsPerSecond, double elapsedSeconds, double etaSeconds) {
    this(round, totalRounds, epoch, metrics, rowsPerSecond, elapsedSeconds, etaSeconds, Map.of());
  }

  /** The structured log line: {@code key=value} pairs, one line per round. */
  public String toLogLine() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "round=%d/%d epoch=%.2f", round, totalRounds, epoch));
    for (Map.Entry<String, Double> e : metrics.entrySet()) {
      sb.append(String.format(Locale.ROOT, " %s=%.4f", e.getKey(), e.getValue()));
    }
    for (Map.Entry<String, Double> e : telemetry.entrySet()) {
      sb.append(String.format(Locale.ROOT, " %s=%.4g", e.getKey(), e.getValue()));
    }
    sb.append(String.format(Locale.ROOT, " rows_per_s=%.0f elapsed_s=%.1f eta_s=%.1f",
        rowsPerSecond, elapsedSeconds, etaSeconds));
    return sb.toString();
  }
}
