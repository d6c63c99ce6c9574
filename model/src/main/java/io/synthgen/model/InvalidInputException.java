package io.synthgen.model;

/**
 * Bad input from a user: a file, column, option or value that cannot be used. The message names
 * what is wrong, the bad value and the fix; job runners map it to a non-zero exit without a stack
 * trace.
 */
public class InvalidInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
