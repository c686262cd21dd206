package org.overfitguard.evaluator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.overfitguard.contracts.events.AshaMode;
import org.overfitguard.contracts.events.AshaSchedule;

/**
 * Table tests of the promotion form: inputs in arrival order ("trial@step=loss" a result, "trial!"
 * an end) and, for each, the decisions it makes due ("+a0": a promoted from rung 0, "-b0": b
 * pruned at rung 0, "." none). Rungs 100, 300, 900 (max 2700); eta 3 unless the name says.
 */
class AshaPromotionTest {

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("nobody is promoted before a third of the rung is in", 6, 3, "a@100=2.0 b@100=2.5", ". ."),
                Arguments.of("the third result promotes the best of three", 6, 3, "a@100=2.0 b@100=2.5 c@100=1.5", ". . +c0"),
                Arguments.of("the sixth makes the top two: the second best goes on too", 6, 3,
                        "a@100=2.0 b@100=2.5 c@100=1.5 d@100=3.0 e@100=3.1 f@100=4.0", ". . +c0 . . +a0 -b0 -d0 -e0 -f0"),
                Arguments.of("a complete rung prunes the rest, at least one goes on", 2, 3, "a@100=2.0 b@100=1.0", ". +b0 -a0"),
                Arguments.of("a trial that ended before the rung completes it", 3, 3, "a@100=2.0 b! c@100=1.0", ". . +c0 -a0"),
                Arguments.of("an end never promotes the ended trial; it still ranks", 3, 3, "a@100=1.0 a! b@100=2.0 c@100=3.0",
                        ". . . -b0 -c0"),
                Arguments.of("an early promotion is not taken back; a better later one goes on too", 4, 3,
                        "a@100=2.0 b@100=2.5 c@100=3.0 d@100=1.0", ". . +a0 +d0 -b0 -c0"),
                Arguments.of("the next rung: judged among the promoted, closed when they all reached it or ended", 6, 3,
                        "a@100=2.0 b@100=2.5 c@100=1.5 d@100=3.0 e@100=3.1 f@100=4.0 c@300=1.4 a@300=1.2",
                        ". . +c0 . . +a0 -b0 -d0 -e0 -f0 . +a1 -c1"),
                Arguments.of("a later result at a judged rung changes nothing", 3, 3, "a@100=2.0 b@100=2.5 c@100=3.0 b@200=0.1",
                        ". . +a0 -b0 -c0 ."),
                Arguments.of("a pruned trial's later results are ignored", 2, 3, "a@100=2.0 b@100=3.0 b@300=0.1", ". +a0 -b0 ."),
                Arguments.of("a NaN loss ranks last", 3, 3, "a@100=NaN b@100=3.0 c@100=4.0", ". . +b0 -c0 -a0"),
                Arguments.of("ties: the earlier arrival ranks higher", 2, 2, "a@100=2.0 b@100=2.0", ". +a0 -b0"),
                Arguments.of("below the first rung nothing happens", 2, 3, "a@50=1.0 b@99=2.0", ". ."),
                Arguments.of("eta 2: half of each rung goes on", 4, 2, "a@100=4.0 b@100=3.0 c@100=2.0 d@100=1.0",
                        ". +b0 +c0 +d0 -a0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decidesAsThePaperSays(String name, int trials, int eta, String inputs, String expected) {
        AshaPromotion rule = new AshaPromotion(new AshaSchedule(100, eta, 2700, AshaMode.PROMOTION, trials));
        List<String> actual = new ArrayList<>();
        for (String in : inputs.split(" ")) {
            List<AshaPromotion.Decision> made = in.endsWith("!") ? rule.ended(in.substring(0, in.length() - 1))
                    : rule.record(in.substring(0, in.indexOf('@')), Long.parseLong(in.substring(in.indexOf('@') + 1, in.indexOf('='))),
                            Double.parseDouble(in.substring(in.indexOf('=') + 1)));
            actual.add(made.isEmpty() ? "." : made.stream().map(d -> (d.promote() ? "+" : "-") + d.trial() + d.rung())
                    .collect(Collectors.joining(" ")));
        }
        assertEquals(expected, String.join(" ", actual), name);
    }

