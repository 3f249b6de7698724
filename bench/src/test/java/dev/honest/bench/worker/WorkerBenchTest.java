package dev.honest.bench.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerBenchTest {
  @TempDir Path dir;

  @Test
  void theWorkersFlagsAreTheJvmFlagsOfTheJibConfiguration() throws Exception {
    Path pom = Files.writeString(dir.resolve("pom.xml"), """
        <container>
          <jvmFlags>
            <jvmFlag>-XX:+UseSerialGC</jvmFlag>
            <jvmFlag> -Xshare:auto </jvmFlag>
          </jvmFlags>
        </container>
        """);

    assertThat(WorkerBench.imageFlags(pom)).containsExactly("-XX:+UseSerialGC", "-Xshare:auto");
  }

  @Test
  void aFlagNamingAFileOfJibsExtraDirectoryNamesThatFileInTheRepositoryOnTheHost() throws Exception {
    Path jibDir = Files.createDirectories(dir.resolve("jib/app"));
    Files.writeString(jibDir.resolve("directives.json"), "[]");

    assertThat(WorkerBench.hostFlags(List.of("-XX:+UseSerialGC", "-XX:CompilerDirectivesFile=/app/directives.json",
        "-XX:SharedArchiveFile=/app/missing.jsa"), dir.resolve("jib")))
        .containsExactly("-XX:+UseSerialGC", "-XX:CompilerDirectivesFile=" + jibDir.resolve("directives.json"),
            "-XX:SharedArchiveFile=/app/missing.jsa");
  }

  @Test
  void aPomWithoutJvmFlagsIsAnError() throws Exception {
    Path pom = Files.writeString(dir.resolve("pom.xml"), "<project/>");

    assertThatThrownBy(() -> WorkerBench.imageFlags(pom)).hasMessageContaining("names no <jvmFlag>");
  }
}
