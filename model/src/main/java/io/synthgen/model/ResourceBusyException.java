package io.synthgen.model;

/**
 * A resource another job holds right now (a directory whose lease it owns): not bad input and
 * not a failure; the job writes nothing and can be retried later. The message names the
 * resource, its holder and the fix; job runners map it to a distinct exit code.
 */
public class ResourceBusyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ResourceBusyException(String message) {
    super(message);
  }
}
