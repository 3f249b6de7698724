package dev.honest.worker.run;

import dev.honest.common.config.WorkerConfig;
import dev.honest.common.hash.FileDigest;
import dev.honest.common.hash.Hashes;
import dev.honest.common.result.CallRecord;
import dev.honest.common.result.Change;
import dev.honest.common.result.Finding;
import dev.honest.common.result.InputFile;
import dev.honest.common.result.TaskError;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.result.TaskStatus;
import dev.honest.common.task.Action;
import dev.honest.common.task.TaskSpec;
import dev.honest.common.task.WorkspacePaths;
import dev.honest.worker.edit.ChangedFile;
import dev.honest.worker.edit.Edit;
import dev.honest.worker.edit.EditApplier;
import dev.honest.worker.edit.EditNotApplicableException;
import dev.honest.worker.ollama.ChatMessage;
import dev.honest.worker.ollama.ChatReply;
import dev.honest.worker.ollama.ChatRequest;
import dev.honest.worker.ollama.OllamaClient;
import dev.honest.worker.ollama.OllamaException;
import dev.honest.worker.prompt.Answer;
import dev.honest.worker.prompt.AnswerParser;
import dev.honest.worker.prompt.Chunk;
import dev.honest.worker.prompt.Chunker;
import dev.honest.worker.prompt.ContextOverflowException;
import dev.honest.worker.prompt.InvalidAnswerException;
import dev.honest.worker.prompt.Prompt;
import dev.honest.worker.prompt.Prompts;
import dev.honest.worker.prompt.ResponseSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import tools.jackson.databind.JsonNode;

/**
 * Runs one task from start to record: hash the inputs, ask the model (one call per chunk of each
 * text file), validate every answer, apply a fix task's edits to a private copy, and return a
 * {@link TaskRecord} that is either {@code completed} with its proof or {@code failed} with the
 * reason. It never throws for a task's own failure, and never reports what did not happen.
 */
public final class TaskRunner {
  /** How often a file's chunk budget is halved when Ollama reports the prompt filled the context. */
  static final int MAX_RESPLITS = 2;
  /** Input files up to this size are read once and hashed in memory; larger ones are streamed first. */
  static final long READ_ONCE_BYTES = 16L << 20;

  private final WorkerConfig config;
  private final Path workspace;
  private final OllamaClient ollama;
  private final Map<String, String> modelDigests;
  private final WorkerIdentity identity;
  private final Clock clock;
  private final ExecutorService chunkPool;

  /**
   * @param modelDigests digest of each model, from Ollama's {@code /api/tags} at start-up
   * @param identity worker index, pod and node recorded in every record
   */
  public TaskRunner(WorkerConfig config, Path workspace, OllamaClient ollama, Map<String, String> modelDigests,
      WorkerIdentity identity, Clock clock) {
    this(config, workspace, ollama, modelDigests, identity, clock, null);
  }

  /**
   * @param chunkPool where the files of a task, and the chunks of each file, are asked about all at
   *     once, or null to ask one after another. Meant for a client shared by workers in one JVM, which
   *     queues chats in task order ({@link ChatRequest#order}): a task of several files, or a file of
   *     many chunks, then takes about as long as its longest question, and no task's questions trail
   *     one by one at the end of a run while replicas idle. A worker process asks one question at a
   *     time, so a pod has one chat in flight.
   */
  public TaskRunner(WorkerConfig config, Path workspace, OllamaClient ollama, Map<String, String> modelDigests,
      WorkerIdentity identity, Clock clock, ExecutorService chunkPool) {
    this.config = config;
    this.workspace = workspace;
    this.ollama = ollama;
    this.modelDigests = Map.copyOf(modelDigests);
    this.identity = identity;
    this.clock = clock;
    this.chunkPool = chunkPool;
  }

  /** The model a task goes to: its own, else the code model for tasks with files, else the general one. */
  public static String modelFor(TaskSpec task, WorkerConfig config) {
    if (task.model() != null) {
      return task.model();
    }
    return task.hasFiles() ? config.codeModel() : config.generalModel();
  }

