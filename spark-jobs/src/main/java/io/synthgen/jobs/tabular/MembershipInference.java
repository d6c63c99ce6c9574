package io.synthgen.jobs.tabular;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.jobs.evaluate.EvaluationReport;
import io.synthgen.model.Seeds;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.eval.Distributions;
import io.synthgen.model.eval.RecordDistance;
import io.synthgen.model.eval.RocAuc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Membership inference by distance to the closest synthetic record: an attacker who holds a
 * real row and the synthetic rows guesses that the row was in the training data when a synthetic
 * row lies close to it (the distance attack of Hilprecht et al., "Monte Carlo and
 * reconstruction membership inference attacks against generative models", PoPETs 2019; the
 * member/non-member game of Shokri et al., "Membership inference attacks against machine
 * learning models", IEEE S&amp;P 2017). Members are a seeded sample of the training rows,
 * non-members an equal seeded sample of the holdout; each one's distance ({@link
 * RecordDistance}, the DCR's column scaling) to its closest synthetic row comes from one
 * {@code treeAggregate} over the synthetic rows with the queries broadcast. The score is minus
 * the distance; its ROC AUC ({@link RocAuc}) is 0.5 when the synthetic rows lie no closer to
 * training rows than to other rows of the population.
 */
final class MembershipInference {
  private MembershipInference() {}

  /** The attack's JSON; records {@code membership_auc} and {@code membership_auc_positive}. */
  static ObjectNode evaluate(TableEvaluation t, Dataset<Row> real, Dataset<Row> syn,
      Dataset<Row> holdout, TableProfile rp, long holdoutRows) {
    ObjectNode o = ModelBundle.json().createObjectNode();
    o.put("attack", "distance of a real row to its closest synthetic row; closer = member");
    int m = (int) Math.min(t.request().dcrSample(), Math.min(rp.rows, holdoutRows));
    List<Row> members = real.javaRDD().takeSample(false, m,
        Seeds.derive(t.request().seed(), Seeds.SAMPLE, 4));
    List<Row> nonMembers = holdout.javaRDD().takeSample(false, m,
        Seeds.derive(t.request().seed(), Seeds.SAMPLE, 5));
    List<Row> queries = new ArrayList<>(members);
    queries.addAll(nonMembers);
    double[] d = nearestSynthetic(t, syn, rp, queries);
    double[] dm = Arrays.copyOfRange(d, 0, members.size());
    double[] dn = Arrays.copyOfRange(d, members.size(), d.length);
    o.put("n_members", dm.length);
    o.put("n_non_members", dn.length);
    double auc = RocAuc.of(negated(dm), negated(dn));
    EvaluationReport.put(o, "auc", auc);
    EvaluationReport.put(o, "member_distance_median", median(dm));
    EvaluationReport.put(o, "non_member_distance_median", median(dn));
    EvaluationReport.put(o, "member_share_at_zero", atZero(dm));
    EvaluationReport.put(o, "non_member_share_at_zero", atZero(dn));
    t.report().metric("membership_auc", auc);
    double aucPositive = Double.NaN;
    String label = t.meta().label();
    String positive = t.meta().positiveClass();
    if (label != null && positive != null) {
      int li = t.nNum() + t.categorical().indexOf(label);
      double[] pm = ofClass(members, dm, li, positive);
      double[] pn = ofClass(nonMembers, dn, li, positive);
      o.put("n_members_positive", pm.length);
      o.put("n_non_members_positive", pn.length);
      aucPositive = RocAuc.of(negated(pm), negated(pn));
      EvaluationReport.put(o, "auc_positive", aucPositive);
      if (pm.length == 0 || pn.length == 0) {
        o.put("positive_note", "no sampled row of class '" + positive + "' on one side");
      }
    } else {
      o.put("positive_note", "the metadata names no label and positive class");
    }
    t.report().metric("membership_auc_positive", aucPositive);
    o.put("note", "ROC AUC of minus the distance, members (training rows) against non-members "
        + "(holdout rows), ties counting 1/2: 0.5 = the synthetic rows lie no closer to training "
        + "rows than to other rows of the population; 1 = every training row has a synthetic row "
        + "closer than any holdout row does");
    return o;
  }

  /** Each query's distance to its closest synthetic row: one treeAggregate, queries broadcast. */
  private static double[] nearestSynthetic(TableEvaluation t, Dataset<Row> syn, TableProfile rp,
      List<Row> queries) {
    int nn = t.nNum();
    int nc = t.categorical().size();
    double[][] qNum = new double[queries.size()][];
    String[][] qCat = new String[queries.size()][];
    for (int q = 0; q < queries.size(); q++) {
      qNum[q] = ConformedTable.numbers(queries.get(q), nn);
      qCat[q] = ConformedTable.categories(queries.get(q), nn, nc);
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(t.spark().sparkContext());
    Broadcast<double[][]> bNum = sc.broadcast(qNum);
    Broadcast<String[][]> bCat = sc.broadcast(qCat);
    try {
      return syn.javaRDD().treeAggregate(new RecordDistance.Nearest(queries.size()),
          new Offer(new RecordDistance(rp.min, rp.max, nc), bNum, bCat, nn, nc), new Merge())
          .distances();
    } finally {
      bNum.destroy();
      bCat.destroy();
    }
  }

  /** Offers one synthetic row to every broadcast query. */
  static final class Offer implements Function2<RecordDistance.Nearest, Row,
      RecordDistance.Nearest> {
    private static final long serialVersionUID = 1L;
    private final RecordDistance metric;
    private final Broadcast<double[][]> qNum;
    private final Broadcast<String[][]> qCat;
    private final int nn;
    private final int nc;

    Offer(RecordDistance metric, Broadcast<double[][]> qNum, Broadcast<String[][]> qCat, int nn,
        int nc) {
      this.metric = metric;
      this.qNum = qNum;
      this.qCat = qCat;
      this.nn = nn;
      this.nc = nc;
    }

    @Override
    public RecordDistance.Nearest call(RecordDistance.Nearest acc, Row row) {
      return acc.offer(metric, qNum.value(), qCat.value(), ConformedTable.numbers(row, nn),
          ConformedTable.categories(row, nn, nc));
    }
  }

  /** Element-wise minimum of two partitions' distances. */
  static final class Merge implements Function2<RecordDistance.Nearest, RecordDistance.Nearest,
      RecordDistance.Nearest> {
    private static final long serialVersionUID = 1L;

    @Override
    public RecordDistance.Nearest call(RecordDistance.Nearest a, RecordDistance.Nearest b) {
      return a.merge(b);
    }
  }

  private static double[] ofClass(List<Row> rows, double[] d, int labelIndex, String positive) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      if (positive.equals(ConformedTable.category(rows.get(i), labelIndex))) {
        out.add(d[i]);
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double[] negated(double[] d) {
    return Arrays.stream(d).map(x -> -x).toArray();
  }

  private static double median(double[] d) {
    double[] s = d.clone();
    Arrays.sort(s);
    return Distributions.percentile(s, 50);
  }

  private static double atZero(double[] d) {
    return d.length == 0 ? Double.NaN
        : Arrays.stream(d).filter(x -> x <= 1e-9).count() / (double) d.length;
  }
}
