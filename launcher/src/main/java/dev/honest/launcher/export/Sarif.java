package dev.honest.launcher.export;

import dev.honest.common.hash.Hashes;
import dev.honest.common.json.Json;
import dev.honest.common.result.CallRecord;
import dev.honest.common.result.Finding;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.version.ProjectVersion;
import dev.honest.launcher.results.ClusterResults;
import dev.honest.launcher.results.ResultsFiles;
import dev.honest.worker.prompt.ResponseSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The findings of a run as one SARIF 2.1.0 log ({@code k8s-cluster-results.sarif}), which GitHub
 * code scanning and other SARIF viewers take as it is.
 *
 * <ul>
 *   <li>One rule per task category and severity: {@code honest/<category>/<severity>}, e.g.
 *       {@code honest/security/high}: lower-case letters of any script, digits and dashes (a task
 *       without a category is {@code general}).
 *   <li>Every finding of every task is a result, up to {@link #MAX_RESULTS} (the most severe are
 *       kept past it). Its level follows the severity: critical and
 *       high are {@code error}, medium is {@code warning}, low and info are {@code note}.
 *   <li>A finding in a file points at that file relative to {@code %SRCROOT%} (the workspace),
 *       with {@code region.startLine} when it names a line. A finding without a file points at the
 *       task's first input file, without a region, because GitHub code scanning shows only results
 *       that have a location; a finding of a task without files has no location (valid SARIF,
 *       shown by other viewers, not by GitHub).
 *   <li>{@code partialFingerprints."honestFinding/v1"} is the SHA-256 (hex) of the task id, the
 *       finding's file, its title (lower case, every run of non-alphanumeric characters turned
 *       into one space, trimmed) and its line divided by 10, joined with NUL characters. It stays
 *       the same when a finding moves a few lines or its title changes case or punctuation.
 *   <li>{@code properties} carry the task id, the model and its digest, and the SHA-256 of every
 *       response the task's findings were read from.
 * </ul>
 */
public final class Sarif {
  public static final String FILE = "k8s-cluster-results.sarif";
  /**
   * The most results a run holds: GitHub code scanning refuses a whole file with a run of more.
   * Past it, the most severe findings are kept, and {@code properties} say how many were left out.
   */
  public static final int MAX_RESULTS = 25_000;
  /** The key of the result's stable identity in {@code partialFingerprints}. */
  public static final String FINGERPRINT = "honestFinding/v1";
  static final String SRCROOT = "%SRCROOT%";
  private static final String SCHEMA =
      "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
  private static final String TOOL = "honest-orchestration";

  private Sarif() {}

  /** Writes the log next to the results file. */
  public static Path write(Path outputDir, ClusterResults results) throws IOException {
    Path file = outputDir.resolve(FILE);
    ResultsFiles.writeAtomically(file, out -> Json.pretty().writeValue(out, of(results)));
    return file;
  }

  /** The SARIF log of a run's findings, at most {@link #MAX_RESULTS} of them. */
  public static ObjectNode of(ClusterResults results) {
    return of(results, MAX_RESULTS);
  }

  /** How many of the run's findings the log leaves out ({@link #MAX_RESULTS}); 0 for almost every run. */
  public static int omitted(ClusterResults results) {
    return Math.max(0, findings(results).size() - MAX_RESULTS);
  }

  static ObjectNode of(ClusterResults results, int maxResults) {
    List<Located> all = findings(results);
    List<Located> kept = all;
    if (all.size() > maxResults) {
      // The most severe, in the order of the tasks among the same severity, then back in task order.
      kept = all.stream().sorted(Comparator.comparingInt((Located l) -> rank(l.finding().severity()))
              .thenComparingInt(Located::order))
          .limit(maxResults).sorted(Comparator.comparingInt(Located::order)).toList();
    }
    TreeMap<String, String> rules = new TreeMap<>();
    kept.forEach(l -> rules.put(ruleId(l.task(), l.finding()), level(l.finding().severity())));
    List<String> ruleIds = new ArrayList<>(rules.keySet());

    ObjectNode log = Json.mapper().createObjectNode();
    log.put("$schema", SCHEMA);
    log.put("version", "2.1.0");
    ObjectNode run = log.putArray("runs").addObject();
    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("name", TOOL);
    driver.put("version", ProjectVersion.get());
    ArrayNode ruleArray = driver.putArray("rules");
    rules.forEach((id, level) -> {
      String[] parts = id.split("/");
      ObjectNode rule = ruleArray.addObject();
      rule.put("id", id);
      rule.putObject("shortDescription").put("text", parts[1] + " finding of " + parts[2] + " severity");
      rule.putObject("defaultConfiguration").put("level", level);
      rule.putObject("properties").putArray("tags").add(parts[1]).add(parts[2]);
    });
    run.putObject("automationDetails").put("id", TOOL + "/" + results.runId());
    ArrayNode resultArray = run.putArray("results");
    kept.forEach(l -> resultArray.add(result(l.task(), l.finding(), ruleIds)));
    ObjectNode properties = run.putObject("properties").put("runId", results.runId());
    if (kept.size() < all.size()) {
      properties.put("findings", all.size()).put("omittedResults", all.size() - kept.size());
    }
    return log;
  }

