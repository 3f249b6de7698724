package dev.honest.common.version;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The project's version ({@code 0.1.0-SNAPSHOT}), as the build wrote it into this library: what
 * {@code --version}, the SARIF tool and the default worker image name say.
 */
public final class ProjectVersion {
  private static final String RESOURCE = "version.properties";

  private ProjectVersion() {}

  /** The version; read when asked, so a program that does not print it does not read it. */
  public static String get() {
    try (InputStream in = ProjectVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath of " + ProjectVersion.class.getName());
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version");
      if (version == null || version.isBlank() || version.startsWith("${")) {
        throw new IllegalStateException(RESOURCE + " holds no version (was it filtered by the build?): " + version);
      }
      return version;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
