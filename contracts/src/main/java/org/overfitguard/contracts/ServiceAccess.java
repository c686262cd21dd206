package org.overfitguard.contracts;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each service does on Kafka: the topics it reads and writes (static names and per-run
 * prefixes), the topics it creates and deletes, its consumer groups and transactional ids. The
 * Kubernetes deployment derives each service's KafkaUser ACLs from this table, and a test holds
 * them to it.
 */
public final class ServiceAccess {

    /**
     * @param reads              static topics it consumes
     * @param writes             static topics it produces to
     * @param readPrefixes       topic prefixes it consumes
     * @param writePrefixes      topic prefixes it produces to
     * @param managePrefixes     topic prefixes it creates and deletes
     * @param groups             consumer groups it joins (and commits offsets in)
     * @param transactionalIds   prefixes of its transactional ids
     * @param describesGroups    whether it reads other groups' offsets (consumer lag)
     */
    public record Access(Set<String> reads, Set<String> writes, Set<String> readPrefixes, Set<String> writePrefixes,
                         Set<String> managePrefixes, Set<String> groups, Set<String> transactionalIds,
                         boolean describesGroups) {
    }

    public static final String TRAINER = "trainer-service";
    public static final String DATA = "data-service";
    public static final String EVALUATOR = "evaluator-service";
    public static final String MONITOR = "monitor-service";

    public static final List<String> SERVICES = List.of(TRAINER, DATA, EVALUATOR, MONITOR);

    public static final Map<String, Access> BY_SERVICE = Map.of(
            TRAINER, new Access(
                    Set.of(Topics.RUNS, Topics.CONTROL, Topics.EVALUATIONS),
                    Set.of(Topics.RUNS, Topics.TRAIN_METRICS, Topics.CHECKPOINTS, Topics.CONTROL, Topics.DEAD_LETTERS),
                    Set.of(Topics.BATCHES_PREFIX), Set.of(), Set.of(),
                    Set.of(TRAINER), Set.of(), false),
            DATA, new Access(
                    Set.of(Topics.RUNS, Topics.CONTROL, Topics.TRAIN_METRICS),
                    Set.of(Topics.RUNS, Topics.DEAD_LETTERS),
                    Set.of(Topics.BATCHES_PREFIX, Topics.HELDOUT_PREFIX), Set.of(Topics.BATCHES_PREFIX, Topics.HELDOUT_PREFIX),
                    Set.of(Topics.BATCHES_PREFIX, Topics.HELDOUT_PREFIX),
                    Set.of(DATA), Set.of("data-service-heldout-"), false),
            EVALUATOR, new Access(
                    Set.of(Topics.RUNS, Topics.CHECKPOINTS, Topics.EVALUATIONS, Topics.TUNING),
                    Set.of(Topics.EVALUATIONS, Topics.CONTROL, Topics.TUNING, Topics.DEAD_LETTERS),
                    Set.of(Topics.HELDOUT_PREFIX), Set.of(), Set.of(),
                    Set.of(EVALUATOR, EVALUATOR + "-tuner"), Set.of(), false),
            MONITOR, new Access(
                    Set.of(Topics.RUNS, Topics.TRAIN_METRICS, Topics.CHECKPOINTS, Topics.EVALUATIONS, Topics.CONTROL,
                            Topics.DEAD_LETTERS),
                    Set.of(Topics.DEAD_LETTERS),
                    Set.of(), Set.of(), Set.of(),
                    Set.of(MONITOR), Set.of(), true));

    private ServiceAccess() {
    }
}
