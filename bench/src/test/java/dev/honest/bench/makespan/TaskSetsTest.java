package dev.honest.bench.makespan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.common.task.TaskFileReader;
import dev.honest.common.task.TaskSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskSetsTest {
  static final Path EXAMPLES = Path.of("..", "examples");

  @TempDir Path target;

  @Test
  void moreTasksThanTheSourceHoldsRepeatItOverCopiesOfTheWorkspace() throws Exception {
    List<TaskSpec> source = TaskFileReader.read(EXAMPLES.resolve("excel-tasks-extracted.json"),
        EXAMPLES.resolve("shop-app"));

    TaskSets.TaskSet set = TaskSets.replicate(EXAMPLES.resolve("excel-tasks-extracted.json"),
        EXAMPLES.resolve("shop-app"), 150, target);

    List<TaskSpec> tasks = TaskFileReader.read(set.tasksFile(), set.workspace());
    assertThat(tasks).hasSize(150);
    assertThat(tasks).extracting(TaskSpec::id).doesNotHaveDuplicates();
    assertThat(set.workspace().resolve("copy-03")).isDirectory();
    assertThat(set.workspace().resolve("copy-04")).doesNotExist();
    TaskSpec first = source.get(0);
    TaskSpec copy = tasks.get(2 * source.size());
    assertThat(copy.id()).isEqualTo(first.id() + "-03");
    assertThat(copy.files()).isEqualTo(first.files().stream().map(f -> "copy-03/" + f).toList());
    assertThat(copy.action()).isEqualTo(first.action());
    assertThat(Files.mismatch(set.workspace().resolve(copy.files().get(0)),
        EXAMPLES.resolve("shop-app").resolve(first.files().get(0)))).isEqualTo(-1);
  }
}
