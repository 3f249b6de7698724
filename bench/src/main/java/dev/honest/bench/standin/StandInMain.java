package dev.honest.bench.standin;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Serves a {@link StandIn} on its own, for trying things by hand: prints the proxy's and the
 * replicas' URLs, serves until {@code --lifetime} has passed or the process is stopped, then prints
 * each replica's figures.
 */
@Command(name = "stand-in", mixinStandardHelpOptions = true,
    description = "Serves timed Ollama replicas behind a connection-sticky proxy on 127.0.0.1.")
public final class StandInMain implements Callable<Integer> {
  @Option(names = "--replicas", defaultValue = "3", description = "Replicas. Default: ${DEFAULT-VALUE}")
  int replicas;

  @Option(names = "--parallel", defaultValue = "1", description = "Slots per replica. Default: ${DEFAULT-VALUE}")
  int parallel;

  @Mixin LatencyOptions latency;

  @Option(names = "--lifetime-seconds", defaultValue = "600",
      description = "Stops serving after this long. Default: ${DEFAULT-VALUE}")
  long lifetimeSeconds;

  @Option(names = "--seed", defaultValue = "1", description = "Seeds the proxy's choice of replica.")
  long seed;

  public static void main(String[] args) {
    System.exit(new CommandLine(new StandInMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (StandIn standIn = StandIn.start(replicas, parallel, latency.model(), seed,
        Duration.ofSeconds(lifetimeSeconds))) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> print(out, standIn)));
      out.println("proxy (sticky): " + standIn.proxyUrl());
      out.println("replicas: " + String.join(",", standIn.replicaUrls()));
      Thread.sleep(Duration.ofSeconds(lifetimeSeconds).toMillis());
    }
    return 0;
  }

  private static void print(PrintStream out, StandIn standIn) {
    for (Replica r : standIn.replicas()) {
      BusyMeter.Snapshot s = r.busy();
      out.printf(Locale.ROOT, "replica %d: %d chats, busy %.1f s, slot time %.1f s, at most %d at once%n",
          r.index(), s.served(), s.busyNanos() / 1e9, s.slotNanos() / 1e9, s.maxInService());
    }
    out.println("connections per replica: " + standIn.proxy().connectionsPerBackend());
  }
}
