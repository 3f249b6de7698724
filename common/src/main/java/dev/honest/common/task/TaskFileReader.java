package dev.honest.common.task;

import dev.honest.common.io.IoProblems;
import dev.honest.common.json.Json;
import dev.honest.common.text.Escaped;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.node.StringNode;

/**
 * Reads and validates the task file: the user's spreadsheet of tasks, exported to JSON.
 *
 * <h2>Format</h2>
 *
 * <p>The file is UTF-8 JSON (a leading byte-order mark, which Excel writes, is skipped). It holds
 * either an array of tasks or an object whose {@code tasks} key holds that array; other top-level
 * keys are ignored. Each task is an object:
 *
 * <pre>{@code
 * [
 *   {"Task ID": "T-001", "Title": "Check the comment form for XSS", "Priority": "High",
 *    "Category": "security", "Area": "frontend", "File Path": "src/comments.js; src/render.js",
 *    "Action": "fix"},
 *   {"id": 2, "title": "Summarise the retry policy", "files": ["docs/retry.md"]}
 * ]
 * }</pre>
 *
 * <h2>Fields</h2>
 *
 * <p>Keys are compared case-insensitively with spaces (a no-break space too), underscores, hyphens
 * and invisible format characters (a byte-order mark, a zero-width space) removed, so {@code Task ID},
 * {@code task_id} and {@code TASK-ID} are the same key. Each field accepts these
 * keys (in that compared form); other keys are ignored (one note names them), and two keys of one task that name the
 * same field are an error.
 *
 * <ul>
 *   <li>{@code id} ({@code id}, {@code taskid}, {@code tasknumber}, {@code taskno}), required and
 *       unique. A number becomes its decimal string ({@code 7} and {@code 7.0} become {@code "7"});
 *       a non-integral number, or one of more than 19 digits ({@code 1e400}), is kept as written.
 *   <li>{@code title} ({@code title}, {@code taskname}, {@code name}, {@code summary}), required.
 *   <li>{@code description} ({@code description}, {@code details}, {@code taskdescription}).
 *   <li>{@code priority} ({@code priority}): {@code critical}, {@code high}, {@code medium} or
 *       {@code low} in any case; {@code medium} when missing.
 *   <li>{@code category} ({@code category}, {@code type}), e.g. {@code security}.
 *   <li>{@code area} ({@code area}, {@code component}, {@code module}), e.g. {@code frontend}.
 *   <li>{@code files} ({@code files}, {@code file}, {@code filepath}, {@code filepaths},
 *       {@code path}, {@code paths}): the files the task is about, relative to the workspace,
 *       either a list or one text with paths separated by commas, semicolons or new lines. Each
 *       path is trimmed (spaces inside names are kept), backslashes become {@code /}, {@code ./}
 *       is dropped, empty entries and repeats are dropped. A task without files is a general task.
 *   <li>{@code action} ({@code action}): {@code analyze} (findings only, the default) or
 *       {@code fix} (findings and edits), in any case.
 *   <li>{@code model} ({@code model}): the Ollama model for this task instead of the default.
 * </ul>
 *
 * <p>Text fields accept text or a number; they are trimmed (no-break spaces and zero-width
 * characters around the text too), and a {@code null} or blank value counts as missing.
 *
 * <h2>Validation</h2>
 *
 * <p>Nothing runs unless the whole file is valid. Every problem is collected, one line each that
 * names the file, the task (its id and 1-based position when it has an id) and the field:
 * {@code tasks.json: task T-003 (#3): priority: unknown value 'urgent' (expected critical, high,
 * medium or low)}. A file is rejected when it is not UTF-8, is malformed JSON, or holds no tasks;
 * a task when it is not an object, lacks an id or title, repeats another task's id, has an
 * unknown priority or action, or has text with a lone surrogate (half of a UTF-16 pair escaped
 * on its own, which is not a character); a path when it is absolute, contains {@code ..}, leaves the
 * workspace through a symlink, does not exist, or is a directory (see {@link WorkspacePaths}).
 */
