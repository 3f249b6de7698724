package dev.honest.common.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspacePathsTest {
  @TempDir
  Path workspace;

  @Test
  void normalisingTrimsTurnsBackslashesIntoSlashesAndDropsDotAndEmptySegments() {
    assertThat(WorkspacePaths.normalize("  ./src\\main//./App.java ")).isEqualTo("src/main/App.java");
    assertThat(WorkspacePaths.normalize("docs/read me.md")).isEqualTo("docs/read me.md");
  }

  @Test
  void normalisingKeepsWhatMakesAPathUnsafe() {
    assertThat(WorkspacePaths.normalize("/etc//passwd")).isEqualTo("/etc/passwd");
    assertThat(WorkspacePaths.normalize("\\\\server\\share\\x")).isEqualTo("/server/share/x");
    assertThat(WorkspacePaths.normalize("./a/../../b")).isEqualTo("a/../../b");
  }

  @Test
  void aRegularFileInsideTheWorkspaceHasNoProblem() throws Exception {
    Files.createDirectories(workspace.resolve("src"));
    Files.writeString(workspace.resolve("src/a.js"), "x");

    assertThat(WorkspacePaths.problem(workspace, "src/a.js")).isEmpty();
    assertThat(WorkspacePaths.problem(workspace, ".\\src\\a.js")).isEmpty();
  }

  @Test
  void anEmptyPathIsAProblem() {
    assertThat(WorkspacePaths.problem(workspace, " ./ ")).contains("empty path");
  }

  @Test
  void aFileThatIsNeitherRegularNorADirectoryIsAProblem() throws Exception {
    // A socket stands in for FIFOs and devices: reading one could block or never end.
    try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      socket.bind(UnixDomainSocketAddress.of(workspace.resolve("agent.sock")));

      assertThat(WorkspacePaths.problem(workspace, "agent.sock")).contains("'agent.sock' is not a regular file");
    }
  }

  @Test
  void aWorkspaceThatIsAFileIsAProblem() throws Exception {
    Path file = Files.writeString(workspace.resolve("a.js"), "x");

    assertThat(WorkspacePaths.problem(file, "a.js"))
        .contains("workspace '" + file + "' does not exist or is not a directory");
  }

  @Test
  void aWorkspaceReachedThroughASymlinkKeepsItsFilesInside() throws Exception {
    Path realWorkspace = Files.createDirectory(workspace.resolve("real"));
    Files.writeString(realWorkspace.resolve("a.js"), "x");
    Path linkedWorkspace = Files.createSymbolicLink(workspace.resolve("link"), realWorkspace);

    assertThat(WorkspacePaths.problem(linkedWorkspace, "a.js")).isEmpty();
  }
}
