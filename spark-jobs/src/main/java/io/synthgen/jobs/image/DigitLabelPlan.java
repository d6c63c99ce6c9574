package io.synthgen.jobs.image;

import io.synthgen.image.DcganConfig;
import io.synthgen.image.DigitImages;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.Seeds;
import io.synthgen.model.bundle.ModelBundle;
import java.io.Serializable;
import java.util.Random;

/**
 * The intended label of every generated image, from (seed, index) alone.
 *
 * @param fixed the label of every image, or -1
 * @param balanced labels cycle 0..9, so every class gets rows/10 (+1 for the first rows%10)
 * @param cumulative class frequencies of the training images, drawn from per image
 */
record DigitLabelPlan(boolean conditional, int fixed, boolean balanced, double[] cumulative)
    implements Serializable {
  int labelOf(long seed, long index) {
    if (!conditional) {
      return -1;
    }
    if (fixed >= 0) {
      return fixed;
    }
    if (balanced) {
      return (int) (index % DigitImages.CLASSES);
    }
    double u = new Random(Seeds.derive(seed, Seeds.SAMPLE, index)).nextDouble();
    for (int c = 0; c < cumulative.length; c++) {
      if (u < cumulative[c]) {
        return c;
      }
    }
    return cumulative.length - 1;
  }

  int[] labels(long seed, long first, int count) {
    if (!conditional) {
      return null;
    }
    int[] l = new int[count];
    for (int i = 0; i < count; i++) {
      l[i] = labelOf(seed, first + i);
    }
    return l;
  }


  /** The label plan of a generate request: a fixed --condition, --class-balanced, or drawn. */
  static DigitLabelPlan of(DcganConfig config, ModelBundle bundle, String condition,
      boolean balanced) {
    if (!config.conditional) {
      if (condition != null || balanced) {
        throw new InvalidInputException("model '" + DigitDcganFamily.NAME
            + "' in this bundle was trained "
            + "unconditionally (conditional=false), so it cannot honour "
            + (condition != null ? "--condition " + condition : "--class-balanced")
            + ": retrain with --set conditional=true");
      }
      return new DigitLabelPlan(false, -1, false, null);
    }
    int fixed = -1;
    if (condition != null) {
      if (balanced) {
        throw new InvalidInputException("--condition and --class-balanced exclude each other: "
            + "pass one of them");
      }
      fixed = parseCondition(condition);
    }
    double[] cum = new double[DigitImages.CLASSES];
    double total = 0;
    var counts = bundle.transformer().path("classCounts");
    for (int c = 0; c < cum.length; c++) {
      total += counts.path(c).asDouble(1);
      cum[c] = total;
    }
    for (int c = 0; c < cum.length; c++) {
      cum[c] /= total;
    }
    return new DigitLabelPlan(true, fixed, balanced, cum);
  }

  /** The digit of a {@code label=D} condition; anything else is an error naming the option. */
  static int parseCondition(String condition) {
    int eq = condition.indexOf('=');
    String col = eq < 0 ? "" : condition.substring(0, eq).trim();
    String val = eq < 0 ? "" : condition.substring(eq + 1).trim();
    if (!col.equals(DigitDcganFamily.LABEL_COLUMN) || !val.matches("[0-9]")) {
      throw new InvalidInputException("option '--condition' has value '" + condition
          + "': digit models take label=D with D in 0..9, e.g. --condition label=7");
    }
    return Integer.parseInt(val);
  }
}
