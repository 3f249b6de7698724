package dev.honest.launcher.apply;

import static dev.honest.launcher.TestRecords.call;
import static dev.honest.launcher.TestRecords.completed;
import static dev.honest.launcher.TestRecords.fix;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.common.result.Change;
import dev.honest.common.task.Action;
import dev.honest.launcher.TestTasks;
import dev.honest.worker.edit.Edit;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FixApplierTest {
  private static final String DB = "const db = require('db');\nfunction find(id) {\n"
      + "  return db.query('SELECT * FROM users WHERE id = ' + id);\n}\nmodule.exports = find;\n";

  @TempDir Path workspace;

  @Test
  void aWriteThatFailsHalfWayLeavesTheFileByteForByteAndNothingBeside() throws Exception {
    TestTasks.write(workspace, "src/db.js", DB.getBytes(UTF_8));
    List<Change> changes = fix(workspace, "T-1", new Edit("src/db.js", "' + id);", "?', [id]);"));
    // A disk that fills up half way through every write.
    FixApplier.Output full = (file, bytes) -> {
      Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
      throw new FileSystemException(file.toString(), null, "No space left on device");
    };

    List<FixApplier.Outcome> outcomes = new FixApplier(workspace, false, full)
        .apply(List.of(completed("T-1", Action.FIX, "security", List.of(), List.of(), changes, call(100, 50))));

    assertThat(Files.readString(workspace.resolve("src/db.js"))).isEqualTo(DB);
    try (Stream<Path> files = Files.list(workspace.resolve("src"))) {
      assertThat(files).containsExactly(workspace.resolve("src/db.js"));
    }
    assertThat(outcomes).singleElement().satisfies(o -> assertThat(o.describe(false))
        .isEqualTo("refused T-1 src/db.js: cannot write it: No space left on device; the file is as it was"));
  }
}
