package dev.honest.bench.worker;

import dev.honest.worker.WorkerMain;
import java.util.Arrays;

/**
 * The worker program run several times in one JVM, so that its last run is warm (classes loaded,
 * code compiled): {@code RepeatedWorker N <worker arguments>}. Each run is a whole {@link
 * WorkerMain#execute} with its own configuration reading, Ollama client and signed chain.
 */
final class RepeatedWorker {
  private RepeatedWorker() {}

  public static void main(String[] args) {
    int runs = Integer.parseInt(args[0]);
    String[] workerArgs = Arrays.copyOfRange(args, 1, args.length);
    int code = 0;
    for (int i = 0; i < runs && code == 0; i++) {
      code = WorkerMain.execute(workerArgs);
    }
    System.exit(code);
  }
}
