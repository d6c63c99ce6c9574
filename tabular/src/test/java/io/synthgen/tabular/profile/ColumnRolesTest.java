package io.synthgen.tabular.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.InvalidInputException;
import io.synthgen.tabular.TableMetadata;
import io.synthgen.tabular.ValueType;
import io.synthgen.tabular.profile.ColumnRoles.SourceType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnRolesTest {
  private static final List<String> NAMES = List.of("amount", "kind", "id", "status");
  private static final List<SourceType> TYPES = List.of(SourceType.STRING, SourceType.STRING,
      SourceType.STRING, SourceType.STRING);

  /** 100 rows: numeric text, 3 categories, a unique id, a two-class label. */
  private static TableStatistics table(int categoryLimit) {
    TableStatistics s = new TableStatistics(4, categoryLimit, 100, 1);
    for (int i = 0; i < 100; i++) {
      s.add(new Object[] {String.valueOf(i * 2), "k" + (i % 3), "id" + i,
          i % 10 == 0 ? "bad" : "good"});
    }
    return s;
  }

  @Test
  void infersNumericTextCategoriesAndLeavesIdentifiersOut() {
    ColumnRoles.Roles roles = ColumnRoles.decide(NAMES, TYPES, table(50), null, null, "in.csv",
        50);
    assertEquals(List.of("amount"), roles.metadata().numeric());
    assertEquals(List.of("kind", "status"), roles.metadata().categorical());
    assertEquals(List.of("id"), roles.excluded());
    ColumnProfile amount = roles.profiles().get(0);
    assertFalse(amount.categorical());
    assertEquals(ValueType.INT, amount.valueType(), "integral text within int range");
    assertTrue(roles.profiles().get(1).categorical());
  }

  @Test
  void aDeclaredIdentifierIsModelled() {
    TableMetadata meta = new TableMetadata("status", "bad", List.of("id", "kind", "status"),
        List.of("amount"));
    ColumnRoles.Roles roles = ColumnRoles.decide(NAMES, TYPES, table(200), meta, "meta.json",
        "in.csv", 200);
    assertTrue(roles.excluded().isEmpty());
    assertEquals(4, roles.profiles().size());
  }

  @Test
  void aNumericColumnWithTextIsRefusedNamingColumnValueAndFix() {
    TableMetadata meta = new TableMetadata(null, null, List.of(), List.of("kind"));
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ColumnRoles.decide(NAMES, TYPES, table(50), meta, "meta.json", "in.csv", 50));
    assertTrue(e.getMessage().contains("column 'kind'"), e.getMessage());
    assertTrue(e.getMessage().contains("'k0'"), e.getMessage());
    assertTrue(e.getMessage().contains("list the column as categorical"), e.getMessage());
  }

  @Test
  void aPositiveClassThatIsNoValueOfTheLabelIsRefused() {
    TableMetadata meta = new TableMetadata("status", "fraud", List.of("status"), List.of());
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ColumnRoles.decide(NAMES, TYPES, table(50), meta, "meta.json", "in.csv", 50));
    assertTrue(e.getMessage().contains("positive_class 'fraud'"), e.getMessage());
  }

  @Test
  void anEmptyTableAndAnAllNullColumnAreRefused() {
    TableStatistics empty = new TableStatistics(4, 50, 100, 1);
    assertTrue(assertThrows(InvalidInputException.class, () -> ColumnRoles.decide(NAMES, TYPES,
        empty, null, null, "in.csv", 50)).getMessage().contains("no data rows"));
    TableStatistics nulls = new TableStatistics(1, 50, 100, 1);
    nulls.add(new Object[] {null});
    nulls.add(new Object[] {null});
    assertTrue(assertThrows(InvalidInputException.class, () -> ColumnRoles.decide(
        List.of("blank"), List.of(SourceType.DOUBLE), nulls, null, null, "in.csv", 50))
        .getMessage().contains("column 'blank' is empty in all 2 rows"));
  }

  @Test
  void metadataNamingAMissingColumnIsRefused() {
    TableMetadata meta = new TableMetadata("label", null, List.of("label"), List.of());
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ColumnRoles.checkDeclared(meta, "meta.json", NAMES, "in.csv"));
    assertTrue(e.getMessage().contains("label column 'label' (from meta.json) is not in input "
        + "'in.csv'"), e.getMessage());
  }

  @Test
  void identifierRuleNeedsEnoughValues() {
    assertTrue(ColumnRoles.looksLikeIdentifier(null, 5), "over the category cap");
    assertFalse(ColumnRoles.looksLikeIdentifier(java.util.Map.of("a", 1L, "b", 1L), 2),
        "too few values to tell");
  }

  @Test
  void declaredBoundsReplaceTheDataExtremesAndRefuseValuesOutsideThem() {
    TableMetadata meta = new TableMetadata("status", "bad", List.of("kind", "id"),
        List.of("amount"), java.util.Map.of("amount", new double[] {-10, 1000}));
    ColumnProfile amount = ColumnRoles.decide(NAMES, TYPES, table(200), meta, "meta.json",
        "in.csv", 200).profiles().get(0);
    assertEquals(-10, amount.min());
    assertEquals(1000, amount.max());
    TableMetadata narrow = new TableMetadata("status", "bad", List.of("kind", "id"),
        List.of("amount"), java.util.Map.of("amount", new double[] {0, 100}));
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ColumnRoles.decide(NAMES, TYPES, table(200), narrow, "meta.json", "in.csv", 200));
    assertTrue(e.getMessage().contains("column 'amount' has values outside its bounds [0.0, "
        + "100.0] in meta.json: widen the bounds"), e.getMessage());
  }

  @Test
  void boundsAreParsedCheckedAndKeptInTheBundleForm() {
    TableMetadata m = TableMetadata.parse("{\"label\": \"s\", \"numeric\": [\"x\"], "
        + "\"bounds\": {\"x\": {\"min\": 0, \"max\": 5}}}", "m.json");
    assertEquals(5.0, m.bounds("x")[1]);
    assertEquals(0.0, TableMetadata.fromJson(m.toJson()).bounds("x")[0], "round trip");
    assertTrue(assertThrows(InvalidInputException.class, () -> TableMetadata.parse(
        "{\"bounds\": {\"x\": {\"min\": 5, \"max\": 1}}}", "m.json")).getMessage()
        .contains("'bounds' of column 'x' must be finite with min < max"));
    assertTrue(assertThrows(InvalidInputException.class, () -> TableMetadata.parse(
        "{\"bounds\": {\"x\": {\"min\": 0}}}", "m.json")).getMessage()
        .contains("needs numbers 'min' and 'max'"));
  }
}
