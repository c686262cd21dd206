package org.overfitguard.evaluator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.overfitguard.evaluator.policy.Asha.Decision;

/** Table tests of the ASHA rule: results in arrival order ("trial@step=loss") and the decision each gets. */
class AshaTest {

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("below the first rung nothing is judged", "a@50=3.0 b@99=9.0",
                        "BELOW_FIRST_RUNG BELOW_FIRST_RUNG"),
                Arguments.of("the first at a rung always continues", "a@100=5.0", "CONTINUE"),
                Arguments.of("eta 3: of two or three, only the best so far continues", "a@100=2.0 b@100=2.5 c@100=1.5",
                        "CONTINUE PRUNE CONTINUE"),
                Arguments.of("the fourth is judged against the top ceil(4/3) = 2", "a@100=2.0 b@100=2.5 c@100=3.0 d@100=2.2",
                        "CONTINUE PRUNE PRUNE CONTINUE"),
                Arguments.of("asynchronous: a later better trial does not revive a pruned one", "a@100=2.0 b@100=2.1 c@100=1.0",
                        "CONTINUE PRUNE CONTINUE"),
                Arguments.of("a repeated evaluation at the same rung changes nothing", "a@100=2.0 b@100=2.5 a@150=1.0",
                        "CONTINUE PRUNE ALREADY_JUDGED"),
                Arguments.of("the next rung is judged among those that reached it", "a@100=2.0 b@100=1.9 a@300=1.2 b@300=1.1",
                        "CONTINUE CONTINUE CONTINUE CONTINUE"),
                Arguments.of("rung 300 of two: the second, worse, is pruned", "a@100=2.0 b@100=1.9 a@300=1.1 b@300=1.2",
                        "CONTINUE CONTINUE CONTINUE PRUNE"),
                Arguments.of("an evaluation past a rung is judged at the highest rung reached", "a@100=2.0 b@400=1.5",
                        "CONTINUE CONTINUE"),
                Arguments.of("ties: the earlier arrival ranks higher", "a@100=2.0 b@100=2.0", "CONTINUE PRUNE"),
                Arguments.of("a pruned trial's later results are ignored, even good ones", "a@100=2.0 b@100=2.5 b@300=0.1",
                        "CONTINUE PRUNE ALREADY_PRUNED"),
                Arguments.of("a NaN loss ranks last", "a@100=NaN b@100=3.0 c@100=Infinity d@100=4.0",
                        "CONTINUE CONTINUE PRUNE CONTINUE"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decidesAsThePaperSays(String name, String results, String expected) {
        Asha asha = new Asha(100, 3, 2700); // rungs 100, 300, 900
        List<String> actual = new ArrayList<>();
        for (String r : results.split(" ")) {
            String trial = r.substring(0, r.indexOf('@'));
            long step = Long.parseLong(r.substring(r.indexOf('@') + 1, r.indexOf('=')));
            double loss = Double.parseDouble(r.substring(r.indexOf('=') + 1));
            actual.add(asha.record(trial, step, loss).decision().name());
        }
        assertEquals(expected, String.join(" ", actual), name);
    }

    @Test
    void rungsAreMinBudgetTimesPowersOfEtaBelowTheMaximum() {
        assertEquals(List.of(100L, 300L, 900L), new Asha(100, 3, 2700).rungs());
        assertEquals(List.of(100L, 300L, 900L, 2700L), new Asha(100, 3, 2701).rungs());
        assertEquals(List.of(50L, 100L, 200L, 400L), new Asha(50, 2, 500).rungs());
        assertEquals(List.of(), new Asha(100, 3, 100).rungs(), "max = min: no rung, every trial runs to its end");
    }

    @Test
    void anEverBetterSequenceAllGoesOnAnEverWorseOneOnlyItsFirst() {
        Asha asha = new Asha(100, 3, 2700);
        int continued = 0;
        for (int i = 0; i < 27; i++) {
            // losses falling with i: each newcomer is the best so far and continues
            continued += asha.record("t" + i, 100, 10.0 - i).decision() == Decision.CONTINUE ? 1 : 0;
        }
        assertEquals(27, continued, "each arrival better than all before it continues");
        Asha rising = new Asha(100, 3, 2700);
        int kept = 0;
        for (int i = 0; i < 27; i++) {
            kept += rising.record("t" + i, 100, i).decision() == Decision.CONTINUE ? 1 : 0; // each worse than all before
        }
        assertEquals(1, kept, "only the first of an ever-worse sequence continues");
    }

    @Test
    void aJudgementSaysWhereAndAgainstHowMany() {
        Asha asha = new Asha(100, 3, 2700);
        asha.record("a", 100, 2.0);
        asha.record("b", 100, 1.5);
        asha.record("c", 100, 1.8);
        assertEquals(new Asha.Judgement(Decision.CONTINUE, 0, 100, 2, 4, 2), asha.record("d", 120, 1.7));
        assertEquals(new Asha.Judgement(Decision.PRUNE, 0, 100, 4, 5, 2), asha.record("e", 100, 1.9));
        assertEquals(new Asha.Judgement(Decision.CONTINUE, 1, 300, 1, 1, 1), asha.record("d", 300, 1.2));
    }

    @Test
    void replayingTheSameResultsGivesTheSameDecisions() {
        String[] trials = {"a", "b", "c", "d", "e", "f"};
        double[] losses = {2.0, 2.4, 1.8, 2.2, 2.1, 1.7};
        List<Asha.Judgement> first = new ArrayList<>();
        List<Asha.Judgement> again = new ArrayList<>();
        Asha one = new Asha(100, 3, 2700);
        Asha two = new Asha(100, 3, 2700);
        for (int i = 0; i < trials.length; i++) {
            first.add(one.record(trials[i], 100, losses[i]));
        }
        for (int i = 0; i < trials.length; i++) {
            again.add(two.record(trials[i], 100, losses[i]));
        }
        assertEquals(first, again);
    }

    @Test
    void aBadConfigurationIsRefusedWithItsValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Asha(100, 1, 2700));
        assertEquals("asha needs min_budget >= 1, eta >= 2 and max_budget >= min_budget; was 100, 1, 2700", e.getMessage());
    }
}
