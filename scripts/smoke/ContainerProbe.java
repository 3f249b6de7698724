import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Run inside the worker image by scripts/smoke-test-image, with the worker's hardening, to check
 * from the inside what the outside asked for: a non-root uid and gid, no capabilities,
 * no_new_privs, a read-only root file system and read-only mounts, a writable /tmp, a signing key
 * it can read but not replace. Prints one line per check and exits 1 when any check fails.
 * Compiled on the host: the image has no javac.
 */
public final class ContainerProbe {
  private static final List<String> FAILURES = new ArrayList<>();

  public static void main(String[] args) throws IOException {
    List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
    check("uid", field(status, "Uid:"), "10001\t10001\t10001\t10001");
    check("gid", field(status, "Gid:"), "10001\t10001\t10001\t10001");
    check("effective capabilities", field(status, "CapEff:"), "0000000000000000");
    check("bounding capabilities", field(status, "CapBnd:"), "0000000000000000");
    check("no_new_privs", field(status, "NoNewPrivs:"), "1");
    check("user.name", System.getProperty("user.name"), "nonroot");
    check("write /etc/probe", writable("/etc/probe"), "refused");
    check("write /opt/java/openjdk/probe", writable("/opt/java/openjdk/probe"), "refused");
    check("write /etc/honest/config/probe", writable("/etc/honest/config/probe"), "refused");
    check("write /workspace/probe", writable("/workspace/probe"), "refused");
    check("write /tmp/probe", writable("/tmp/probe"), "written");
    check("read config.json", Files.isReadable(Path.of("/etc/honest/config/config.json")) ? "readable" : "unreadable", "readable");
    check("read the signing key", readable("/etc/honest/signing/key.pem"), "readable");
    check("write /etc/honest/signing/probe", writable("/etc/honest/signing/probe"), "refused");
    System.out.println(FAILURES.isEmpty() ? "PROBE-OK" : "PROBE-FAILED " + String.join("; ", FAILURES));
    System.exit(FAILURES.isEmpty() ? 0 : 1);
  }

  private static String field(List<String> status, String name) {
    return status.stream().filter(l -> l.startsWith(name)).map(l -> l.substring(name.length()).strip())
        .findFirst().orElse("(absent)");
  }

  private static String readable(String file) {
    try {
      return Files.readString(Path.of(file)).startsWith("-----BEGIN PRIVATE KEY-----") ? "readable" : "not a key";
    } catch (IOException e) {
      return "unreadable";
    }
  }

  private static String writable(String file) {
    try {
      Files.writeString(Path.of(file), "probe");
      Files.delete(Path.of(file));
      return "written";
    } catch (IOException e) {
      return "refused";
    }
  }

  private static void check(String what, String actual, String expected) {
    boolean ok = expected.equals(actual);
    System.out.printf("  %-32s %-8s %s%n", what, ok ? "ok" : "FAILED", actual.replace('\t', ' '));
    if (!ok) {
      FAILURES.add(what + ": expected " + expected.replace('\t', ' ') + ", got " + actual.replace('\t', ' '));
    }
  }
}