public final class TaskFileReader {
  private static final Pattern PATH_SEPARATORS = Pattern.compile("[,;\r\n]");
  /** Longer integral numbers stay as written: expanding {@code 1e1000000} to digits would be absurd. */
  private static final int MAX_INTEGER_DIGITS = 19;
  /** Reads one value in the middle of the file: the tokens after it are the rest of the file, not an error. */
  private static final ObjectReader VALUE_READER =
      Json.mapper().reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private TaskFileReader() {}

  /**
   * Reads and validates the task file at {@code tasksFile}; problems name the file as given.
   *
   * @param workspace the directory task file paths are relative to
   * @throws TaskFileException listing every problem when the file cannot be used as a whole
   */
  public static List<TaskSpec> read(Path tasksFile, Path workspace) throws TaskFileException {
    return read(tasksFile, workspace, note -> {});
  }

  /**
   * As {@link #read(Path, Path)}, telling {@code notes} what was read but not used: one line naming
   * the keys of tasks that no field has, when there are any (a files column under a name the reader
   * does not know would otherwise turn its tasks into general ones without a word).
   */
  public static List<TaskSpec> read(Path tasksFile, Path workspace, Consumer<String> notes) throws TaskFileException {
    String source = tasksFile.toString();
    if (Files.isDirectory(tasksFile)) {
      throw new TaskFileException(List.of(source + ": is a directory, not a task file"));
    }
    byte[] content;
    try {
      content = Files.readAllBytes(tasksFile);
    } catch (NoSuchFileException e) {
      throw new TaskFileException(List.of(source + ": file not found"));
    } catch (IOException e) {
      throw new TaskFileException(List.of(source + ": cannot be read (" + IoProblems.why(e) + ")"));
    }
    return parse(content, source, workspace, notes);
  }

  /**
   * Validates task file content.
   *
   * @param sourceName how problem lines name the file, e.g. {@code tasks.json}
   * @param workspace the directory task file paths are relative to
   * @return the tasks in file order
   * @throws TaskFileException listing every problem when the content cannot be used as a whole
   */
  public static List<TaskSpec> parse(byte[] content, String sourceName, Path workspace) throws TaskFileException {
    return parse(content, sourceName, workspace, note -> {});
  }

  /** As {@link #parse(byte[], String, Path)}, telling {@code notes} as {@link #read(Path, Path, Consumer)} does. */
  public static List<TaskSpec> parse(byte[] content, String sourceName, Path workspace, Consumer<String> notes)
      throws TaskFileException {
    Objects.requireNonNull(workspace, "workspace");
    List<String> problems = new ArrayList<>();
    List<RawTask> rawTasks = readTasks(decodeUtf8(content, sourceName), sourceName, problems);

    Optional<String> workspaceProblem = WorkspacePaths.workspaceProblem(workspace);
    workspaceProblem.ifPresent(problem -> problems.add(sourceName + ": " + problem));
    Path filesRoot = workspaceProblem.isEmpty() ? workspace : null;

    Map<String, Integer> positionById = new HashMap<>();
    List<TaskSpec> tasks = new ArrayList<>();
    for (RawTask raw : rawTasks) {
      new TaskCheck(raw, sourceName, problems).toSpec(filesRoot, positionById).ifPresent(tasks::add);
    }
    if (!problems.isEmpty()) {
      throw new TaskFileException(problems);
    }
    ignoredKeys(rawTasks, sourceName).ifPresent(notes);
    return tasks;
  }

  /** One line naming the tasks' keys that no field has, with how many tasks hold each; empty when none. */
  private static Optional<String> ignoredKeys(List<RawTask> tasks, String source) {
    Map<String, Integer> holders = new LinkedHashMap<>();
    for (RawTask task : tasks) {
      task.fields().stream().map(RawField::key).filter(key -> TaskField.forKey(key).isEmpty()).distinct()
          .forEach(key -> holders.merge(key, 1, Integer::sum));
    }
    if (holders.isEmpty()) {
      return Optional.empty();
    }
    String keys = holders.entrySet().stream()
        .map(e -> "'" + Escaped.oneLine(e.getKey()) + "' (" + e.getValue() + (e.getValue() == 1 ? " task)" : " tasks)"))
        .collect(Collectors.joining(", "));
    return Optional.of(source + ": " + (holders.size() == 1 ? "1 key names no task field and was not read: "
        : holders.size() + " keys name no task field and were not read: ") + keys
        + ". A task's files are read only from files, file, file path(s) or path(s); README.md lists every field"
        + " and its names");
  }

