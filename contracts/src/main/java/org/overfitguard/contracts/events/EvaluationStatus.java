package org.overfitguard.contracts.events;

/** OK: metrics are real. ERROR: the checkpoint could not be evaluated; see the error text, metrics are null. */
public enum EvaluationStatus { OK, ERROR }
