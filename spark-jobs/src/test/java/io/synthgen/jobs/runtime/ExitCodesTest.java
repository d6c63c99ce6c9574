package io.synthgen.jobs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How a failed job is reported, as the runner and the pipeline's steps report it. */
class ExitCodesTest {
  private static String report(String job, Exception e, boolean verbose, int expectedCode) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ExitCodes.report(job, e, verbose,
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(expectedCode, code);
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void refusedInputAnywhereInTheCausesIsExit2WithItsMessageOnly() {
    String err = report("train", new RuntimeException("wrapped",
        new InvalidInputException("option '--epochs' has value 0")), false, ExitCodes.BAD_INPUT);
    assertTrue(err.startsWith("synth train: error: option '--epochs' has value 0"), err);
    assertFalse(err.contains("\tat "), "no stack trace without --verbose: " + err);
    assertTrue(report("train", new InvalidInputException("bad"), true, ExitCodes.BAD_INPUT)
        .contains("\tat "), "--verbose adds the stack trace");
  }

  @Test
  void aStoppedApplicationIsExit2NamingTheMaster() {
    String err = report("generate", new IllegalStateException(
        "Cannot call methods on a stopped SparkContext."), false, ExitCodes.BAD_INPUT);
    assertTrue(err.startsWith("synth generate: error: option '--master'"), err);
  }

  @Test
  void anythingElseIsAnInternalErrorWithItsStackTrace() {
    String err = report("generate", new IllegalStateException("boom"), false,
        ExitCodes.INTERNAL);
    assertTrue(err.startsWith("synth generate: internal error: java.lang.IllegalStateException: "
        + "boom"), err);
    assertTrue(err.contains("\tat "), err);
  }
}
