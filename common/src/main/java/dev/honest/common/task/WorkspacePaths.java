package dev.honest.common.task;

import dev.honest.common.io.IoProblems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Workspace-relative file paths as tasks name them: how they are written down and when one may be
 * read. The launcher checks every path before anything runs; the worker checks again, in its pod,
 * right before it reads a file.
 */
public final class WorkspacePaths {
  private static final Pattern WINDOWS_DRIVE = Pattern.compile("^[A-Za-z]:(/|$)");

  private WorkspacePaths() {}

  /**
   * The canonical spelling of a path: blanks around it trimmed, backslashes turned into {@code /},
   * empty and {@code .} segments dropped ({@code ./src//a.js} becomes {@code src/a.js}). A leading
   * {@code /} and {@code ..} segments are kept, so {@link #problem} can still reject them. Spaces
   * inside names are kept.
   */
  public static String normalize(String path) {
    String slashed = path.strip().replace('\\', '/');
    List<String> segments = new ArrayList<>();
    for (String segment : slashed.split("/")) {
      if (!segment.isEmpty() && !segment.equals(".")) {
        segments.add(segment);
      }
    }
    return (slashed.startsWith("/") ? "/" : "") + String.join("/", segments);
  }

  /**
   * Why the file at {@code relativePath} may not be read as part of {@code workspace}, or empty
   * when it may. A readable file is named relative to the workspace, has no {@code ..} segment,
   * exists, is a regular file (not a directory), and its real path, symlinks resolved, is inside
   * the workspace's real path. The reason is one line that quotes the path.
   */
  public static Optional<String> problem(Path workspace, String relativePath) {
    String path = normalize(relativePath);
    String quoted = "'" + path + "'";
    Optional<String> spelling = spellingProblem(path);
    if (spelling.isPresent()) {
      return spelling;
    }
    Optional<String> workspaceProblem = workspaceProblem(workspace);
    if (workspaceProblem.isPresent()) {
      return workspaceProblem;
    }
    Path root;
    Path real;
    try {
      root = workspace.toRealPath();
      real = root.resolve(path).toRealPath();
    } catch (NoSuchFileException e) {
      return Optional.of(quoted + " does not exist in the workspace");
    } catch (InvalidPathException e) {
      return Optional.of(quoted + " is not a valid path (" + e.getReason() + ")");
    } catch (IOException e) {
      return Optional.of(quoted + " cannot be resolved: " + IoProblems.why(e));
    }
    if (!real.startsWith(root)) {
      return Optional.of(quoted + " leaves the workspace through a symlink (it resolves to " + real + ")");
    }
    if (Files.isDirectory(real)) {
      return Optional.of(quoted + " is a directory (name the files in it)");
    }
    if (!Files.isRegularFile(real)) {
      return Optional.of(quoted + " is not a regular file");
    }
    return Optional.empty();
  }

  /**
   * Why a path cannot name a file of any workspace, whatever it holds: empty, absolute, or with a
   * {@code ..} segment; empty when the spelling is fine. The first checks of {@link #problem}.
   */
  static Optional<String> spellingProblem(String relativePath) {
    String path = normalize(relativePath);
    String quoted = "'" + path + "'";
    if (path.isEmpty()) {
      return Optional.of("empty path");
    }
    if (path.startsWith("/") || WINDOWS_DRIVE.matcher(path).find()) {
      return Optional.of(quoted + " is absolute (paths are relative to the workspace)");
    }
    if (List.of(path.split("/")).contains("..")) {
      return Optional.of(quoted + " contains '..' (paths must stay inside the workspace)");
    }
    return Optional.empty();
  }

  /** Why {@code workspace} cannot hold task files, or empty when it is an existing directory. */
  static Optional<String> workspaceProblem(Path workspace) {
    return Files.isDirectory(workspace)
        ? Optional.empty()
        : Optional.of("workspace '" + workspace + "' does not exist or is not a directory");
  }
}