  private static String decodeUtf8(byte[] content, String source) throws TaskFileException {
    boolean bom = content.length >= 3 && (content[0] & 0xFF) == 0xEF && (content[1] & 0xFF) == 0xBB
        && (content[2] & 0xFF) == 0xBF;
    int start = bom ? 3 : 0;
    ByteBuffer in = ByteBuffer.wrap(content, start, content.length - start);
    CharBuffer out = CharBuffer.allocate(content.length);
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isUnderflow()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      // The decoder stops at the first byte of the bad sequence; wrap() keeps offsets absolute.
      int offset = in.position();
      throw new TaskFileException(List.of(String.format(
          "%s: not UTF-8: byte 0x%02X at offset %d is not valid UTF-8 (export the file as UTF-8)",
          source, content[offset] & 0xFF, offset)));
    }
    return out.flip().toString();
  }

  /** The task objects in file order; file-level problems and non-object tasks go to problems. */
  private static List<RawTask> readTasks(String text, String source, List<String> problems)
      throws TaskFileException {
    try (JsonParser parser = VALUE_READER.createParser(text)) {
      JsonToken first = parser.nextToken();
      List<RawTask> tasks;
      if (first == null) {
        problems.add(source + ": no tasks (the file is empty)");
        return List.of();
      } else if (first == JsonToken.START_ARRAY) {
        tasks = readArray(parser, source, problems);
      } else if (first == JsonToken.START_OBJECT) {
        tasks = readWrapped(parser, source, problems);
      } else {
        problems.add(source + ": expected an array of tasks or an object with a 'tasks' array, got "
            + describeValue(parser));
        return List.of();
      }
      if (parser.nextToken() != null) {
        throw new TaskFileException(List.of(malformed(source, parser.currentTokenLocation(),
            "unexpected content after the tasks")));
      }
      return tasks;
    } catch (JacksonException e) {
      String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
      throw new TaskFileException(List.of(malformed(source, e.getLocation(), message.lines().findFirst().orElse(""))));
    }
  }

  private static String malformed(String source, TokenStreamLocation location, String message) {
    String where = location == null || location.getLineNr() < 1
        ? ""
        : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    return source + ": malformed JSON" + where + ": " + message;
  }

  /** Reads the top-level object, whose {@code tasks} key holds the task array. */
  private static List<RawTask> readWrapped(JsonParser parser, String source, List<String> problems) {
    List<RawTask> tasks = null;
    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
      String key = parser.currentName();
      JsonToken value = parser.nextToken();
      if (!TaskField.normalizeKey(key).equals("tasks")) {
        parser.skipChildren();
      } else if (tasks != null) {
        problems.add(source + ": the top-level object has more than one 'tasks' key");
        parser.skipChildren();
      } else if (value == JsonToken.START_ARRAY) {
        tasks = readArray(parser, source, problems);
      } else {
        problems.add(source + ": '" + key + "' must be an array of tasks, got " + describeValue(parser));
        tasks = List.of();
      }
    }
    if (tasks == null) {
      problems.add(source + ": no tasks (the top-level object has no 'tasks' array)");
      return List.of();
    }
    return tasks;
  }

  private static List<RawTask> readArray(JsonParser parser, String source, List<String> problems) {
    List<RawTask> tasks = new ArrayList<>();
    int position = 0;
    for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
      position++;
      if (token != JsonToken.START_OBJECT) {
        problems.add(source + ": task #" + position + ": not an object (got " + describeValue(parser) + ")");
        continue;
      }
      // Read key by key rather than as a tree: a tree would silently keep only one of two equal keys.
      List<RawField> fields = new ArrayList<>();
      while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
        String key = parser.currentName();
        parser.nextToken();
        fields.add(new RawField(key, readValue(parser)));
      }
      tasks.add(new RawTask(position, fields));
    }
    if (position == 0) {
      problems.add(source + ": no tasks (the task list is empty)");
    }
    return tasks;
  }

  /** The value at the parser's current token; numbers become text, as their digits were written. */
  private static JsonNode readValue(JsonParser parser) {
    if (parser.currentToken().isNumeric()) {
      return StringNode.valueOf(numberText(parser.getString()));
    }
    return VALUE_READER.readTree(parser);
  }

  /**
   * An integral number as plain digits ({@code 7.0} and {@code 7E0} are {@code 7}), others as written:
   * non-integral ones, longer ones and those whose exponent is too large for {@link BigDecimal}.
   */
  static String numberText(String written) {
    BigDecimal value;
    try {
      value = new BigDecimal(written).stripTrailingZeros();
    } catch (NumberFormatException | ArithmeticException e) { // a scale beyond the int range
      return written;
    }
    // In long: precision - scale overflows an int for an exponent near Integer.MAX_VALUE.
    boolean plainInteger = value.scale() <= 0 && (long) value.precision() - value.scale() <= MAX_INTEGER_DIGITS;
    return plainInteger ? value.toBigInteger().toString() : written;
  }

  /** What the value at the parser's current token is, for a problem line; the value is read. */
  private static String describeValue(JsonParser parser) {
    return parser.currentToken().isNumeric() ? "a number" : describe(readValue(parser));
  }

  private static String describe(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "a list";
      case OBJECT -> "an object";
      case STRING -> "text";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }

  /** {@code text} without the blanks ({@link TaskField#isBlank}) around it. */
  static String trim(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && TaskField.isBlank(text.charAt(start))) {
      start++;
    }
    while (end > start && TaskField.isBlank(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(start, end);
  }

  private static boolean isText(JsonNode node) {
    return node.isString() || node.isNumber();
  }

  private record RawField(String key, JsonNode value) {}

  private record RawTask(int position, List<RawField> fields) {}

  /** Validates one task object, adding a line per problem. */
  private static final class TaskCheck {
    private final RawTask raw;
    private final List<String> problems;
    private final Map<TaskField, RawField> fields = new EnumMap<>(TaskField.class);
    private final List<String> conflicts = new ArrayList<>();
    private final String prefix;
    private final int problemsBefore;

    TaskCheck(RawTask raw, String source, List<String> problems) {
      this.raw = raw;
      this.problems = problems;
      this.problemsBefore = problems.size();
      for (RawField field : raw.fields()) {
        TaskField.forKey(field.key()).ifPresent(name -> {
          RawField earlier = fields.putIfAbsent(name, field);
          if (earlier != null) {
            conflicts.add(name.label() + ": given twice, as '" + earlier.key() + "' and '" + field.key() + "'");
          }
        });
      }
      String id = textOf(fields.get(TaskField.ID)).orElse(null);
      String task = id == null ? "#" + raw.position() : id + " (#" + raw.position() + ")";
      this.prefix = source + ": task " + task + ": ";
    }

    /** The task, or empty when it has a problem. */
    Optional<TaskSpec> toSpec(Path filesRoot, Map<String, Integer> positionById) {
      conflicts.forEach(conflict -> problems.add(prefix + conflict));
      Optional<String> id = required(TaskField.ID);
      id.ifPresent(value -> {
        Integer first = positionById.putIfAbsent(value, raw.position());
        if (first != null) {
          problem(TaskField.ID, "duplicate: task #" + first + " has the same id");
        }
      });
      Optional<String> title = required(TaskField.TITLE);
      Optional<String> description = text(TaskField.DESCRIPTION);
      Priority priority = text(TaskField.PRIORITY)
          .map(word -> known(TaskField.PRIORITY, word, Priority.parse(word), "critical, high, medium or low"))
          .orElse(Priority.MEDIUM);
      Optional<String> category = text(TaskField.CATEGORY);
      Optional<String> area = text(TaskField.AREA);
      List<String> files = files(filesRoot);
      Action action = text(TaskField.ACTION)
          .map(word -> known(TaskField.ACTION, word, Action.parse(word), "analyze or fix"))
          .orElse(Action.ANALYZE);
      Optional<String> model = text(TaskField.MODEL);
      model.filter(name -> !TaskSpec.isModelName(name))
          .ifPresent(name -> problem(TaskField.MODEL, "'" + name + "' " + TaskSpec.NOT_A_MODEL_NAME));
      if (problems.size() > problemsBefore) {
        return Optional.empty();
      }
      return Optional.of(new TaskSpec(id.orElseThrow(), title.orElseThrow(), description.orElse(""), priority,
          category.orElse(""), area.orElse(""), files, action, model.orElse(null)));
    }

    private <T> T known(TaskField field, String word, Optional<T> value, String expected) {
      if (value.isEmpty()) {
        problem(field, "unknown value '" + word + "' (expected " + expected + ")");
      }
      return value.orElse(null);
    }

    private Optional<String> required(TaskField field) {
      RawField raw = fields.get(field);
      Optional<String> value = text(field);
      if (raw == null) {
        problem(field, "missing");
      } else if (value.isEmpty() && (raw.value().isNull() || isText(raw.value()))) {
        problem(field, "empty");
      }
      return value;
    }

    private Optional<String> text(TaskField field) {
      RawField raw = fields.get(field);
      if (raw != null && !raw.value().isNull() && !isText(raw.value())) {
        problem(field, "expected text or a number, got " + describe(raw.value()));
      }
      Optional<String> text = textOf(raw);
      text.ifPresent(value -> requireUnicode(field, value));
      return text;
    }

    /**
     * Adds a problem when {@code text} holds a lone surrogate (valid JSON when escaped): the workers'
     * records are canonical JSON, which refuses it, so the task could never be recorded.
     */
    private boolean requireUnicode(TaskField field, String text) {
      OptionalInt lone = text.codePoints().filter(c -> Character.getType(c) == Character.SURROGATE).findFirst();
      lone.ifPresent(c -> problem(field, String.format(
          "holds a lone surrogate U+%04X, which is not a character (write the whole character)", c)));
      return lone.isEmpty();
    }

    /** The trimmed text of a field; empty when absent, null, blank or not text. */
    private static Optional<String> textOf(RawField raw) {
      if (raw == null || !isText(raw.value())) {
        return Optional.empty();
      }
      String text = trim(raw.value().asString());
      return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    /**
     * The task's normalised paths; each one is checked against the workspace, or only for its spelling
     * (absolute, {@code ..}) when the workspace is unusable.
     */
    private List<String> files(Path filesRoot) {
      RawField raw = fields.get(TaskField.FILES);
      List<String> written = new ArrayList<>();
      if (raw == null || raw.value().isNull()) {
        return List.of();
      } else if (raw.value().isString()) {
        written.addAll(List.of(PATH_SEPARATORS.split(raw.value().stringValue())));
      } else if (raw.value().isArray()) {
        for (JsonNode element : raw.value()) {
          if (isText(element)) {
            written.add(element.asString());
          } else if (!element.isNull()) {
            problem(TaskField.FILES, "expected a path in the list, got " + describe(element));
          }
        }
      } else {
        problem(TaskField.FILES, "expected a list of paths or text with paths separated by commas, "
            + "semicolons or new lines, got " + describe(raw.value()));
      }
      Set<String> paths = new LinkedHashSet<>();
      for (String path : written) {
        String trimmed = trim(path);
        if (!trimmed.isEmpty() && requireUnicode(TaskField.FILES, trimmed)) {
          paths.add(WorkspacePaths.normalize(trimmed));
        }
      }
      for (String path : paths) {
        // Without a usable workspace (one problem for the whole file), a path is checked as far as its spelling goes.
        (filesRoot != null ? WorkspacePaths.problem(filesRoot, path) : WorkspacePaths.spellingProblem(path))
            .ifPresent(problem -> problem(TaskField.FILES, problem));
      }
      return List.copyOf(paths);
    }

    private void problem(TaskField field, String message) {
      problems.add(prefix + field.label() + ": " + message);
    }
  }
}
