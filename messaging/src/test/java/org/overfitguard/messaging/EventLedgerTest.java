package org.overfitguard.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.DeadLetterHeaders;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.events.CancelRequested;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.kafka.EmbeddedKafka;
import org.overfitguard.kafka.TopicIO;

/**
 * The ledger on a real broker: replay and catch-up, poison and failing records lettered once across
 * restarts, a failing rebalance callback survived, revocation, commits. Each test has its own
 * topics and group, so the control topic of a test is named like "control-&lt;uuid&gt;" and the
 * events are CancelRequested (their topic check applies only to the real static topics).
 */
class EventLedgerTest {

    private static EmbeddedKafka broker;
    private static KafkaConnection kafka;

    @BeforeAll
    static void startBroker() throws IOException {
        broker = EmbeddedKafka.start(Files.createTempDirectory("ledger-test-"), 0);
        kafka = KafkaConnection.to(broker.bootstrapServers());
        TopicIO.create(broker.bootstrapServers(), Topics.DEAD_LETTERS, 1);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void replaysEverythingThenSaysItCaughtUp() {
        String topic = topic();
        List<String> ids = IntStream.range(0, 30).mapToObj(i -> send(topic, "run-" + (i % 7), "e" + i)).toList();
        RecordingBook book = new RecordingBook();
        try (EventLedger ledger = ledger(topic, "a", book)) {
            await().atMost(60, TimeUnit.SECONDS).until(book::caughtUp);
            assertEquals(Set.copyOf(ids), Set.copyOf(book.eventIds()), "every event before catch-up");
            for (int run = 0; run < 7; run++) {
                String id = "run-" + run;
                List<String> ofRun = book.applied.stream().filter(e -> e.runId().equals(id)).map(Event::eventId).toList();
                List<String> sent = ids.stream().filter(e -> Integer.parseInt(e.substring(1)) % 7 == Integer.parseInt(id.substring(4))).toList();
                assertEquals(sent, ofRun, "a run's events in order");
            }
            String later = send(topic, "run-1", "late");
            await().atMost(30, TimeUnit.SECONDS).until(() -> book.eventIds().contains(later));
        }
    }

    @Test
    void itIsReplayedOnlyOnceItsFirstAssignmentIsReadAndAMemberWithNothingToReadIsToo() {
        String topic = topic();
        String group = "g-" + UUID.randomUUID();
        IntStream.range(0, 3).forEach(p -> send(topic, "run-" + p, "e" + p));
        List<Boolean> seenWhileApplying = Collections.synchronizedList(new ArrayList<>());
        EventLedger[] first = new EventLedger[1];
        RecordingBook book = new RecordingBook();
        EventLedger.Listener watching = new EventLedger.Listener() {
            @Override
            public void apply(Event event, int partition) {
                seenWhileApplying.add(first[0].replayed());
                book.apply(event, partition);
            }

            @Override
            public void setCaughtUp(boolean caughtUp) {
                book.setCaughtUp(caughtUp);
            }

            @Override
            public void forgetPartitions(Set<Integer> partitions) {
                book.forgetPartitions(partitions);
            }
        };
        first[0] = new EventLedger(kafka, group, "a", List.of(topic), watching);
        assertFalse(first[0].replayed(), "not replayed before it started");
        try (EventLedger a = first[0]) {
            a.start();
            await().atMost(60, TimeUnit.SECONDS).until(book::caughtUp);
            assertTrue(a.replayed());
            assertEquals(List.of(false, false, false), seenWhileApplying, "not replayed while replaying");
            // three partitions, four members (range assignor): someone is left with none, and is still ready
            List<EventLedger> others = new ArrayList<>();
            try {
                for (String id : List.of("b", "c", "d")) {
                    EventLedger other = new EventLedger(kafka, group, id, List.of(topic), new RecordingBook());
                    other.start();
                    others.add(other);
                }
                await().atMost(90, TimeUnit.SECONDS).until(() -> others.stream().allMatch(EventLedger::replayed));
                assertTrue(a.replayed(), "a rebalance does not take a replayed member out of service");
            } finally {
                others.forEach(EventLedger::close);
            }
        }
    }

    @Test
    void poisonAndForeignRecordsAreLetteredOnceAcrossRestarts() throws Exception {
        String topic = topic();
        String group = "g-" + UUID.randomUUID();
        send(topic, "run-a", "good-1");
        TopicIO.send(broker.bootstrapServers(), topic, "run-a", "not json".getBytes(StandardCharsets.UTF_8));
        TopicIO.send(broker.bootstrapServers(), topic, "x", "{\"type\":\"RunRequested\",\"run_id\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        TopicIO.send(broker.bootstrapServers(), topic, "run-other", event("run-a", "wrong-key"));
        send(topic, "run-a", "good-2");

        RecordingBook first = new RecordingBook();
        try (EventLedger ledger = new EventLedger(kafka, group, "i", List.of(topic), first)) {
            ledger.start();
            await().atMost(60, TimeUnit.SECONDS).until(first::caughtUp);
            assertEquals(List.of("good-1", "good-2"), first.eventIds());
            await().atMost(30, TimeUnit.SECONDS).until(() -> letters(topic).size() == 3);
            TopicIO.send(broker.bootstrapServers(), topic, "run-a", "poison after catch-up".getBytes(StandardCharsets.UTF_8));
            await().atMost(30, TimeUnit.SECONDS).until(() -> letters(topic).size() == 4);
            awaitCommitted(group, topic);
        }
        List<String> reasons = letters(topic).stream().map(r -> TopicIO.header(r, DeadLetterHeaders.REASON)).toList();
        assertTrue(reasons.stream().anyMatch(r -> r.startsWith("not a valid event on " + topic)), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("spec must be present")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("key must be the run id 'run-a', was 'run-other'")), reasons.toString());
        assertTrue(letters(topic).stream().anyMatch(r -> new String(r.value(), StandardCharsets.UTF_8).equals("not json")),
                "the bytes as they were");
        assertEquals(group, TopicIO.header(letters(topic).get(0), DeadLetterHeaders.CONSUMER));

        RecordingBook second = new RecordingBook();
        try (EventLedger ledger = new EventLedger(kafka, group, "i", List.of(topic), second)) {
            ledger.start();
            await().atMost(60, TimeUnit.SECONDS).until(second::caughtUp);
            assertEquals(List.of("good-1", "good-2"), second.eventIds(), "a restart replays the same events");
            String marker = send(topic, "run-a", "after-restart");
            await().atMost(30, TimeUnit.SECONDS).until(() -> second.eventIds().contains(marker));
        }
        assertEquals(4, letters(topic).size(), "no record lettered twice");
    }

    @Test
    void aRecordTheBookFailsOnIsLetteredAndTheLedgerReadsOn() {
        String topic = topic();
        send(topic, "run-a", "one");
        send(topic, "run-a", "boom");
        send(topic, "run-a", "three");
        RecordingBook book = new RecordingBook();
        book.failOn = e -> e.eventId().equals("boom");
        try (EventLedger ledger = ledger(topic, "a", book)) {
            await().atMost(60, TimeUnit.SECONDS).until(book::caughtUp);
            assertEquals(List.of("one", "three"), book.eventIds());
            await().atMost(30, TimeUnit.SECONDS).until(() -> letters(topic).size() == 1);
            assertTrue(TopicIO.header(letters(topic).get(0), DeadLetterHeaders.REASON).contains("book refuses boom"));
            assertEquals(0, ledger.loop().status().restarts(), "one bad record does not restart the consumer");
        }
    }

    @Test
    void aFailingRebalanceCallbackRestartsTheConsumerWhichReplays() {
        String topic = topic();
        send(topic, "run-a", "one");
        RecordingBook book = new RecordingBook();
        book.failSetCaughtUpTimes = 1;
        try (EventLedger ledger = ledger(topic, "a", book)) {
            await().atMost(90, TimeUnit.SECONDS).until(book::caughtUp);
            assertEquals(List.of("one"), book.eventIds());
            assertEquals(1, ledger.loop().status().restarts(), "the consumer was started again once");
            assertTrue(ledger.loop().status().healthy());
            String after = send(topic, "run-a", "two");
            await().atMost(30, TimeUnit.SECONDS).until(() -> book.eventIds().contains(after));
        }
    }

    @Test
    void aSecondMemberTakesPartitionsAwayAndEachBookHoldsOnlyItsOwn() {
        String topic = topic();
        String group = "g-" + UUID.randomUUID();
        List<String> runs = IntStream.range(0, 24).mapToObj(i -> "run-" + i).toList();
        runs.forEach(r -> send(topic, r, r + "-e"));
        RecordingBook a = new RecordingBook();
        RecordingBook b = new RecordingBook();
        try (EventLedger first = new EventLedger(kafka, group, "a", List.of(topic), a)) {
            first.start();
            await().atMost(60, TimeUnit.SECONDS).until(a::caughtUp);
            assertEquals(Set.of(0, 1, 2), a.partitions());
            try (EventLedger second = new EventLedger(kafka, group, "b", List.of(topic), b)) {
                second.start();
                await().atMost(90, TimeUnit.SECONDS).until(() -> b.caughtUp() && a.caughtUp() && a.caughtUpCount() >= 2);
                assertTrue(a.forgotten.stream().anyMatch(f -> !f.isEmpty()), "the first member forgot what it lost");
                Set<Integer> ofA = a.partitions();
                Set<Integer> ofB = b.partitions();
                assertTrue(Collections.disjoint(ofA, ofB), ofA + " and " + ofB);
                assertEquals(Set.of(0, 1, 2), union(ofA, ofB));
                assertEquals(runs.size(), a.applied.size() + b.applied.size(), "every run in exactly one book");
            }
        }
    }

    @Test
    void aCaughtUpLedgerCommitsItsPositionsSoTheGroupShowsNoLag() throws Exception {
        String topic = topic();
        String group = "g-" + UUID.randomUUID();
        IntStream.range(0, 10).forEach(i -> send(topic, "run-" + i, "e" + i));
        RecordingBook book = new RecordingBook();
        try (EventLedger ledger = new EventLedger(kafka, group, "i", List.of(topic), book)) {
            ledger.start();
            await().atMost(60, TimeUnit.SECONDS).until(book::caughtUp);
            send(topic, "run-3", "more");
            awaitCommitted(group, topic);
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static EventLedger ledger(String topic, String instance, RecordingBook book) {
        EventLedger ledger = new EventLedger(kafka, "g-" + UUID.randomUUID(), instance, List.of(topic), book);
        ledger.start();
        return ledger;
    }

    private static String topic() {
        String t = "control-" + UUID.randomUUID();
        TopicIO.create(broker.bootstrapServers(), t, 3);
        return t;
    }

    private static String send(String topic, String runId, String eventId) {
        TopicIO.send(broker.bootstrapServers(), topic, runId, event(runId, eventId));
        return eventId;
    }

    private static byte[] event(String runId, String eventId) {
        Event e = new CancelRequested(runId, eventId, Event.now(), "test");
        return Json.write(e).getBytes(StandardCharsets.UTF_8);
    }

    private static List<ConsumerRecord<String, byte[]>> letters(String topic) {
        return TopicIO.readAll(broker.bootstrapServers(), Topics.DEAD_LETTERS).stream()
                .filter(r -> topic.equals(TopicIO.header(r, DeadLetterHeaders.TOPIC))).toList();
    }


    /** The group's committed offsets reach the end of every partition of the topic. */
    private static void awaitCommitted(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            List<TopicPartition> partitions = IntStream.range(0, 3).mapToObj(p -> new TopicPartition(topic, p)).toList();
            await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(partitions.stream()
                        .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()))).all().get();
                return partitions.stream().allMatch(p -> committed.get(p) != null
                        && committed.get(p).offset() == ends.get(p).offset());
            });
        }
    }

    private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
        List<Integer> all = new ArrayList<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
