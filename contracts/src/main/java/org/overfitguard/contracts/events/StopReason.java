package org.overfitguard.contracts.events;

/**
 * Why the evaluator stopped a run: the run's own early-stopping policy fired (the first four), or
 * the tuner pruned it, a trial of an ASHA sweep that fell out of the top 1/η at a rung.
 */
public enum StopReason { PATIENCE_EXHAUSTED, STOPPING_THRESHOLD, DIVERGENCE, NON_FINITE, PRUNED }
