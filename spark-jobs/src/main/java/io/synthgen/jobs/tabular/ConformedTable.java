package io.synthgen.jobs.tabular;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.synthgen.jobs.io.TableReader;
import io.synthgen.model.InvalidInputException;
import io.synthgen.tabular.TableMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * A table as the evaluation reads it: projected to the model's columns, numerics first (as
 * double), then categoricals (as string), with readers for the cells of that layout.
 */
final class ConformedTable {
  /** The category key of a missing value. */
  static final String MISSING = "\u0000<missing>";

  private ConformedTable() {}

  /**
   * Reads the table at {@code path} (given by option {@code flag}) and projects it to the
   * model's columns, refusing a table that lacks one or holds text in a numeric column.
   */
  static Dataset<Row> read(TableEvaluation t, String path, String role, String flag) {
    TableMetadata meta = t.meta();
    List<String> numeric = t.numeric();
    List<String> categorical = t.categorical();
    try {
      org.apache.hadoop.fs.Path hp = new org.apache.hadoop.fs.Path(path);
      if (!hp.getFileSystem(t.spark().sparkContext().hadoopConfiguration()).exists(hp)) {
        throw new InvalidInputException(role + " data '" + path + "' does not exist: check "
            + flag);
      }
    } catch (java.io.IOException e) {
      throw new InvalidInputException(role + " data '" + path + "' cannot be opened ("
          + e.getMessage() + "): check " + flag, e);
    }
    Dataset<Row> df = TableReader.read(t.spark(), path,
        TableReader.sniffFormat(t.spark(), path), flag);
    Map<String, org.apache.spark.sql.types.DataType> types = new LinkedHashMap<>();
    for (StructField f : df.schema().fields()) {
      types.put(f.name(), f.dataType());
    }
    if (meta.label() != null && !types.containsKey(meta.label())) {
      throw new InvalidInputException(role + " data '" + path + "' (" + flag + ") has no label "
          + "column '" + meta.label() + "' of the model's table; its columns: "
          + String.join(", ", types.keySet()) + ": give a table with the training columns");
    }
    List<String> missing = new ArrayList<>();
    for (String c : concat(numeric, categorical)) {
      if (!types.containsKey(c)) {
        missing.add(c);
      }
    }
    if (!missing.isEmpty()) {
      throw new InvalidInputException(role + " data '" + path + "' (" + flag + ") does not match "
          + "the model's table: it lacks column(s) " + missing + "; its columns: "
          + String.join(", ", types.keySet()) + ": give a table with the training columns");
    }
    List<Column> bad = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    for (String c : numeric) {
      if (types.get(c).equals(DataTypes.StringType)) {
        Column raw = col(TableReader.quote(c));
        Column cond = raw.isNotNull().and(org.apache.spark.sql.functions.trim(raw).notEqual(""))
            .and(raw.cast("double").isNull());
        bad.add(sum(when(cond, 1).otherwise(0)));
        bad.add(max(when(cond, raw)));
        checked.add(c);
      } else if (types.get(c).equals(DataTypes.BooleanType)
          || types.get(c).equals(DataTypes.BinaryType)) {
        throw new InvalidInputException(role + " data '" + path + "': column '" + c + "' is "
            + types.get(c).simpleString() + " but the model's table has it as numeric: give "
            + "numbers in '" + c + "'");
      }
    }
    if (!bad.isEmpty()) {
      Row r = df.agg(bad.get(0), bad.subList(1, bad.size()).toArray(new Column[0])).first();
      for (int i = 0; i < checked.size(); i++) {
        if (!r.isNullAt(2 * i) && r.getLong(2 * i) > 0) {
          throw new InvalidInputException(role + " data '" + path + "': column '"
              + checked.get(i) + "' is numeric in the model's table but has non-numeric value '"
              + r.get(2 * i + 1) + "' (" + r.getLong(2 * i) + " such cells): give numbers in '"
              + checked.get(i) + "'");
        }
      }
    }
    List<Column> projection = new ArrayList<>();
    for (String c : numeric) {
      projection.add(col(TableReader.quote(c)).cast("double").as(c));
    }
    for (String c : categorical) {
      projection.add(col(TableReader.quote(c)).cast("string").as(c));
    }
    return df.select(projection.toArray(new Column[0]));
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> l = new ArrayList<>(a);
    l.addAll(b);
    return l;
  }

  static String category(Row row, int i) {
    return row.isNullAt(i) ? MISSING : row.getString(i);
  }

  static double numberAt(Row row, int i) {
    return row.isNullAt(i) ? Double.NaN : row.getDouble(i);
  }

  static double[] numbers(Row row, int nn) {
    double[] v = new double[nn];
    for (int c = 0; c < nn; c++) {
      v[c] = numberAt(row, c);
    }
    return v;
  }

  static String[] categories(Row row, int nn, int nc) {
    String[] v = new String[nc];
    for (int j = 0; j < nc; j++) {
      v[j] = row.isNullAt(nn + j) ? null : row.getString(nn + j);
    }
    return v;
  }
}
