package io.synthgen.tabular.profile;

import io.synthgen.model.InvalidInputException;
import io.synthgen.tabular.TableMetadata;
import io.synthgen.tabular.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The column-role policy of the table models: from a table's column types, its one-pass
 * {@link TableStatistics} and the optional metadata, decides which columns are numeric, which
 * categorical and which are left out (identifiers), validates each (declared columns present,
 * numeric columns numeric, no empty column, categories UTF-8 and under the cap, a label of at
 * least two classes holding the positive class), and builds the {@link ColumnProfile}s the
 * models fit. Every refusal names the input, the column and the fix.
 *
 * <p>Without metadata a column is numeric when its type is, or when it is text whose every
 * non-null cell parses as a number; otherwise categorical, unless it looks like an identifier
 * ({@link #looksLikeIdentifier}).
 */
public final class ColumnRoles {
  private static final Logger LOG = LoggerFactory.getLogger(ColumnRoles.class);
  /** Share of distinct values among a column's values above which it is taken for an ID. */
  public static final double IDENTIFIER_DISTINCT_SHARE = 0.95;
  /** Fewest values for that share to mean anything. */
  public static final long IDENTIFIER_MIN_VALUES = 20;

  private ColumnRoles() {}

  /** A column's type in the file, as far as the role policy needs it. */
  public enum SourceType {
    INT, LONG, FLOAT, DOUBLE, DECIMAL, BOOLEAN, STRING, DATE, TIMESTAMP;

    /** Whether the file stores the column as numbers. */
    public boolean numeric() {
      return this == INT || this == LONG || this == FLOAT || this == DOUBLE || this == DECIMAL;
    }
  }

  /** The modelled columns, in table order, and the metadata with every column's role. */
  public record Roles(List<ColumnProfile> profiles, TableMetadata metadata,
      List<String> excluded) {}

  /**
   * Refuses metadata naming a label or a column that {@code columns} (the input's columns) lacks.
   */
  public static void checkDeclared(TableMetadata metadata, String metadataSource,
      List<String> columns, String path) {
    if (metadata == null) {
      return;
    }
    if (metadata.label() != null && !columns.contains(metadata.label())) {
      throw new InvalidInputException("label column '" + metadata.label() + "' (from "
          + metadataSource + ") is not in input '" + path + "'; its columns: "
          + String.join(", ", columns));
    }
    List<String> declared = new ArrayList<>(metadata.categorical());
    declared.addAll(metadata.numeric());
    declared.addAll(metadata.bounds().keySet());
    for (String c : declared) {
      if (!columns.contains(c)) {
        throw new InvalidInputException("column '" + c + "' listed in " + metadataSource
            + " is not in input '" + path + "'; its columns: " + String.join(", ", columns));
      }
    }
  }

  /**
   * The roles of the columns {@code names} (of file types {@code types}) of the table at
   * {@code path}, given its statistics and optional metadata (from {@code metadataSource}).
   */
  public static Roles decide(List<String> names, List<SourceType> types, TableStatistics stats,
      TableMetadata metadata, String metadataSource, String path, int maxCategories) {
    long rows = stats.rows();
    if (rows == 0) {
      throw new InvalidInputException("input '" + path + "' has no data rows: give a non-empty "
          + "table");
    }
    List<ColumnProfile> profiles = new ArrayList<>();
    List<String> excluded = new ArrayList<>();
    List<String> categorical = new ArrayList<>();
    List<String> numeric = new ArrayList<>();
    List<String> dataBounds = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      SourceType t = types.get(i);
      long nulls = stats.nulls(i);
      long badCount = stats.nonNumeric(i);
      boolean isNumeric;
      if (metadata != null && metadata.numeric().contains(n)) {
        isNumeric = true;
        if (badCount > 0) {
          throw new InvalidInputException("input '" + path + "': column '" + n
              + "' is listed as numeric in " + metadataSource + " but has non-numeric value '"
              + stats.firstNonNumeric(i) + "' (" + badCount + " such cells): fix the data or "
              + "list the column as categorical");
        }
      } else if (metadata != null && metadata.categorical().contains(n)) {
        isNumeric = false;
      } else {
        isNumeric = t.numeric() || (t == SourceType.STRING && badCount == 0 && nulls < rows);
      }
      if (nulls == rows) {
        throw new InvalidInputException("input '" + path + "': column '" + n + "' is empty in "
            + "all " + rows + " rows: drop it from the table"
            + (metadata != null && metadata.declares(n) ? " and from " + metadataSource : ""));
      }
      if (isNumeric) {
        boolean integral = stats.integral(i);
        double lo = stats.min(i);
        double hi = stats.max(i);
        double[] declaredRange = metadata == null ? null : metadata.bounds(n);
        if (declaredRange != null) {
          if (lo < declaredRange[0] || hi > declaredRange[1]) {
            throw new InvalidInputException("input '" + path + "': column '" + n + "' has "
                + "values outside its bounds [" + declaredRange[0] + ", " + declaredRange[1]
                + "] in " + metadataSource + ": widen the bounds, or fix the data");
          }
          lo = declaredRange[0];
          hi = declaredRange[1];
        } else {
          dataBounds.add(n);
        }
        profiles.add(ColumnProfile.numeric(n, valueType(t, integral, lo, hi), rows, nulls, lo,
            hi, integral, stats.sample(i)));
        numeric.add(n);
        continue;
      }
      Map<String, Long> counts = stats.categories(i);
      boolean declared = metadata != null && metadata.declares(n);
      if (!declared && looksLikeIdentifier(counts, rows - nulls)) {
        LOG.warn("input '{}': column '{}' looks like an identifier ({} distinct values in {} "
            + "rows): left out of the model, and generated rows will not have it; list it "
            + "in the metadata's categorical columns to model it anyway", path, n,
            counts == null ? "more than " + maxCategories : counts.size(), rows - nulls);
        excluded.add(n);
        continue;
      }
      if (counts != null) {
        for (String v : counts.keySet()) {
          if (v != null && v.indexOf('\uFFFD') >= 0) {
            throw notUtf8(path, "column '" + n + "'", v);
          }
        }
      }
      if (counts != null && n.equals(metadata == null ? null : metadata.label())) {
        checkLabel(counts, n, metadata, metadataSource, path);
      }
      if (counts == null) {
        throw new InvalidInputException("input '" + path + "': categorical column '" + n
            + "' has more than " + maxCategories + " distinct values: drop it, list it as "
            + "numeric, or raise option 'transformer.max-categories'");
      }
      ValueType vt = t == SourceType.STRING ? ValueType.STRING : valueType(t, true, 0, 0);
      profiles.add(ColumnProfile.categorical(n, vt, rows, nulls, new TreeMap<>(counts)));
      categorical.add(n);
    }
    if (!dataBounds.isEmpty()) {
      LOG.warn("input '{}': the metadata gives no bounds for numeric columns {}, so the model "
          + "keeps each one's real minimum and maximum (two training values per column) as its "
          + "range: add \"bounds\": {\"COLUMN\": {\"min\": ..., \"max\": ...}} to the "
          + "metadata to keep them out of the model", path, dataBounds);
    }
    if (profiles.isEmpty()) {
      throw new InvalidInputException("input '" + path + "': no column is left to model ("
          + "left out as identifiers: " + excluded + "): give a table with numeric or "
          + "categorical columns");
    }
    TableMetadata resolved = new TableMetadata(metadata == null ? null : metadata.label(),
        metadata == null ? null : metadata.positiveClass(), categorical, numeric,
        metadata == null ? java.util.Map.of() : metadata.bounds());
    return new Roles(profiles, resolved, excluded);
  }

  /** A label needs two classes, one of them the metadata's positive class when it names one. */
  private static void checkLabel(Map<String, Long> counts, String label, TableMetadata metadata,
      String metadataSource, String path) {
    if (counts.size() < 2) {
      throw new InvalidInputException("input '" + path + "': label column '" + label
          + "' (from " + metadataSource + ") has a single class " + counts.keySet()
          + ": a model of one class cannot generate or rebalance the others; give rows of "
          + "every class");
    }
    if (metadata.positiveClass() != null && !counts.containsKey(metadata.positiveClass())) {
      throw new InvalidInputException("input '" + path + "': positive_class '"
          + metadata.positiveClass() + "' (from " + metadataSource + ") is not a value of "
          + "label column '" + label + "', whose values are " + counts.keySet() + ": fix "
          + "positive_class");
    }
  }

  /**
   * A categorical column with (nearly) one distinct value per row, or more distinct values than
   * the category cap ({@code counts} null): an identifier or free text, not a category.
   */
  public static boolean looksLikeIdentifier(Map<String, Long> counts, long values) {
    return counts == null || (values >= IDENTIFIER_MIN_VALUES
        && counts.size() >= IDENTIFIER_DISTINCT_SHARE * values);
  }

  /** The refusal of text that is not UTF-8 ({@code where} names the header or the column). */
  public static InvalidInputException notUtf8(String path, String where, String value) {
    return new InvalidInputException("input '" + path + "' is not UTF-8: " + where + " has '"
        + value + "' (\uFFFD marks bytes that are not UTF-8): save the file as UTF-8 (e.g. "
        + "iconv -f latin1 -t utf-8)");
  }

  /** The type generated values of a column get: the file's, or for text, what its values fit. */
  static ValueType valueType(SourceType t, boolean integral, double lo, double hi) {
    switch (t) {
      case INT:
        return ValueType.INT;
      case LONG:
        return ValueType.LONG;
      case FLOAT:
        return ValueType.FLOAT;
      case BOOLEAN:
        return ValueType.BOOLEAN;
      case STRING:
        if (!integral) {
          return ValueType.DOUBLE;
        }
        return lo >= Integer.MIN_VALUE && hi <= Integer.MAX_VALUE ? ValueType.INT
            : ValueType.LONG;
      default:
        return ValueType.DOUBLE;
    }
  }
}
