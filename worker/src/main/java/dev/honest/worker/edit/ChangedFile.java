package dev.honest.worker.edit;

import dev.honest.common.result.Change;

/** One file changed by a task's edits: the proof record and the new bytes, held only in memory. */
public final class ChangedFile {
  private final Change change;
  private final byte[] after;

  ChangedFile(Change change, byte[] after) {
    this.change = change;
    this.after = after.clone();
  }

  /** Path, hashes before and after, and the unified diff. */
  public Change change() {
    return change;
  }

  /** The modified content (a copy); its hashes are {@code change().md5After()/sha256After()}. */
  public byte[] after() {
    return after.clone();
  }
}
