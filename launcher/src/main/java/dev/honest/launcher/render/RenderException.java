package dev.honest.launcher.render;

/**
 * The run cannot be rendered into Kubernetes objects (a task file too large for a ConfigMap, a
 * path Kubernetes cannot mount, an unreadable file); the message names the file and the limit.
 * Thrown before anything is applied to a cluster.
 */
public class RenderException extends Exception {
  public RenderException(String message) {
    super(message);
  }

  public RenderException(String message, Throwable cause) {
    super(message, cause);
  }
}
