package dev.honest.common.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IoProblemsTest {
  @TempDir Path dir;

  @Test
  void aMissingFileIsSaidInWordsNotByItsNameAgain() {
    IOException e = catchThrowableOfType(IOException.class, () -> Files.readAllBytes(dir.resolve("missing.json")));

    assertThat(e.getMessage()).isEqualTo(dir.resolve("missing.json").toString());
    assertThat(IoProblems.why(e)).isEqualTo("no such file");
  }

  @Test
  void aFileInTheWayOfADirectoryIsSaidInWords() throws IOException {
    Files.writeString(dir.resolve("out"), "a file");

    IOException e = catchThrowableOfType(IOException.class, () -> Files.createDirectories(dir.resolve("out")));

    assertThat(IoProblems.why(e)).isEqualTo("a file of that name is in the way");
  }

  @Test
  void aFileUnderAFileIsNotADirectory() throws IOException {
    Files.writeString(dir.resolve("plain"), "a file");

    IOException e = catchThrowableOfType(IOException.class, () -> Files.writeString(dir.resolve("plain/x"), "y"));

    assertThat(IoProblems.why(e)).isEqualTo("Not a directory");
  }

  /** What the JDK throws for EACCES (tests run as root here, where no file is unreadable). */
  @Test
  void aDeniedAccessAndTheFileSystemsOwnReasonAreSaidWithoutTheFileName() {
    assertThat(IoProblems.why(new AccessDeniedException("/data/results.json"))).isEqualTo("permission denied");
    assertThat(IoProblems.why(new FileSystemException("/data/out/x.yaml", null, "No space left on device")))
        .isEqualTo("No space left on device");
    assertThat(IoProblems.why(new IOException("Is a directory"))).isEqualTo("Is a directory");
    assertThat(IoProblems.why(new IOException())).isEqualTo("IOException");
  }

  @Test
  void aFailureOfAnotherFileThanTheOneTheMessageNamesNamesThatFile() throws IOException {
    Path out = Files.createDirectories(dir.resolve("out"));
    Files.createDirectories(out.resolve("plan.json"));

    IOException e = catchThrowableOfType(IOException.class, () -> Files.writeString(out.resolve("plan.json"), "{}"));

    assertThat(IoProblems.why(e, out)).isEqualTo(out.resolve("plan.json") + ": Is a directory");
    assertThat(IoProblems.why(e, out.resolve("plan.json"))).isEqualTo("Is a directory");
    assertThat(IoProblems.why(new IOException("Is a directory"), out)).isEqualTo("Is a directory");
  }
}
