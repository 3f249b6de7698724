package dev.honest.bench.standin;

import picocli.CommandLine.Option;

/** The latency options of the stand-in's commands. */
public final class LatencyOptions {
  @Option(names = "--prompt-us", paramLabel = "µs", defaultValue = LatencyModel.DEFAULT_PROMPT_MICROS,
      description = "A slot's time per prompt token, in microseconds. Default: ${DEFAULT-VALUE}")
  double promptMicros;

  @Option(names = "--completion-us", paramLabel = "µs", defaultValue = LatencyModel.DEFAULT_COMPLETION_MICROS,
      description = "A slot's time per completion token, in microseconds. Default: ${DEFAULT-VALUE}")
  double completionMicros;

  public LatencyModel model() {
    return new LatencyModel(promptMicros, completionMicros);
  }
}
