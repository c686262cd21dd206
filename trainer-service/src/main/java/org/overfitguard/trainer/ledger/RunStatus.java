package org.overfitguard.trainer.ledger;

/** Where a run stands, as far as the ledger knows. */
public enum RunStatus { PENDING, RUNNING, PAUSED, COMPLETED, CANCELLED, FAILED }
