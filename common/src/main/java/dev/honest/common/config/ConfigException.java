package dev.honest.common.config;

/** The configuration directory is missing a file or holds an invalid one; the message names it. */
public class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }
}
