package io.synthgen.tabular.condition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.InvalidInputException;
import io.synthgen.tabular.condition.RowCondition.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowConditionTest {
  private static RowCondition parse(String text) {
    return RowCondition.parse(text, "--condition");
  }

  private static String refusal(String text) {
    return assertThrows(InvalidInputException.class, () -> parse(text)).getMessage();
  }

  @Test
  void equalityKeepsTheColumnAndTheValue() {
    RowCondition c = parse("status = bad");
    assertEquals("status", c.column());
    assertEquals(Kind.EQUALS, c.kind());
    assertEquals(List.of(" bad"), c.values(), "as written (resolution also tries it trimmed)");
    assertEquals(List.of("bad"), parse("status=bad").values());
    assertEquals(List.of("a>b"), parse("code=a>b").values(), "an operator inside a value");
    assertEquals(List.of("night shift"), parse("shift='night shift'").values(), "quoted");
  }

  @Test
  void inListsEveryValueTrimmedAndUnquoted() {
    RowCondition c = parse("merchant IN ( online, 'in store' ,\"kiosk\")");
    assertEquals(Kind.IN, c.kind());
    assertEquals("merchant", c.column());
    assertEquals(List.of("online", "in store", "kiosk"), c.values());
  }

  @Test
  void comparisonsHoldTheirBoundsAndWhetherEachIsIncluded() {
    RowCondition ge = parse("amount>=1000");
    assertEquals(Kind.RANGE, ge.kind());
    assertEquals(1000, ge.low());
    assertTrue(ge.lowIncluded());
    assertEquals(Double.POSITIVE_INFINITY, ge.high());
    RowCondition lt = parse("amount < 2.5");
    assertEquals(2.5, lt.high());
    assertFalse(lt.highIncluded());
    assertTrue(lt.admits(2.4) && !lt.admits(2.5));
    RowCondition gt = parse("amount>-3");
    assertTrue(gt.admits(-2.9) && !gt.admits(-3.0));
    assertTrue(parse("amount<=7").admits(7.0));
    RowCondition between = parse("amount BETWEEN 10 and 20");
    assertTrue(between.admits(10.0) && between.admits(20.0) && !between.admits(20.5));
    assertFalse(between.admits(null), "a missing value meets no range");
  }

  @Test
  void nullTestsNameTheirColumn() {
    RowCondition isNull = parse("amount is null");
    assertEquals(Kind.IS_NULL, isNull.kind());
    assertEquals("amount", isNull.column());
    RowCondition notNull = parse("amount IS NOT NULL");
    assertEquals(Kind.NOT_NULL, notNull.kind());
    assertEquals("amount", notNull.column());
  }

  @Test
  void anEmptyRangeIsRefusedWithTheCondition() {
    String m = refusal("amount between 5 and 3");
    assertTrue(m.contains("'amount between 5 and 3'") && m.contains("empty range"), m);
    assertTrue(parse("amount between 5 and 5").admits(5.0), "a closed point range is not empty");
  }

  @Test
  void aRangeOnTextIsRefusedAsNotANumber() {
    String m = refusal("amount>=lots");
    assertTrue(m.contains("'lots'") && m.contains("not a number"), m);
  }

  @Test
  void textOutsideTheGrammarListsTheForms() {
    String m = refusal("amount");
    assertTrue(m.contains("'amount'") && m.contains("COL between X and Y"), m);
    assertTrue(refusal("  ").contains("empty"));
    assertTrue(refusal("kind in ()").contains("no value"));
  }
}
