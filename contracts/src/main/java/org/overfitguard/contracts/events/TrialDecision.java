package org.overfitguard.contracts.events;

/** What ASHA decided for a trial at a rung. */
public enum TrialDecision { CONTINUE, PRUNE }
