package dev.honest.launcher.cluster;

/** The labels and names by which the launcher finds a run's objects in its namespace. */
public final class RunLabels {
  /** On every object of every run: {@code app.kubernetes.io/part-of=honest-orchestration}. */
  public static final String PART_OF = "app.kubernetes.io/part-of";

  public static final String PART_OF_VALUE = "honest-orchestration";

  /** The run id, on every object of a run, pod templates included. */
  public static final String INSTANCE = "app.kubernetes.io/instance";

  /** What part of the run an object is: {@code config}, {@code worker}, {@code task-files}, ... */
  public static final String COMPONENT = "app.kubernetes.io/component";

  /**
   * The {@link #COMPONENT} of the run's configuration: {@code orchestrator-config} and its task shards
   * (the renderer writes it; {@code RunEndToEndTest} collects a sharded run through it).
   */
  public static final String CONFIG_COMPONENT = "config";

  /** Set by the Job controller on each pod it creates (Kubernetes 1.27+). */
  public static final String JOB_NAME = "batch.kubernetes.io/job-name";

  /** The ConfigMap mounted as the workers' configuration directory; it holds {@code plan.json}. */
  public static final String CONFIG_MAP = "orchestrator-config";

  private RunLabels() {}
}
