package org.overfitguard.monitor.api;

/** The message of GET /api/stream: this run's history changed; fetch /api/runs/{run_id} for it. */
public record RunChanged(String runId, String state, long step) {
}
