package dev.honest.launcher.results;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsFilesTest {
  @TempDir Path out;

  @Test
  void aWriteThatFailsHalfWayLeavesTheEarlierFileWholeAndNoTemporaryFile() throws IOException {
    Path log = out.resolve(ResultsFiles.logFileName(1));
    ResultsFiles.writeAtomically(log, "the earlier collect's log\n".getBytes(UTF_8));

    assertThatThrownBy(() -> ResultsFiles.writeAtomically(log, stream -> {
      stream.write("half of this collect's lo".getBytes(UTF_8));
      stream.flush();
      throw new IOException("No space left on device");
    })).isInstanceOf(IOException.class).hasMessage("No space left on device");

    assertThat(Files.readString(log, UTF_8)).isEqualTo("the earlier collect's log\n");
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files).containsExactly(log);
    }
  }

  @Test
  void aWriteReplacesTheFileWithANewOneNotRewritingItInPlace() throws IOException {
    Path results = out.resolve(ResultsFiles.RESULTS_FILE);
    ResultsFiles.writeAtomically(results, "{\"earlier\": true}".getBytes(UTF_8));
    // A reader that opened the earlier file (an editor, a copy in progress) keeps reading it whole.
    Path reading = Files.createLink(out.resolve("held-open"), results);

    ResultsFiles.writeAtomically(results, "{\"earlier\": false}".getBytes(UTF_8));

    assertThat(Files.readString(results, UTF_8)).isEqualTo("{\"earlier\": false}");
    assertThat(Files.readString(reading, UTF_8)).isEqualTo("{\"earlier\": true}");
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files).containsExactlyInAnyOrder(results, reading);
    }
  }
}
