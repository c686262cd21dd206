package org.overfitguard.evaluator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.EvaluationCompletedBuilder;
import org.overfitguard.contracts.events.EvaluationStatus;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.StopReason;
import org.overfitguard.contracts.spec.EarlyStoppingSpec;
import org.overfitguard.contracts.spec.RunSpecs;

/**
 * Tables of metric sequences (one evaluation every 100 steps: index i is step 100 (i + 1)) and the
 * expected stop index, best index and reason.
 */
class EarlyStoppingTest {

    private static final double NAN = Double.NaN;

    record Outcome(Integer stopIndex, Integer bestIndex, StopReason reason) {
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // name, policy (YAML of early_stopping), values, stop index, best index, reason
                row("falls then rises: patience 3", "{patience: 3}", new double[] {3, 2, 1.5, 1.6, 1.7, 1.8, 1.9}, 5, 2, StopReason.PATIENCE_EXHAUSTED),
                row("equal is not an improvement", "{patience: 2}", new double[] {2, 1, 1, 1}, 3, 1, StopReason.PATIENCE_EXHAUSTED),
                row("a late improvement resets patience", "{patience: 2}", new double[] {2, 2.1, 1.9, 2.0, 2.2}, 4, 2, StopReason.PATIENCE_EXHAUSTED),
                row("never stops while improving", "{patience: 1}", new double[] {5, 4, 3, 2, 1}, null, 4, null),
                row("min_delta absolute: small gains do not count", "{patience: 2, min_delta: 0.1}", new double[] {2.0, 1.95, 1.91, 1.5}, 2, 0, StopReason.PATIENCE_EXHAUSTED),
                row("min_delta absolute: gains above it count", "{patience: 2, min_delta: 0.1}", new double[] {2.0, 1.85, 1.7, 1.69, 1.68}, 4, 2, StopReason.PATIENCE_EXHAUSTED),
                row("min_delta relative: 10% of best", "{patience: 1, min_delta: 0.1, min_delta_mode: relative}", new double[] {2.0, 1.85, 1.7}, 1, 0, StopReason.PATIENCE_EXHAUSTED),
                row("min_delta relative: over 10% counts", "{patience: 1, min_delta: 0.1, min_delta_mode: relative}", new double[] {2.0, 1.7, 1.6}, 2, 1, StopReason.PATIENCE_EXHAUSTED),
                row("non-finite stops at once", "{patience: 5}", new double[] {2, 1.5, NAN, 1.0}, 2, 1, StopReason.NON_FINITE),
                row("infinity stops at once", "{patience: 5}", new double[] {2, Double.POSITIVE_INFINITY}, 1, 0, StopReason.NON_FINITE),
                row("check_finite off: NaN counts as no improvement", "{patience: 2, check_finite: false}", new double[] {2, NAN, NAN, 1}, 2, 0, StopReason.PATIENCE_EXHAUSTED),
                row("stopping threshold reached", "{patience: 9, stopping_threshold: 1.2}", new double[] {2, 1.5, 1.2, 1.0}, 2, 2, StopReason.STOPPING_THRESHOLD),
                row("divergence threshold passed", "{patience: 9, divergence_threshold: 5}", new double[] {2, 1.5, 4.9, 5.1}, 3, 1, StopReason.DIVERGENCE),
                row("divergence threshold equal is not worse", "{patience: 9, divergence_threshold: 5}", new double[] {2, 5, 5}, null, 0, null),
                row("start_from_step ignores early evaluations", "{patience: 1, start_from_step: 300}", new double[] {1, 2, 3, 4, 3.5, 3.6}, 3, 2, StopReason.PATIENCE_EXHAUSTED),
                row("start_from_step: non-finite before it is ignored", "{patience: 2, start_from_step: 300}", new double[] {NAN, 2, 1.5, 1.6, 1.7}, 4, 2, StopReason.PATIENCE_EXHAUSTED),
                row("baseline: improvements above it do not reset patience", "{patience: 3, baseline: 1.0}", new double[] {3, 2.5, 2.0, 1.5}, 2, 2, StopReason.PATIENCE_EXHAUSTED),
                row("baseline: beating it resets patience", "{patience: 3, baseline: 1.0}", new double[] {3, 2.5, 0.9, 0.95, 0.97, 0.99}, 5, 2, StopReason.PATIENCE_EXHAUSTED),
                row("max mode (accuracy)", "{monitor: accuracy, patience: 2}", new double[] {0.2, 0.4, 0.5, 0.45, 0.5}, 4, 2, StopReason.PATIENCE_EXHAUSTED),
                row("max mode threshold", "{monitor: accuracy, patience: 9, stopping_threshold: 0.6}", new double[] {0.2, 0.5, 0.61}, 2, 2, StopReason.STOPPING_THRESHOLD),
                row("max mode divergence", "{monitor: accuracy, patience: 9, divergence_threshold: 0.1}", new double[] {0.2, 0.3, 0.05}, 2, 1, StopReason.DIVERGENCE),
                row("disabled: never stops, still tracks the best", "{enabled: false, patience: 1}", new double[] {2, 1, 3, 4, 5}, null, 1, null),
                row("patience exhausted on the first counted evaluations", "{patience: 1}", new double[] {1, 1}, 1, 0, StopReason.PATIENCE_EXHAUSTED),
                row("perplexity: a NaN loss is an infinite perplexity", "{monitor: perplexity, patience: 4}", new double[] {20, 12, Double.POSITIVE_INFINITY}, 2, 1, StopReason.NON_FINITE));
    }

    private static Arguments row(String name, String policy, double[] values, Integer stop, Integer best, StopReason reason) {
        return Arguments.of(name, policy, values, new Outcome(stop, best, reason));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void stopsWhereThePolicySays(String name, String policy, double[] values, Outcome expected) {
        assertEquals(expected, run(policy, values), name);
    }

    @Test
    void theFiringIsOnceAndFinal() {
        EarlyStopping policy = new EarlyStopping(policy("{patience: 1}"));
        StopState s = policy.next(StopState.INITIAL, 100, 2.0, "a");
        s = policy.next(s, 200, 2.5, "b");
        assertEquals(StopReason.PATIENCE_EXHAUSTED, s.stopReason());
        s = policy.next(s, 300, 1.0, "c");
        assertEquals(StopReason.PATIENCE_EXHAUSTED, s.stopReason(), "stays fired");
        assertEquals(100L, s.bestStep(), "an evaluation in flight after the decision changes nothing");
        assertEquals("a", s.bestCheckpoint());
    }

    @Test
    void aRestartedEvaluatorRebuiltFromItsEventsDecidesExactlyLikeAnUninterruptedOne() {
        EarlyStoppingSpec spec = policy("{patience: 3, min_delta: 0.01, baseline: 2.5}");
        EarlyStopping policy = new EarlyStopping(spec);
        double[] values = {3.0, 2.4, 2.2, 2.21, 2.19, 2.3, 2.4, 2.5, 2.6, 2.0, 2.7}; // 2.0, 2.7: in flight after the stop
        for (int killAfter = 0; killAfter < values.length; killAfter++) {
            StopState uninterrupted = StopState.INITIAL;
            StopState replayed = StopState.INITIAL;
            StopState live = StopState.INITIAL;
            for (int i = 0; i < values.length; i++) {
                uninterrupted = policy.next(uninterrupted, 100L * (i + 1), values[i], "c" + i);
                if (i < killAfter) {
                    StopState before = live;
                    live = policy.next(live, 100L * (i + 1), values[i], "c" + i);
                    // what the evaluations topic holds, folded back after the restart: as EvaluationWorker
                    // publishes it, the stop reason only on the evaluation that fired
                    boolean fired = !before.stopped() && live.stopped();
                    replayed = StopState.after(replayed, event(100L * (i + 1), live, fired, policy));
                } else {
                    replayed = policy.next(replayed, 100L * (i + 1), values[i], "c" + i);
                }
            }
            assertEquals(uninterrupted, replayed, "killed after " + killAfter + " evaluations");
        }
    }

    private static EvaluationCompleted event(long step, StopState s, boolean fired, EarlyStopping policy) {
        return EvaluationCompletedBuilder.builder().runId("r").eventId(Event.newId()).timestamp(Event.now()).step(step)
                .checkpointPath("c").status(EvaluationStatus.OK).heldOutLoss(1.0).perplexity(2.7).accuracy(0.5).trainLoss(1.0).gap(0.0)
                .heldOutTokens(100).sample("").evalSeconds(0.1).monitor("heldout_loss").monitoredValue(1.0)
                .bestValue(s.bestValue()).bestStep(s.bestStep()).bestCheckpoint(s.bestCheckpoint())
                .evaluationsWithoutImprovement(s.sinceImprovement()).patienceLeft(policy.patienceLeft(s)).stopReason(fired ? s.stopReason() : null)
                .build();
    }

    static Outcome run(String policyYaml, double[] values) {
        EarlyStopping policy = new EarlyStopping(policy(policyYaml));
        StopState s = StopState.INITIAL;
        Integer stop = null;
        for (int i = 0; i < values.length && stop == null; i++) { // the run ends where the policy fires
            s = policy.next(s, 100L * (i + 1), values[i], "ckpt-" + i);
            if (s.stopped()) {
                stop = i;
            }
        }
        Integer best = s.bestStep() == null ? null : (int) (s.bestStep() / 100) - 1;
        return new Outcome(stop, best, s.stopReason());
    }

    private static EarlyStoppingSpec policy(String yaml) {
        return RunSpecs.parse("early_stopping: " + yaml).earlyStopping();
    }
}
