package dev.honest.launcher.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.GenerationOptions;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.task.TaskFileReader;
import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.SmallProject;
import dev.honest.launcher.plan.Planner;
import dev.honest.launcher.results.ResultsFiles;
import dev.honest.launcher.results.WorkerOutcome;
import dev.honest.common.result.ResultLines;
import dev.honest.worker.testing.OllamaStandIn;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalRunnerTest {
  private final OllamaStandIn ollama = new OllamaStandIn();
  @TempDir Path dir;

  @AfterEach
  void stop() {
    ollama.close();
  }

  @ParameterizedTest(name = "in process: {0}")
  @ValueSource(booleans = {false, true})
  void eachWorkersOutcomeIsHandedOverOnceWhenItEndsAndIsTheOneTheRunReturns(boolean inProcess) throws Exception {
    SmallRun run = smallRun(2);
    List<WorkerOutcome> ended = new CopyOnWriteArrayList<>();

    LocalRunner.Result result = new LocalRunner(run.configDir(), run.workspace(), dir.resolve("out"), Duration.ofMinutes(2),
        SigningKey.generate(), new LocalRunner.Mode(inProcess, true, 1), new PrintWriter(new StringWriter()))
        .run(run.plan(), ended::add);

    assertThat(result.outcomes()).hasSize(2).allSatisfy(o -> assertThat(o.status()).isEqualTo("succeeded"));
    assertThat(ended).hasSize(2);
    // The very objects: a log read ahead from one is used for the same outcome only.
    for (WorkerOutcome o : result.outcomes()) {
      assertThat(ended).anySatisfy(e -> assertThat(e).isSameAs(o));
    }
  }

  @Test
  void inProcessEachOllamaUrlHasItsSlotsPlusOneChatInFlightAndNoMore() throws Exception {
    SmallRun run = smallRun(4);
    ollama.slowDown("Task: ", 300); // every chat: four workers want a chat at once from the start

    LocalRunner.Result result = new LocalRunner(run.configDir(), run.workspace(), dir.resolve("out"), Duration.ofMinutes(2),
        SigningKey.generate(), new LocalRunner.Mode(true, false, 1), new PrintWriter(new StringWriter())).run(run.plan());

    assertThat(result.outcomes()).allSatisfy(o -> assertThat(o.status()).isEqualTo("succeeded"));
    // How many chats the server held at the middle of each one (the middle: clear of millisecond rounding).
    List<long[]> chats = ollama.server().getAllServeEvents().stream()
        .filter(e -> e.getRequest().getUrl().equals("/api/chat"))
        .map(e -> new long[] {e.getRequest().getLoggedDate().getTime(), e.getTiming().getTotalTime()})
        .toList();
    int most = 0;
    for (long[] c : chats) {
      double middle = c[0] + c[1] / 2.0;
      most = Math.max(most, (int) chats.stream().filter(o -> o[0] < middle && middle < o[0] + o[1]).count());
    }
    assertThat(most).as("one slot (--ollama-parallel 1) and one chat waiting at the server").isEqualTo(2);
  }

  @ParameterizedTest(name = "in process: {0}")
  @ValueSource(booleans = {false, true})
  void aWorkersResultsAreStillReadWhenItsLogFileCannotBeWritten(boolean inProcess) throws Exception {
    SmallRun run = smallRun(1);
    Path out = dir.resolve("out");
    // The log file cannot be written (as on a full disk): here, a directory is in its place.
    java.nio.file.Files.createDirectories(out.resolve(ResultsFiles.logFileName(1)));

    LocalRunner.Result result = new LocalRunner(run.configDir(), run.workspace(), out, Duration.ofMinutes(2),
        SigningKey.generate(), new LocalRunner.Mode(inProcess, true, 1), new PrintWriter(new StringWriter()))
        .run(run.plan());

    WorkerOutcome worker = result.outcomes().get(0);
    assertThat(worker.status()).isEqualTo("succeeded");
    assertThat(worker.log().lines().filter(l -> l.startsWith(ResultLines.RESULT_PREFIX)))
        .as("the results the worker printed, read though its log file could not be written").hasSize(run.tasks().size());
    assertThat(worker.pods().get(0).message()).contains(ResultsFiles.logFileName(1));
  }

  /** The small project planned over {@code workers} workers, its configuration written as a run's. */
  private record SmallRun(Path workspace, List<TaskSpec> tasks, Plan plan, Path configDir) {}

  private SmallRun smallRun(int workers) throws Exception {
    Path workspace = dir.resolve("project");
    List<TaskSpec> tasks = TaskFileReader.read(SmallProject.write(workspace), workspace);
    Plan plan = new Planner().plan("run-1", tasks, workspace, workers, GenerationOptions.DEFAULTS);
    Path configDir = dir.resolve("config");
    ConfigLayout.write(configDir, WorkerConfig.defaults("run-1", List.of(ollama.url())), tasks, plan);
    return new SmallRun(workspace, tasks, plan, configDir);
  }
}
