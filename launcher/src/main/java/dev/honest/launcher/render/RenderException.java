package dev.honest.launcher.render;

/**
 * The run cannot be rendered into Kubernetes objects (a task file too large for a ConfigMap, a
 * path Kubernetes cannot mount, an unreadable file); the message names the file and the limit.
 * Thrown before anything is applied to a cluster.
 */
public class RenderException extends Exception {
  private final String file;

  public RenderException(String message) {
    this(message, null, null);
  }

  public RenderException(String message, Throwable cause) {
    this(message, null, cause);
  }

  /** @param file the workspace file the problem is about, or null */
  RenderException(String message, String file, Throwable cause) {
    super(message, cause);
    this.file = file;
  }

  /** The workspace file the problem is about, or null when it is about none. */
  String file() {
    return file;
  }
}