    /**
     * Simulated sweeps of 27 trials (rungs 90, 270; 810 steps at most) arriving in random orders,
     * each promoted trial reporting at its next rung: every trial is decided once at each rung it
     * reached, the best trial (ranks that hold from rung to rung) always runs to the end, and the
     * steps spent average under a third of the 21,870 of running all 27 to the end.
     */
    @Test
    void aSweepEndsWithEveryTrialDecidedAndTheBestOfTheLastRungKept() {
        long totalSteps = 0;
        for (long seed = 0; seed < 200; seed++) {
            Random random = new Random(seed);
            int n = 27;
            AshaPromotion rule = new AshaPromotion(new AshaSchedule(90, 3, 810, AshaMode.PROMOTION, n));
            Map<String, Double> quality = new HashMap<>();
            List<String> waiting = new ArrayList<>(); // (trial, rung) to report, as "trial:rung"
            for (int t = 0; t < n; t++) {
                quality.put("t" + t, random.nextDouble());
                waiting.add("t" + t + ":0");
            }
            Map<String, Integer> decidedAt = new HashMap<>();
            List<String> ranToTheEnd = new ArrayList<>();
            long steps = 0;
            int finished = 0;
            while (!waiting.isEmpty()) {
                String next = waiting.remove(random.nextInt(Math.min(waiting.size(), 3))); // roughly in order, as two workers take them
                String trial = next.substring(0, next.indexOf(':'));
                int rung = Integer.parseInt(next.substring(next.indexOf(':') + 1));
                long step = rule.rungs().get(rung);
                steps += step - (rung == 0 ? 0 : rule.rungs().get(rung - 1));
                for (AshaPromotion.Decision d : rule.record(trial, step, quality.get(trial) + 0.01 * rung)) {
                    assertEquals(null, decidedAt.put(d.trial() + ":" + d.rung(), 1), "decided twice: " + d);
                    if (d.promote() && d.rung() + 1 < rule.rungs().size()) {
                        waiting.add(d.trial() + ":" + (d.rung() + 1));
                    } else if (d.promote()) {
                        steps += 810 - rule.rungs().get(d.rung());
                        finished++;
                        ranToTheEnd.add(d.trial());
                        rule.ended(d.trial()).forEach(x -> {
                            throw new AssertionError("an end after the last rung decides nothing, made " + x);
                        });
                    }
                }
            }
            totalSteps += steps;
            assertTrue(finished >= 1, "seed " + seed + ": " + finished + " trials ran to the end");
            assertEquals(n, decidedAt.keySet().stream().filter(k -> k.endsWith(":0")).count(), "seed " + seed + ": all decided at rung 0");
            String best = quality.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
            assertTrue(ranToTheEnd.contains(best), "seed " + seed + ": the best trial " + best + " ran to the end, not only " + ranToTheEnd);
        }
        assertTrue(totalSteps / 200 <= 21_870 / 3, "mean steps " + totalSteps / 200);
    }

    @Test
    void bootstrapHoldsPromotionsUntilEnoughTrialsReachedTheRung() {
        AshaPromotion rule = new AshaPromotion(new AshaSchedule(100, 3, 2700, AshaMode.PROMOTION, 6, 6));
        List<String> made = new ArrayList<>();
        for (String in : "a@100=2.0 b@100=2.5 c@100=1.5 d@100=3.0 e@100=3.1 f@100=1.0".split(" ")) {
            List<AshaPromotion.Decision> d = rule.record(in.substring(0, 1), 100, Double.parseDouble(in.substring(in.indexOf('=') + 1)));
            made.add(d.isEmpty() ? "." : d.stream().map(x -> (x.promote() ? "+" : "-") + x.trial()).collect(Collectors.joining(" ")));
        }
        assertEquals(". . . . . +f +c -a -b -d -e", String.join(" ", made), "synchronous: the best two of six, decided at once");
    }

    @Test
    void refusesAScheduleWithoutTrials() {
        assertThrows(IllegalArgumentException.class, () -> new AshaPromotion(new AshaSchedule(90, 3, 810, AshaMode.PROMOTION, 0)));
    }
}
