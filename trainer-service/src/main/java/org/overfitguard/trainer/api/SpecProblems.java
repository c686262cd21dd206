package org.overfitguard.trainer.api;

import java.util.List;

/** The body of a 400: a summary and every bad field. */
public record SpecProblems(String error, List<FieldProblem> fields) {
}
