package org.overfitguard.contracts.events;

/** Why the evaluator's early-stopping policy fired. */
public enum StopReason { PATIENCE_EXHAUSTED, STOPPING_THRESHOLD, DIVERGENCE, NON_FINITE }
