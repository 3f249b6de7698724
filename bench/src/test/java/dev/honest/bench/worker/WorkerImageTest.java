package dev.honest.bench.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerImageTest {

  @Test
  void aRelativeWorkDirectoryIsMountedByItsAbsolutePathNotTakenForAVolumeName() {
    WorkerImage image = new WorkerImage("localhost/honest-worker:ci", List.of("podman", "run"));
    Path dir = Path.of("target", "bench-work", "fixture");
    Fixture fixture = new Fixture(dir.resolve("workspace"), dir.resolve("signing").resolve("key.pem"), List.of(), 0,
        dir, "http://127.0.0.1:1");

    List<String> command = image.command(fixture, dir.resolve("config-one"), "c");

    Path cwd = Path.of("").toAbsolutePath();
    assertThat(command).contains(
        cwd.resolve("target/bench-work/fixture/config-one") + ":/etc/honest/config:ro",
        cwd.resolve("target/bench-work/fixture/workspace") + ":/workspace:ro",
        cwd.resolve("target/bench-work/fixture/signing") + ":/etc/honest/signing:ro");
    assertThat(command).last().isEqualTo("localhost/honest-worker:ci");
  }
}