  /** A finding of a task, and its place among all findings of the run. */
  private record Located(TaskRecord task, Finding finding, int order) {}

  private static List<Located> findings(ClusterResults results) {
    List<Located> all = new ArrayList<>();
    for (TaskRecord task : results.tasks()) {
      for (Finding f : task.findings()) {
        all.add(new Located(task, f, all.size()));
      }
    }
    return all;
  }

  /** Critical first ({@link ResponseSchema#SEVERITIES}): the order findings are kept in when there are too many. */
  private static int rank(String severity) {
    int rank = ResponseSchema.SEVERITIES.indexOf(severity.strip().toLowerCase(Locale.ROOT));
    return rank >= 0 ? rank : ResponseSchema.SEVERITIES.indexOf("medium"); // as its level, a warning
  }

  private static ObjectNode result(TaskRecord task, Finding f, List<String> ruleIds) {
    ObjectNode result = Json.mapper().createObjectNode();
    String ruleId = ruleId(task, f);
    result.put("ruleId", ruleId);
    result.put("ruleIndex", ruleIds.indexOf(ruleId));
    result.put("level", level(f.severity()));
    result.putObject("message").put("text", message(f) + (task.completed() ? "" : "\n\nIts task " + task.id()
        + " failed (" + task.error().errorClass() + ": " + task.error().message() + "): this finding is real, but the"
        + " task's other files or parts may not have been reviewed."));
    String file = !f.file().isEmpty() ? f.file() : task.inputs().isEmpty() ? null : task.inputs().get(0).path();
    if (file != null) {
      ObjectNode physical = result.putArray("locations").addObject().putObject("physicalLocation");
      physical.putObject("artifactLocation").put("uri", uri(file)).put("uriBaseId", SRCROOT);
      if (!f.file().isEmpty() && f.line() >= 1) {
        physical.putObject("region").put("startLine", f.line());
      }
    }
    result.putObject("partialFingerprints").put(FINGERPRINT, fingerprint(task.id(), f));
    ObjectNode properties = result.putObject("properties");
    properties.put("taskId", task.id());
    properties.put("taskStatus", task.status().label());
    properties.put("severity", f.severity());
    properties.put("model", task.model());
    properties.put("modelDigest", task.modelDigest());
    ArrayNode responses = properties.putArray("responseSha256");
    task.calls().stream().filter(CallRecord::succeeded).forEach(c -> responses.add(c.responseSha256()));
    return result;
  }

  /** {@code honest/<category>/<severity>}, both reduced to lower-case letters (of any script), digits and dashes. */
  static String ruleId(TaskRecord task, Finding f) {
    String category = slug(task.category());
    String severity = slug(f.severity());
    return "honest/" + (category.isEmpty() ? "general" : category) + "/" + (severity.isEmpty() ? "unspecified" : severity);
  }

  /** SARIF's level for a severity; anything unknown is a {@code warning}. */
  static String level(String severity) {
    return switch (severity.strip().toLowerCase(Locale.ROOT)) {
      case "critical", "high" -> "error";
      case "low", "info" -> "note";
      default -> "warning";
    };
  }

  /** See the class comment. */
  static String fingerprint(String taskId, Finding f) {
    String title = f.title().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    String key = String.join("\0", taskId, f.file(), title, Integer.toString(f.line() / 10));
    return Hashes.sha256Hex(key.getBytes(StandardCharsets.UTF_8));
  }

  /** A workspace-relative path as a relative URI: every byte but unreserved characters and {@code /} percent-encoded. */
  static String uri(String path) {
    StringBuilder b = new StringBuilder();
    for (byte x : path.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~/".indexOf(c) >= 0) {
        b.append((char) c);
      } else {
        b.append('%').append(String.format(Locale.ROOT, "%02X", c));
      }
    }
    return b.toString();
  }

  private static String message(Finding f) {
    StringBuilder text = new StringBuilder(f.title().isBlank() ? "(finding without a title)" : f.title().strip());
    if (!f.detail().isBlank()) {
      text.append("\n\n").append(f.detail().strip());
    }
    if (!f.suggestion().isBlank()) {
      text.append("\n\nSuggestion: ").append(f.suggestion().strip());
    }
    return text.toString();
  }

  /**
   * Lower-case letters (of any script: {@code 安全} and {@code Qualität} are categories of their
   * own, not {@code general} or {@code qualit-t}), digits and single dashes.
   */
  private static String slug(String text) {
    return text == null ? "" : Normalizer.normalize(text.strip(), Normalizer.Form.NFC).toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{M}\\p{N}]+", "-").replaceAll("^-+|-+$", "");
  }
}