  public TaskRecord run(TaskSpec task) {
    Attempt a = new Attempt(task, modelFor(task, config), clock.instant());
    try {
      Map<String, String> texts = readInputs(a);
      if (task.hasFiles() && texts.isEmpty()) {
        return a.fail(new TaskError("input_error", "every file of the task is binary (a NUL byte, or not UTF-8"
            + " text: save a text file as UTF-8 to have it reviewed), so nothing can be sent to the model: "
            + String.join(", ", task.files())));
      }
      List<Edit> edits = new ArrayList<>();
      if (texts.isEmpty()) {
        Answer answer = ask(a, a.calls, Prompts.forQuestion(task), "task");
        a.findings.addAll(answer.findings());
      } else {
        int budget = Chunker.budgetTokens(config.options(), Prompts.overheadTokens(task));
        List<FileResult> files = analyzeFiles(a, texts, budget);
        // Every call made is recorded, in file order, before a failure (the first in file order) ends the task.
        files.forEach(f -> a.calls.addAll(f.calls()));
        for (FileResult f : files) {
          if (f.failure() != null) {
            throw f.failure();
          }
          a.findings.addAll(f.findings());
          edits.addAll(f.edits());
        }
      }
      if (task.action() == Action.FIX && !edits.isEmpty()) {
        // The edits apply to the text the model was shown, whose hashes are the inputs', not to the file as it may be now.
        for (ChangedFile changed : new EditApplier(workspace).apply(task, texts, edits)) {
          a.changes.add(changed.change());
        }
      }
      return a.complete();
    } catch (TaskFailure f) {
      return a.fail(f.error);
    } catch (OllamaException e) {
      a.calls.addAll(e.calls());
      return a.fail(new TaskError(e.errorClass(), e.getMessage()));
    } catch (ContextOverflowException e) {
      return a.fail(e.toTaskError());
    } catch (EditNotApplicableException e) {
      return a.fail(e.toTaskError());
    } catch (IOException e) {
      return a.fail(new TaskError("input_error", "cannot read the task's files: " + e.getMessage()));
    } catch (RuntimeException e) {
      return a.fail(new TaskError("internal_error", e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
  }

  /** Hashes every input file; returns the text of those that go to the model, in task order. */
  private Map<String, String> readInputs(Attempt a) throws IOException {
    Map<String, String> texts = new LinkedHashMap<>();
    for (String path : a.task.files()) {
      Optional<String> problem = WorkspacePaths.problem(workspace, path);
      if (problem.isPresent()) {
        throw new TaskFailure(new TaskError("input_error", problem.get()));
      }
      Path file = workspace.resolve(path);
      byte[] bytes = null;
      FileDigest d;
      if (Files.size(file) <= READ_ONCE_BYTES) {
        // One read: the hashes are those of the very bytes the prompts are made of.
        bytes = Files.readAllBytes(file);
        d = Hashes.digest(bytes);
      } else {
        // Hashed as a stream first, so a large binary file is never held in memory.
        d = Hashes.digest(file);
      }
      a.inputs.add(new InputFile(path, d.bytes(), d.md5(), d.sha256(), d.binary()));
      if (!d.binary()) {
        if (bytes == null) {
          bytes = Files.readAllBytes(file);
          if (!Hashes.sha256Hex(bytes).equals(d.sha256())) {
            throw new TaskFailure(new TaskError("input_error", path + " changed while it was being read"));
          }
        }
        texts.put(path, new String(bytes, StandardCharsets.UTF_8));
      }
    }
    return texts;
  }

  /** What asking about one file gave: every call made, and its findings and edits or why it failed. */
  private record FileResult(List<CallRecord> calls, List<Finding> findings, List<Edit> edits,
      RuntimeException failure) {
    static FileResult failed(List<CallRecord> calls, RuntimeException failure) {
      return new FileResult(calls, List.of(), List.of(), failure);
    }
  }

  /**
   * Asks about every file of a task: one after another, up to the first that fails; or, with a chunk
   * pool, all of them at once (each file's questions do not depend on another's answers), so that a
   * task of several files takes about as long as its longest question rather than their sum.
   */
  private List<FileResult> analyzeFiles(Attempt a, Map<String, String> texts, int budget) {
    if (chunkPool == null || texts.size() == 1) {
      List<FileResult> results = new ArrayList<>();
      for (Map.Entry<String, String> file : texts.entrySet()) {
        FileResult r = analyzeFile(a, file.getKey(), file.getValue(), budget);
        results.add(r);
        if (r.failure() != null) {
          break;
        }
      }
      return results;
    }
    List<Future<FileResult>> futures = new ArrayList<>();
    for (Map.Entry<String, String> file : texts.entrySet()) {
      futures.add(chunkPool.submit(() -> analyzeFile(a, file.getKey(), file.getValue(), budget)));
    }
    return gather(futures, texts.keySet().iterator().next());
  }

  /**
   * Asks about every chunk of one file. When Ollama's token counts say a prompt filled the context or
   * was cut to fit it ({@link ChatReply#promptCut}: Ollama silently drops part of its start), the
   * findings of that pass are discarded and the file is split again with half the budget. Every call
   * made is recorded, in chunk order, whatever the outcome.
   */
  private FileResult analyzeFile(Attempt a, String path, String content, int budget) {
    List<CallRecord> calls = new ArrayList<>();
    try {
      int chunkBudget = budget;
      for (int pass = 0; pass <= MAX_RESPLITS; pass++) {
        List<ChunkResult> results = askAll(a, Chunker.split(path, content, chunkBudget));
        results.forEach(r -> calls.addAll(r.calls));
        List<Finding> findings = new ArrayList<>();
        List<Edit> edits = new ArrayList<>();
        boolean overflow = false;
        for (ChunkResult r : results) {
          if (r.failure != null) {
            return FileResult.failed(calls, r.failure);
          }
          if (r.answer.isEmpty()) {
            overflow = true;
            break;
          }
          findings.addAll(r.answer.get().findings());
          edits.addAll(r.answer.get().edits());
        }
        if (!overflow) {
          return new FileResult(calls, findings, edits, null);
        }
        chunkBudget = Math.max(Chunker.MIN_BUDGET_TOKENS, chunkBudget / 2);
      }
      return FileResult.failed(calls, new TaskFailure(new TaskError("context_overflow", path
          + ": prompts still reached num_ctx=" + config.options().numCtx() + " after splitting the file "
          + MAX_RESPLITS + " more times")));
    } catch (RuntimeException e) {
      // A task failure, or a bug: either way the calls made so far stay in the record.
      return FileResult.failed(calls, e);
    }
  }

  /**
   * One chunk's answer (empty when its prompt filled the context) or failure, and the calls it took;
   * a failure's calls are in {@code calls} already.
   */
  private record ChunkResult(List<CallRecord> calls, Optional<Answer> answer, RuntimeException failure) {
    boolean ends() {
      return failure != null || answer.isEmpty();
    }
  }

  /**
   * The results of the chunks, in order: one after another, up to the first that fails or fills the
   * context; or, with a chunk pool, all of them at once.
   */
  private List<ChunkResult> askAll(Attempt a, List<Chunk> chunks) {
    if (chunkPool == null || chunks.size() == 1) {
      List<ChunkResult> results = new ArrayList<>();
      for (Chunk chunk : chunks) {
        ChunkResult r = askChunk(a, chunk);
        results.add(r);
        if (r.ends()) {
          break;
        }
      }
      return results;
    }
    List<Future<ChunkResult>> futures = new ArrayList<>();
    for (Chunk chunk : chunks) {
      futures.add(chunkPool.submit(() -> askChunk(a, chunk)));
    }
    return gather(futures, chunks.get(0).path());
  }

  /** The results of questions asked at once, in the order they were asked. */
  private static <T> List<T> gather(List<Future<T>> futures, String path) {
    List<T> results = new ArrayList<>();
    try {
      for (Future<T> f : futures) {
        results.add(f.get());
      }
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new TaskFailure(new TaskError(OllamaException.INTERRUPTED, "interrupted while asking about " + path));
    } catch (ExecutionException e) {
      throw new IllegalStateException("a question asked at once failed unexpectedly", e.getCause());
    }
    return results;
  }

  private ChunkResult askChunk(Attempt a, Chunk chunk) {
    List<CallRecord> calls = new ArrayList<>();
    try {
      return new ChunkResult(calls, askWithinContext(a, calls, Prompts.forChunk(a.task, chunk), chunk.part()), null);
    } catch (OllamaException e) {
      calls.addAll(e.calls());
      return new ChunkResult(calls, Optional.empty(), new TaskFailure(new TaskError(e.errorClass(), e.getMessage())));
    } catch (RuntimeException e) {
      // A task failure, or a bug: either way the calls made so far stay in the record.
      return new ChunkResult(calls, Optional.empty(), e);
    }
  }

  private Answer ask(Attempt a, List<CallRecord> calls, Prompt prompt, String part) throws OllamaException {
    return askWithinContext(a, calls, prompt, part).orElseThrow(() -> new TaskFailure(new TaskError("context_overflow",
        "the task's prompt reached num_ctx=" + config.options().numCtx() + "; shorten its description")));
  }

  /**
   * One validated answer for one prompt, re-asking once when the answer is invalid or cut off.
   * Empty when the prompt filled the context window, or Ollama refused it as longer than the context.
   */
  private Optional<Answer> askWithinContext(Attempt a, List<CallRecord> calls, Prompt prompt, String part)
      throws OllamaException {
    String rejection = null;
    for (int ask = 1; ask <= 2; ask++) {
      String user = rejection == null ? prompt.user()
          : prompt.user() + "\nYour previous answer was rejected: " + rejection
              + "\nAnswer again with only JSON that matches the schema; keep it short (at most 10 findings).\n";
      ChatReply reply;
      try {
        reply = chat(a, calls, List.of(ChatMessage.system(prompt.system()), ChatMessage.user(user)), part);
      } catch (OllamaException e) {
        if (!OllamaException.PROMPT_TOO_LONG.equals(e.errorClass())) {
          throw e;
        }
        calls.addAll(e.calls());
        return Optional.empty(); // refused as longer than the context: as a prompt Ollama cut
      }
      int numCtx = config.options().numCtx();
      // A prompt Ollama cut to fit the context lost part of its start, however the answer ended: asking again
      // cannot help.
      if (reply.promptCut(numCtx) || reply.atContextLimit(numCtx) && !reply.truncated()) {
        return Optional.empty();
      }
      if (reply.truncated()) {
        rejection = "it was cut off at num_predict=" + config.options().numPredict() + " tokens";
        if (ask == 2) {
          throw new TaskFailure(new TaskError("output_truncated", part + ": answer " + rejection + " twice"));
        }
        continue;
      }
      try {
        return Optional.of(AnswerParser.parse(reply.content(), a.task));
      } catch (InvalidAnswerException e) {
        rejection = e.getMessage();
        if (ask == 2) {
          throw new TaskFailure(new TaskError(InvalidAnswerException.ERROR_CLASS,
              part + ": invalid answer twice: " + e.getMessage()));
        }
      }
    }
    throw new IllegalStateException("unreachable");
  }

  private ChatReply chat(Attempt a, List<CallRecord> calls, List<ChatMessage> messages, String part)
      throws OllamaException {
    JsonNode schema = ResponseSchema.forAction(a.task.action());
    long order = a.startedAt.getEpochSecond() * 1_000_000_000L + a.startedAt.getNano();
    // The whole answer at once: one object to read and hash instead of a line per token.
    ChatReply reply = ollama.chat(new ChatRequest(a.model, part, messages, schema, false, order));
    calls.addAll(reply.calls());
    return reply;
  }

  /** A task failure found deep in the flow, carried to {@link #run}. */
  private static final class TaskFailure extends RuntimeException {
    final TaskError error;

    TaskFailure(TaskError error) {
      super(error.message(), null, false, false);
      this.error = error;
    }
  }

  /** What one run of one task has gathered so far. */
  private final class Attempt {
    final TaskSpec task;
    final String model;
    final Instant startedAt;
    final List<InputFile> inputs = new ArrayList<>();
    final List<CallRecord> calls = new ArrayList<>();
    final List<Finding> findings = new ArrayList<>();
    final List<Change> changes = new ArrayList<>();

    Attempt(TaskSpec task, String model, Instant startedAt) {
      this.task = task;
      this.model = model;
      this.startedAt = startedAt;
    }

    TaskRecord complete() {
      return record(TaskStatus.COMPLETED, null);
    }

    /** A failed record keeps everything gathered: the inputs' hashes, the calls, the findings. */
    TaskRecord fail(TaskError error) {
      changes.clear();
      return record(TaskStatus.FAILED, error);
    }

    private TaskRecord record(TaskStatus status, TaskError error) {
      // The wall clock may step back (NTP) while a task runs; the task then took no time, not less.
      Instant now = clock.instant();
      Instant finishedAt = now.isBefore(startedAt) ? startedAt : now;
      return new TaskRecord(task.id(), task.title(), task.priority(), task.category(), task.area(), task.action(),
          identity.index(), identity.pod(), identity.node(), status, error, model, modelDigests.get(model),
          calls.size(), startedAt, finishedAt, inputs, calls, findings, changes);
    }
  }
}
