package dev.honest.worker.claim;

import dev.honest.common.hash.Hashes;
import dev.honest.common.io.IoProblems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Claims as files in a directory every worker of the run can write: a claim is a file named after
 * the task that holds the claiming worker's index. It is written under a name of its own first and
 * then hard-linked under the claim's name ({@link Files#createLink}, link(2)), which succeeds for
 * exactly one creator even across processes and makes the claim appear with its content (on a file
 * system without hard links, it is created with {@code O_CREAT|O_EXCL} and then written). File
 * names are the SHA-256 of the task id, so any id is a valid name.
 */
public final class DirectoryClaims implements Claims {
  private final Path dir;
  private final int worker;

  /** @param worker the index written into this worker's claims */
  public DirectoryClaims(Path dir, int worker) {
    this.dir = dir;
    this.worker = worker;
  }

  @Override
  public boolean claim(String taskId) {
    Path file = file(dir, taskId);
    Path draft = null;
    try {
      // Written whole first, then linked under the claim's name: link(2) fails when the name exists,
      // so exactly one creator wins, and nobody ever sees a claim without its worker.
      draft = Files.createTempFile(dir, "draft-", ".claim");
      Files.writeString(draft, Integer.toString(worker));
      try {
        Files.createLink(file, draft);
      } catch (FileAlreadyExistsException taken) {
        return false;
      } catch (UnsupportedOperationException | FileSystemException noLinks) {
        // A file system without hard links (FAT, some mounts): O_CREAT|O_EXCL, then the worker, as
        // before links; a claim is then empty for the moment between the two.
        Files.createFile(file);
        Files.writeString(file, Integer.toString(worker));
      }
      return true;
    } catch (FileAlreadyExistsException taken) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot claim task " + taskId + " in " + dir + ": " + why(e), e);
    } finally {
      if (draft != null) {
        try {
          Files.deleteIfExists(draft);
        } catch (IOException e) {
          // a draft left behind is never read: claims are looked up by their own names
        }
      }
    }
  }

  /** What went wrong, in words: the messages of most file exceptions are only the file's name. */
  private static String why(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "the directory does not exist (any more)";
    }
    return IoProblems.why(e);
  }

  @Override
  public boolean claimed(String taskId) {
    return Files.exists(file(dir, taskId));
  }

  /**
   * Which worker claimed each of {@code taskIds}, as far as the directory tells: tasks nobody
   * claimed are absent, and a claim whose content is not a worker's index maps to 0.
   */
  public static Map<String, Integer> ledger(Path dir, Collection<String> taskIds) throws IOException {
    Map<String, Integer> claimedBy = new LinkedHashMap<>();
    for (String id : taskIds) {
      try {
        String text = Files.readString(file(dir, id), StandardCharsets.UTF_8).trim();
        claimedBy.put(id, text.matches("[0-9]{1,9}") ? Integer.parseInt(text) : 0);
      } catch (NoSuchFileException unclaimed) {
        // nobody started it
      }
    }
    return claimedBy;
  }

  private static Path file(Path dir, String taskId) {
    return dir.resolve(Hashes.sha256Hex(taskId.getBytes(StandardCharsets.UTF_8)));
  }
}
