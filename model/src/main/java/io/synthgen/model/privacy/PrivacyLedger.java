package io.synthgen.model.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.model.bundle.ModelBundle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a differentially private training run spent, mechanism by mechanism: each one a Gaussian
 * mechanism, optionally on a Poisson sample of the rows, whose RDP the {@link RdpAccountant}
 * composes. Its JSON form is the {@code privacy} section of a bundle's {@code training} record;
 * a model trained without differential privacy records {@code "epsilon": "none"} ({@link
 * #noneJson()}), never 0.
 *
 * <p>Neighbouring tables differ by adding or removing one row. Every mechanism of a run is listed,
 * so the recorded epsilon covers everything the model kept of the data.
 */
public final class PrivacyLedger {
  /** The accountant's citation, as recorded in bundles. */
  public static final String ACCOUNTANT = "Renyi DP (Mironov 2017) of the sampled Gaussian "
      + "mechanism (Mironov, Talwar and Zhang 2019), converted to (epsilon, delta) by Canonne, "
      + "Kamath and Steinke 2020, Prop. 12";
  /** The neighbouring relation every figure refers to. */
  public static final String ADJACENCY = "add or remove one row";

  private final List<Mechanism> mechanisms;

  private PrivacyLedger(List<Mechanism> mechanisms) {
    this.mechanisms = Collections.unmodifiableList(mechanisms);
  }

  /** A ledger with nothing spent. */
  public static PrivacyLedger empty() {
    return new PrivacyLedger(List.of());
  }

  /** This ledger with one more mechanism. */
  public PrivacyLedger with(Mechanism m) {
    List<Mechanism> l = new ArrayList<>(mechanisms);
    l.add(m);
    return new PrivacyLedger(l);
  }

  public List<Mechanism> mechanisms() {
    return mechanisms;
  }

  /** The composition of every mechanism. */
  public RdpAccountant accountant() {
    RdpAccountant a = RdpAccountant.empty();
    for (Mechanism m : mechanisms) {
      a = a.with(m.accountant());
    }
    return a;
  }

  /** Epsilon spent at {@code delta}. */
  public RdpAccountant.Spent spent(double delta) {
    return accountant().epsilon(delta);
  }

  /**
   * The {@code privacy} record: epsilon spent at {@code delta}, the target, the accountant, and
   * per mechanism its parameters, its epsilon alone and its share of the RDP at the order that
   * gives the total. {@code selectionDelta} is the part of {@code delta} spent outside the
   * accountant (releasing data-dependent category names); the mechanisms are accounted at
   * {@code delta - selectionDelta}.
   */
  public JsonNode toJson(double targetEpsilon, double delta, double selectionDelta) {
    RdpAccountant total = accountant();
    double accounted = delta - selectionDelta;
    RdpAccountant.Spent spent = total.epsilon(accounted);
    double[] orders = total.orders();
    int at = 0;
    for (int i = 0; i < orders.length; i++) {
      if (orders[i] == spent.order()) {
        at = i;
      }
    }
    double totalRdp = total.rdp()[at];
    ObjectNode o = ModelBundle.json().createObjectNode();
    o.put("epsilon", spent.epsilon());
    o.put("delta", delta);
    o.put("selection_delta", selectionDelta);
    o.put("target_epsilon", targetEpsilon);
    o.put("order", spent.order());
    o.put("adjacency", ADJACENCY);
    o.put("accountant", ACCOUNTANT);
    ArrayNode list = o.putArray("mechanisms");
    for (Mechanism m : mechanisms) {
      RdpAccountant alone = m.accountant();
      ObjectNode e = list.addObject();
      e.put("name", m.name());
      e.put("what", m.what());
      e.put("mechanism", m.samplingRate() < 1 ? "sampled gaussian" : "gaussian");
      e.put("noise_multiplier", m.noiseMultiplier());
      e.put("sampling_rate", m.samplingRate());
      e.put("count", m.count());
      e.put("epsilon_alone", alone.epsilon(accounted).epsilon());
      e.put("share", totalRdp > 0 ? alone.rdp()[at] / totalRdp : 0);
    }
    return o;
  }

  /** The record of a model trained without differential privacy. */
  public static JsonNode noneJson() {
    ObjectNode o = ModelBundle.json().createObjectNode();
    o.put("epsilon", "none");
    return o;
  }

  /**
   * The epsilon a {@code privacy} record states, or NaN where it says {@code none} (or the record
   * is missing, as in bundles written before differential privacy existed).
   */
  public static double epsilonOf(JsonNode privacy) {
    JsonNode e = privacy == null ? null : privacy.get("epsilon");
    return e != null && e.isNumber() ? e.asDouble() : Double.NaN;
  }

  /**
   * One Gaussian mechanism run {@code count} times, each on a Poisson sample of rate
   * {@code samplingRate} (1: all rows), with noise {@code noiseMultiplier} times its L2
   * sensitivity.
   *
   * @param name short name, e.g. {@code marginals}
   * @param what what it releases and its sensitivity, in words
   */
  public record Mechanism(String name, String what, double samplingRate, double noiseMultiplier,
      long count) {
    /** This mechanism alone. */
    public RdpAccountant accountant() {
      return RdpAccountant.empty().withSampledGaussian(samplingRate, noiseMultiplier, count);
    }
  }
}
