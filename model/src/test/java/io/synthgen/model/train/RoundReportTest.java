package io.synthgen.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundReportTest {
  @Test
  void logLineHasRoundEpochLossesThroughputAndEta() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("g_loss", -1.5);
    m.put("d_loss", 0.25);
    RoundReport r = new RoundReport(3, 10, 1.5, m, 12345.6, 4.25, 9.9);
    assertEquals("round=3/10 epoch=1.50 g_loss=-1.5000 d_loss=0.2500 rows_per_s=12346 "
        + "elapsed_s=4.3 eta_s=9.9", r.toLogLine());
  }
}
