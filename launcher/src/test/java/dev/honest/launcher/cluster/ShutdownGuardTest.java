package dev.honest.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownGuardTest {
  @Test
  void onCtrlCTheWatchIsStoppedAndTheJvmWaitsUntilTheCommandHasFinishedPrinting() throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    ShutdownGuard guard = ShutdownGuard.install(stopped::countDown);
    Thread hook = new Thread(guard::onShutdown);

    hook.start();
    assertThat(stopped.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(hook.isAlive()).isTrue();

    guard.close();
    hook.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(hook.isAlive()).isFalse();
  }

  @Test
  void onCtrlCTheProcessExitsWithTheCodeTheCommandGaveNotTheSignals() throws Exception {
    ShutdownGuard guard = ShutdownGuard.install(() -> {});
    java.util.concurrent.CompletableFuture<Integer> code =
        java.util.concurrent.CompletableFuture.supplyAsync(guard::onShutdown);

    guard.exitCode(1);
    guard.close();

    assertThat(code.get(30, TimeUnit.SECONDS)).isEqualTo(1);
  }
}
