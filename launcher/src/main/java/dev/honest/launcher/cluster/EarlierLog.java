package dev.honest.launcher.cluster;

import dev.honest.launcher.results.PodOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The attempts of a worker's log as an earlier {@code collect} (or {@code run}) of the same run wrote
 * it to {@code k8s-worker-N-log.txt}, each with its text as written: {@code collect} keeps those whose
 * pods are gone since, so that collecting again loses nothing read before. Nothing in them is trusted:
 * the aggregation takes a record only with a statement after it that verifies with the run's key.
 */
final class EarlierLog {
  /** What an attempt kept so says, after what its pod's outcome said. */
  static final String GONE = "deleted since (its log as collected earlier)";

  /** An attempt: its pod's outcome (saying it is gone) and its log as written under its header. */
  record Attempt(PodOutcome pod, String text) {}

  /** {@link PodOutcome#describe}'s form: pod, node, reason, exit code, message. */
  private static final Pattern DESCRIBED =
      Pattern.compile("pod (\\S+?)(?: on (\\S+?))?: (.*?)(?: \\(exit (-?\\d+)\\))?(?:, (.*))?", Pattern.DOTALL);

  /** What {@link LogCollector} writes in place of a log it could not read, with why. */
  private static final Pattern UNREAD = Pattern.compile("^\\(no log: (.*)\\)$", Pattern.MULTILINE);

  private EarlierLog() {}

  /**
   * The attempts of {@code text}, oldest first, as {@code ==> attempt i/n: pod … <==} headers divide
   * it; empty when it does not start with the first one.
   */
  static List<Attempt> attempts(String text) {
    // Saved on Windows, the lines end in CRLF: they are the lines the workers printed, ended otherwise.
    // Notepad also puts a byte-order mark first.
    String log = (text.startsWith("\uFEFF") ? text.substring(1) : text).replace("\r\n", "\n");
    Matcher first = Pattern.compile("==> attempt 1/(\\d{1,6}): ").matcher(log);
    if (!first.lookingAt()) {
      return List.of();
    }
    String n = first.group(1);
    List<Integer> starts = new ArrayList<>(List.of(0));
    for (int i = 2, from = 0; i <= Integer.parseInt(n); i++) {
      // A header starts a line: a record's text may quote one (a model reviewing these logs).
      int start = log.indexOf("\n" + header(i, n), from);
      if (start < 0) {
        break;
      }
      starts.add(start + 1);
      from = start + 1;
    }
    List<Attempt> attempts = new ArrayList<>();
    for (int i = 0; i < starts.size(); i++) {
      int described = starts.get(i) + header(i + 1, n).length();
      int end = i + 1 < starts.size() ? starts.get(i + 1) : log.length();
      int headerEnd = log.indexOf(" <==\n", described);
      if (headerEnd < 0 || headerEnd > end) {
        continue;
      }
      Matcher pod = DESCRIBED.matcher(log.substring(described, headerEnd));
      if (pod.matches()) {
        String kept = log.substring(headerEnd + " <==\n".length(), end);
        attempts.add(new Attempt(gone(pod, kept), kept));
      }
    }
    return attempts;
  }

  private static String header(int i, String n) {
    return "==> attempt " + i + "/" + n + ": ";
  }

  private static PodOutcome gone(Matcher pod, String text) {
    String reason = "unknown".equals(pod.group(3)) ? null : pod.group(3);
    Integer exit = pod.group(4) == null ? null : Integer.valueOf(pod.group(4));
    String message = pod.group(5);
    message = message == null ? GONE : message.endsWith(GONE) ? message : message + "; " + GONE;
    PodOutcome gone = new PodOutcome(pod.group(1), pod.group(2), exit, reason, message);
    // A worker that ran and whose log the earlier collect could not read: that is still why its results are missing.
    Matcher unread = UNREAD.matcher(text);
    return unread.find() && (exit != null || "Running".equals(reason)) ? gone.withUnreadLog(unread.group(1)) : gone;
  }
}
