package dev.honest.common.proof;

/** A proof does not hold: no signature, a signature by another key, a bad signature, ...; the message says which. */
public class VerificationException extends Exception {
  public VerificationException(String message) {
    super(message);
  }

  public VerificationException(String message, Throwable cause) {
    super(message, cause);
  }
}
