package dev.honest.worker.claim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryClaimsTest {
  @TempDir Path dir;

  @Test
  void exactlyOneOfManyWorkersClaimingTheSameTaskAtOnceGetsIt() throws Exception {
    int workers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> claims = new ArrayList<>();
      for (int w = 1; w <= workers; w++) {
        DirectoryClaims mine = new DirectoryClaims(dir, w);
        claims.add(pool.submit(() -> {
          go.await();
          return mine.claim("TASK-1");
        }));
      }
      go.countDown();
      int won = 0;
      for (Future<Boolean> f : claims) {
        won += f.get() ? 1 : 0;
      }

      assertThat(won).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theLedgerSaysWhichWorkerClaimedEachTaskAndLeavesOutUnclaimedOnes() throws Exception {
    new DirectoryClaims(dir, 3).claim("sec/001: SQL injection?");
    new DirectoryClaims(dir, 7).claim("T-2");
    new DirectoryClaims(dir, 9).claim("T-2");

    assertThat(DirectoryClaims.ledger(dir, List.of("sec/001: SQL injection?", "T-2", "T-3")))
        .containsExactly(java.util.Map.entry("sec/001: SQL injection?", 3), java.util.Map.entry("T-2", 7));
    assertThat(new DirectoryClaims(dir, 1).claimed("T-2")).isTrue();
    assertThat(new DirectoryClaims(dir, 1).claimed("T-3")).isFalse();
  }

  /**
   * The launcher reads the ledger when a worker died: a claim it finds must already name its worker,
   * or the task would be laid at the wrong worker's door.
   */
  @Test
  void aClaimIsNeverSeenWithoutItsWorkerEvenWhileItIsBeingMade() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      ids.add("T-" + i);
    }
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> claiming = pool.submit(() -> {
        DirectoryClaims mine = new DirectoryClaims(dir, 4);
        ids.forEach(mine::claim);
      });
      java.util.Set<Integer> seen = new java.util.TreeSet<>();
      while (!claiming.isDone()) {
        seen.addAll(DirectoryClaims.ledger(dir, ids).values());
      }
      claiming.get();
      seen.addAll(DirectoryClaims.ledger(dir, ids).values());

      assertThat(seen).containsExactly(4);
    } finally {
      pool.shutdownNow();
    }
  }

  /** A zip file system, like FAT and some mounts, has no hard links: claims are made as before them. */
  @Test
  void aFileSystemWithoutHardLinksStillGivesEachTaskToOneWorker() throws Exception {
    try (FileSystem zip = FileSystems.newFileSystem(dir.resolve("claims.zip"), Map.of("create", "true"))) {
      Path claims = Files.createDirectories(zip.getPath("/claims"));

      assertThat(new DirectoryClaims(claims, 3).claim("T-1")).isTrue();
      assertThat(new DirectoryClaims(claims, 5).claim("T-1")).isFalse();
      assertThat(DirectoryClaims.ledger(claims, List.of("T-1"))).containsExactly(Map.entry("T-1", 3));
    }
  }

  @Test
  void aClaimInADirectoryThatIsGoneFailsLoudlyNamingTheTask() {
    DirectoryClaims claims = new DirectoryClaims(dir.resolve("missing"), 1);

    assertThatThrownBy(() -> claims.claim("T-1")).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("T-1");
  }

  @Test
  void aClaimInADirectoryThatIsGoneSaysSoNotJustTheFileName() {
    Path gone = dir.resolve("missing");
    DirectoryClaims claims = new DirectoryClaims(gone, 1);

    assertThatThrownBy(() -> claims.claim("T-1")).isInstanceOf(UncheckedIOException.class)
        .hasMessage("cannot claim task T-1 in " + gone + ": the directory does not exist (any more)");
  }
}
