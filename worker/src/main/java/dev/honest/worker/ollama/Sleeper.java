package dev.honest.worker.ollama;

import java.time.Duration;

/** Waits between attempts. Injected so that tests observe the delays instead of sitting through them. */
@FunctionalInterface
public interface Sleeper {
  /** Really sleeps on the calling thread. */
  Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
