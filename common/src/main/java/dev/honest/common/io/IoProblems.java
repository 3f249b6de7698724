package dev.honest.common.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * What went wrong with a file, in words, for a message that names the file already: the message of
 * most {@link FileSystemException}s is only the file's name ({@code AccessDeniedException: /x/y}),
 * which said twice tells nothing.
 */
public final class IoProblems {
  private IoProblems() {}

  /** E.g. {@code no such file}, {@code permission denied}, {@code No space left on device}. */
  public static String why(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "a file of that name is in the way";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
  }

  /**
   * Same, for a message that names {@code named} while the failure may be another file's: one inside
   * it (a directory's file that could not be written) or a parent. That file is named then, e.g.
   * {@code out/plan.json: permission denied}; else only the words, as {@link #why(IOException)}.
   */
  public static String why(IOException e, Path named) {
    String file = e instanceof FileSystemException f ? f.getFile() : null;
    return file == null || Path.of(file).equals(named) ? why(e) : file + ": " + why(e);
  }
}
