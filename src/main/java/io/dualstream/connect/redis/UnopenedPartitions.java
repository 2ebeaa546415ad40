package io.dualstream.connect.redis;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Partitions the worker delivers records of without having opened them, and whose offsets it therefore never
 * commits. Kafka's WorkerSinkTask (up to at least 4.3.1) records a newly assigned partition in its rebalance
 * listener, asking {@code consumer.position()} for each before it stores any offset and calls {@code open()}. A
 * {@code consumer.wakeup()} that lands in that call (the worker's own, on a pause, resume or stop) throws out of
 * the listener; the consumer keeps the assignment and calls the listener again with no partitions. The partition
 * is then consumed and delivered, but it is missing from the worker's last committed offsets, so every commit
 * ignores what {@code preCommit} returns for it ("partition not requested", at DEBUG) and skips the commit
 * ("no change since last commit"): its offsets are never committed again, and nothing is logged above DEBUG.
 *
 * <p>The repair uses the one call that makes the worker record a partition's offset: a rewind
 * ({@link SinkTaskContext#offset}), to where the consumer already is, so that nothing is read twice. The worker
 * takes the rewind's offset as committed, though it is not, and commits only an offset that differs from it; so
 * the first {@code preCommit} after the rewind answers one less (a record already handled, which a restart would
 * read again), and the next answers the worker's own offset: two commits, and the committed offset is exact.
 * Like {@link DeferredRecords}, the rewind is handed back at the end of a {@code put()} that returns normally and
 * the worker applies it at its next poll, before it could revoke the partition.
 */
final class UnopenedPartitions {

    private static final Logger log = LoggerFactory.getLogger(UnopenedPartitions.class);

    /** Partitions the worker opened, or records again after a rewind, until it closes them. */
    private final Set<TopicPartition> tracked = new HashSet<>();
    /** Found in preCommit without having been opened: the worker's offset for each, to rewind at the next put(). */
    private final Map<TopicPartition, Long> found = new HashMap<>();
    /** The repairing rewinds handed to the worker, not yet applied by it. */
    private final Map<TopicPartition, Long> handedBack = new HashMap<>();
    /** Rewinds the worker has applied: the next preCommit answers one less, if the worker's offset is still this. */
    private final Map<TopicPartition, Long> applied = new HashMap<>();

    void opened(Collection<TopicPartition> partitions) {
        tracked.addAll(partitions);
        forget(partitions);
    }

    void closed(Collection<TopicPartition> partitions) {
        tracked.removeAll(partitions);
        forget(partitions);
    }

    private void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            found.remove(partition);
            handedBack.remove(partition);
            applied.remove(partition);
        }
    }

    /** Called at the start of each put(): the worker has applied the rewinds handed back by the last one. */
    void rewindsApplied() {
        if (!handedBack.isEmpty()) {
            applied.putAll(handedBack);
            handedBack.clear();
        }
    }

    /**
     * preCommit: notes the partitions the worker has offsets for but never opened, and after a repairing rewind
     * answers one less for its partition, once.
     *
     * @param offsets   what the task would answer otherwise (keyed by the partitions the worker commits)
     * @param rewinding partitions a deferral rewind is pending for: applying it makes the worker record them again
     */
    Map<TopicPartition, OffsetAndMetadata> committable(Map<TopicPartition, OffsetAndMetadata> offsets,
                                                       Predicate<TopicPartition> rewinding) {
        for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : offsets.entrySet()) {
            TopicPartition partition = entry.getKey();
            if (!tracked.contains(partition) && entry.getValue() != null) {
                if (rewinding.test(partition)) {
                    tracked.add(partition);
                } else {
                    found.put(partition, entry.getValue().offset());
                }
            }
        }
        if (applied.isEmpty()) {
            return offsets;
        }
        Map<TopicPartition, OffsetAndMetadata> answer = new HashMap<>(offsets);
        applied.forEach((partition, offset) -> answer.computeIfPresent(partition, (p, current) ->
                current.offset() == offset && offset > 0 ? new OffsetAndMetadata(offset - 1, current.metadata()) : current));
        applied.clear();
        return answer;
    }

    /**
     * The end of a put() that returned normally: rewinds each partition found unopened to where the consumer is,
     * past the records of this batch. Partitions that a deferral rewind of this batch covers need none.
     */
    void handBack(SinkTaskContext context, Collection<SinkRecord> records, Predicate<TopicPartition> rewinding) {
        if (found.isEmpty() || context == null) {
            return;
        }
        Set<TopicPartition> assigned = context.assignment();
        Map<TopicPartition, Long> rewinds = new HashMap<>();
        found.forEach((partition, offset) -> {
            if (rewinding.test(partition)) {
                tracked.add(partition);
            } else if (assigned.contains(partition)) {
                rewinds.put(partition, offset);
            }
        });
        found.clear();
        if (rewinds.isEmpty()) {
            return;
        }
        for (SinkRecord record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.kafkaPartition());
            rewinds.computeIfPresent(partition, (p, next) -> Math.max(next, record.kafkaOffset() + 1));
        }
        log.warn("The worker delivers records of {} but never opened {} (a wakeup cut its partition assignment "
                + "short), so it would never commit their offsets; rewinding to where the consumer is ({}) so that "
                + "it commits them again.", rewinds.keySet(), rewinds.size() == 1 ? "it" : "them", rewinds);
        context.offset(rewinds);
        handedBack.putAll(rewinds);
        tracked.addAll(rewinds.keySet());
    }

    @Override
    public String toString() {
        return "unopened " + found + ", repairing rewinds handed back " + handedBack + ", applied " + applied;
    }
}
