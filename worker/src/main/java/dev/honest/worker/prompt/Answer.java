package dev.honest.worker.prompt;

import dev.honest.common.result.Finding;
import dev.honest.worker.edit.Edit;
import java.util.List;

/**
 * A model answer that passed {@link AnswerParser}'s validation.
 *
 * @param findings the reported problems, in the model's order
 * @param edits the proposed edits, in order; always empty for {@code analyze} tasks
 */
public record Answer(List<Finding> findings, List<Edit> edits) {
  public Answer {
    findings = List.copyOf(findings);
    edits = List.copyOf(edits);
  }
}
