package io.synthgen.model.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.InvalidInputException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {
  private static final OptionSpec<Integer> EPOCHS =
      OptionSpec.ofInt("epochs", 300, 1, 100000, "training epochs");
  private static final OptionSpec<Double> LR =
      OptionSpec.ofDouble("learning-rate", 2e-4, 0, 1, "Adam learning rate");

  @Test
  void fileThenOverrideWithLaterSourceWinning() throws Exception {
    Options o = Options.builder(List.of(EPOCHS, LR))
        .load(new StringReader("# comment\nepochs = 5\nlearning-rate=0.01\n"), "a.conf")
        .setAssignment("epochs=7", "--set")
        .build();
    assertEquals(7, o.get(EPOCHS));
    assertEquals(0.01, o.get(LR));
    assertTrue(o.isSet(EPOCHS));
  }

  @Test
  void withReplacesOneValueAndLeavesTheOriginalUnchanged() {
    Options o = Options.builder(List.of(EPOCHS, LR)).setAssignment("epochs=5", "--set").build();
    Options changed = o.with(LR, 0.5, "test");
    assertEquals(0.5, changed.get(LR));
    assertEquals(5, changed.get(EPOCHS));
    assertEquals(5, o.get(EPOCHS));
    assertEquals(false, o.isSet(LR));
    assertThrows(InvalidInputException.class, () -> o.with(EPOCHS, -1, "test"),
        "values are validated as when set");
  }

  @Test
  void unsetOptionsTakeTheirDefault() {
    Options o = Options.builder(List.of(EPOCHS)).build();
    assertEquals(300, o.get(EPOCHS));
    assertFalse(o.isSet(EPOCHS));
  }

  @Test
  void valueBeforeKeyIsKeptBesideTheDefaultAndValidated() {
    OptionSpec<Boolean> deep = OptionSpec.ofBoolean("deep", true, "an extra layer")
        .withValueBeforeKey("false");
    assertEquals("false", deep.valueBeforeKey());
    assertEquals(true, deep.defaultValue(), "new configs still get the default");
    assertEquals(true, Options.builder(List.of(deep)).build().get(deep));
    assertEquals(null, EPOCHS.valueBeforeKey(), "without one, a missing key means the default");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> OptionSpec.ofBoolean("deep", true, "an extra layer").withValueBeforeKey("maybe"));
    assertTrue(e.getMessage().contains("'deep'"), e.getMessage());
  }

  @Test
  void unknownKeyIsAnErrorNamingIt() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> Options.builder(List.of(EPOCHS)).setAssignment("epoch=3", "--set"));
    assertTrue(e.getMessage().contains("'epoch'"), e.getMessage());
    assertTrue(e.getMessage().contains("epochs"), e.getMessage());
  }

  @Test
  void invalidValueNamesKeyValueAndDefault() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> Options.builder(List.of(EPOCHS)).setAssignment("epochs=-2", "--set"));
    assertTrue(e.getMessage().contains("'epochs'") && e.getMessage().contains("'-2'")
        && e.getMessage().contains("default 300"), e.getMessage());
  }

  @Test
  void recordedNoneRoundTripsAsUnsetForKeysWithoutDefault() {
    OptionSpec<String> labels = OptionSpec.ofString("labels", null, "label file");
    OptionSpec<String> loss = OptionSpec.ofString("loss", "minimax", "loss");
    Options recorded = Options.builder(List.of(labels, loss)).build();
    Options.Builder b = Options.builder(List.of(labels, loss));
    recorded.effectiveValues().forEach((k, v) -> b.set(k, v, "bundle"));
    Options back = b.build();
    assertEquals(null, back.get(labels));
    assertEquals("minimax", back.get(loss));
    assertEquals("none", Options.builder(List.of(loss)).set("loss", "none", "x").build()
        .get(loss), "a key with a default takes 'none' literally");
  }
}
