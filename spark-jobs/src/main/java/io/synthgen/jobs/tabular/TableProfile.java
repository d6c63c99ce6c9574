package io.synthgen.jobs.tabular;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.synthgen.jobs.io.TableReader;
import io.synthgen.model.InvalidInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/** Row counts, numeric bounds and integrality, and category counts of one conformed table. */
final class TableProfile {
  long rows;
  long[] present;
  double[] min;
  double[] max;
  long[] nonInteger;
  List<Map<String, Long>> categories;

  long missing(int numericColumn) {
    return rows - present[numericColumn];
  }

  /** Profiles a conformed table; an empty one is an error naming {@code path} and {@code flag}. */
  static TableProfile of(TableEvaluation e, Dataset<Row> t, String path, String flag) {
    List<String> numeric = e.numeric();
    List<String> categorical = e.categorical();
    int nNum = e.nNum();
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)));
    for (String c : numeric) {
      Column x = col(TableReader.quote(c));
      aggs.add(count(x));
      aggs.add(min(x));
      aggs.add(max(x));
      aggs.add(sum(when(x.notEqual(floor(x)), 1).otherwise(0)));
    }
    Row r = t.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
    TableProfile p = new TableProfile();
    p.rows = r.getLong(0);
    if (p.rows == 0) {
      throw new InvalidInputException("table '" + path + "' (" + flag + ") has no rows: give a "
          + "non-empty table");
    }
    p.present = new long[nNum];
    p.min = new double[nNum];
    p.max = new double[nNum];
    p.nonInteger = new long[nNum];
    for (int i = 0; i < nNum; i++) {
      p.present[i] = r.getLong(1 + 4 * i);
      p.min[i] = r.isNullAt(2 + 4 * i) ? Double.NaN : r.getDouble(2 + 4 * i);
      p.max[i] = r.isNullAt(3 + 4 * i) ? Double.NaN : r.getDouble(3 + 4 * i);
      p.nonInteger[i] = r.isNullAt(4 + 4 * i) ? 0 : r.getLong(4 + 4 * i);
    }
    int nn = nNum;
    int nc = categorical.size();
    Map<Tuple2<Integer, String>, Long> counts = t.javaRDD()
        .flatMapToPair(row -> {
          List<Tuple2<Tuple2<Integer, String>, Long>> out = new ArrayList<>(nc);
          for (int j = 0; j < nc; j++) {
            out.add(new Tuple2<>(new Tuple2<>(j, ConformedTable.category(row, nn + j)), 1L));
          }
          return out.iterator();
        }).reduceByKey(Long::sum).collectAsMap();
    p.categories = new ArrayList<>();
    for (int j = 0; j < nc; j++) {
      p.categories.add(new HashMap<>());
    }
    counts.forEach((k, v) -> p.categories.get(k._1()).put(k._2(), v));
    return p;
  }
}
