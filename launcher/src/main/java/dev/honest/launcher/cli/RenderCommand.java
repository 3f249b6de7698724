package dev.honest.launcher.cli;

import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.cluster.SigningKeySecret;
import dev.honest.launcher.plan.PlanTable;
import dev.honest.launcher.render.RenderException;
import dev.honest.launcher.render.RenderedRun;
import dev.honest.launcher.render.Renderer;
import dev.honest.launcher.render.RunSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code render}: plan and write every manifest; touches no cluster (the same as {@code run --dry-run}). */
@Command(name = "render", mixinStandardHelpOptions = true,
    description = "Plan the run and write plan.json and every manifest to --output; touch no cluster.")
public final class RenderCommand implements Callable<Integer> {
  @Mixin TaskOptions task;
  @Mixin DeployOptions deploy;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    render(task, deploy, spec.commandLine().getOut());
    return 0;
  }

  /** The validated tasks and everything rendered from them. */
  record Prepared(List<TaskSpec> tasks, RenderedRun run) {}

  /** Loads, plans, renders and writes; shared by {@code render} and {@code run}. */
  static Prepared render(TaskOptions task, DeployOptions deploy, PrintWriter out) {
    task.requireWorkers();
    List<TaskSpec> tasks = task.loadTasks();
    RunSettings settings = deploy.settings(TaskOptions.newRunId(), task, task.generationOptions());
    RenderedRun run;
    try {
      run = new Renderer().render(settings, tasks, task.workspace);
    } catch (RenderException | IllegalArgumentException e) {
      throw LauncherException.invalidInput(e.getMessage());
    }
    TaskOptions.createDirectory(task.output);
    try {
      run.writeTo(task.output);
    } catch (IOException e) {
      throw LauncherException.invalidInput("cannot write to " + task.output + ": " + e.getMessage());
    }
    out.println("Run " + settings.runId() + ": " + tasks.size() + " tasks, namespace " + settings.namespace());
    out.print(PlanTable.render(run.plan(), tasks, task.workers));
    out.println("Wrote plan.json and " + (run.jobs().size() + 5) + " manifest files to " + task.output);
    out.println("Not written: the Secret " + SigningKeySecret.NAME + " with the run's private signing key, which the"
        + " Jobs mount; `run` creates it with a fresh key. To apply these files yourself, create it first:"
        + " `openssl genpkey -algorithm ed25519 -out key.pem && kubectl -n " + settings.namespace()
        + " create secret generic " + SigningKeySecret.NAME + " --from-file=" + SigningKeySecret.KEY + "=key.pem`");
    out.flush();
    return new Prepared(tasks, run);
  }
}
