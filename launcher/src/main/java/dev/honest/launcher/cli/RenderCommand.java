package dev.honest.launcher.cli;

import dev.honest.common.io.IoProblems;
import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.cluster.SigningKeySecret;
import dev.honest.launcher.plan.PlanTable;
import dev.honest.launcher.render.RenderException;
import dev.honest.launcher.render.RenderedRun;
import dev.honest.launcher.render.Renderer;
import dev.honest.launcher.render.RunSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code render}: plan and write every manifest; touches no cluster (the same as {@code run --dry-run}). */
@Command(name = "render", mixinStandardHelpOptions = true, versionProvider = LauncherCommand.Version.class,
    description = "Plan the run and write plan.json and every manifest to --output; touch no cluster.")
public final class RenderCommand implements Callable<Integer> {
  @Mixin TaskOptions task;
  @Mixin DeployOptions deploy;
  @Spec CommandSpec spec;

  @Option(names = "--output", paramLabel = "DIR", defaultValue = TaskOptions.DEFAULT_OUTPUT,
      description = "Where plan.json and the manifests go. Default: ./${DEFAULT-VALUE}")
  void output(Path dir) {
    task.output = dir;
  }

  @Override
  public Integer call() {
    // Nothing here prices a run, but `run` refuses bad price options before it renders: so does
    // `render`, which is what `run --dry-run` does, rather than pass a run that would then fail.
    task.prices.settings();
    render(task, deploy, spec.commandLine().getOut());
    return 0;
  }

  /** The run's settings, its validated tasks and everything rendered from them. */
  record Prepared(RunSettings settings, List<TaskSpec> tasks, RenderedRun run) {}

  /** Loads, plans, renders and writes; shared by {@code render} and {@code run}. */
  static Prepared render(TaskOptions task, DeployOptions deploy, PrintWriter out) {
    Prepared prepared = prepare(task, deploy, out);
    write(prepared, task, out);
    return prepared;
  }

  /** Loads the tasks and renders a new run of them, writing nothing (a note on the task file goes to {@code out}). */
  static Prepared prepare(TaskOptions task, DeployOptions deploy, PrintWriter out) {
    task.requireWorkers();
    List<TaskSpec> tasks = task.loadTasks(out);
    RunSettings settings = deploy.settings(TaskOptions.newRunId(), task, task.generationOptions());
    return new Prepared(settings, tasks, render(settings, tasks, task.workspace));
  }

  /**
   * The same run (same id and settings) narrowed to {@code toRun}, for {@code run --resume}. The
   * Ollama Deployment stays the one rendered for every task, which is already applied.
   */
  static Prepared narrow(Prepared full, List<TaskSpec> toRun, Path workspace) {
    RenderedRun r = render(full.settings(), toRun, workspace);
    return new Prepared(full.settings(), toRun, r.withDeployment(full.run().deployment()));
  }

  /** Writes the plan and the manifests into {@code --output} and says so. */
  static void write(Prepared prepared, TaskOptions task, PrintWriter out) {
    RunSettings settings = prepared.settings();
    RenderedRun run = prepared.run();
    TaskOptions.createDirectory(task.output);
    int manifests;
    try {
      manifests = run.writeTo(task.output);
    } catch (IOException e) {
      throw LauncherException.invalidInput("cannot write to " + task.output + ": " + IoProblems.why(e, task.output));
    }
    out.println("Run " + settings.runId() + ": " + prepared.tasks().size() + " tasks, namespace "
        + settings.namespace());
    out.print(PlanTable.render(run.plan(), prepared.tasks(), task.workers));
    out.println("Wrote plan.json and " + manifests + " manifest files to " + task.output);
    out.println("Not written: the Secret " + SigningKeySecret.NAME + " with the run's private signing key, which the"
        + " Jobs mount; `run` creates it with a fresh key. To apply these files yourself, create it first:"
        + " `openssl genpkey -algorithm ed25519 -out key.pem && kubectl -n " + settings.namespace()
        + " create secret generic " + SigningKeySecret.NAME + " --from-file=" + SigningKeySecret.KEY + "=key.pem`");
    out.flush();
  }

  private static RenderedRun render(RunSettings settings, List<TaskSpec> tasks, Path workspace) {
    try {
      return new Renderer().render(settings, tasks, workspace);
    } catch (RenderException | IllegalArgumentException e) {
      throw LauncherException.invalidInput(e.getMessage());
    }
  }
}
