package org.overfitguard.monitor.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.events.AshaMode;
import org.overfitguard.contracts.events.AshaSchedule;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.RunReleased;
import org.overfitguard.contracts.events.RunRequested;
import org.overfitguard.contracts.events.RunStarted;
import org.overfitguard.contracts.events.StopReason;
import org.overfitguard.contracts.events.StopRequestedBuilder;
import org.overfitguard.contracts.events.TrialPromotedBuilder;
import org.overfitguard.contracts.spec.RunSpec;

/** A trial of ASHA's promotion form as the monitor shows it: paused at a rung, running again once promoted. */
class RunHistoryStateTest {

    @Test
    void aTrialIsPausedAtItsRungUntilPromotedOrStopped() {
        RunSpec spec = RunSpec.defaults();
        RunHistory h = new RunHistory("t0", 100);
        h.apply(RunRequested.of("t0", spec, "sweep", "t0", new AshaSchedule(90, 3, 810, AshaMode.PROMOTION, 27)));
        h.apply(RunStarted.of("t0", spec, "trainer-0", "cpu()", 0));
        assertEquals(RunState.RUNNING, h.state());
        h.apply(RunReleased.paused("t0", "trainer-0", 90, 0));
        assertEquals(RunState.PAUSED, h.state());
        h.apply(TrialPromotedBuilder.builder().runId("t0").eventId(Event.newId()).timestamp(Instant.now()).sweepId("sweep").rung(0)
                .untilStep(270).build());
        assertEquals(RunState.RUNNING, h.state(), "promoted: it trains on");
        h.apply(RunReleased.of("t0", "trainer-0", 200, "shutdown"));
        assertEquals(RunState.RUNNING, h.state(), "a plain release is not a pause");
        h.apply(RunReleased.paused("t0", "trainer-0", 270, 1));
        assertEquals(RunState.PAUSED, h.state());
        h.apply(StopRequestedBuilder.builder().runId("t0").eventId(Event.newId()).timestamp(Instant.now()).reason(StopReason.PRUNED)
                .monitor("heldout_loss").atStep(270).build());
        assertEquals(RunState.RUNNING, h.state(), "pruned while paused: it is being ended");
    }
}
