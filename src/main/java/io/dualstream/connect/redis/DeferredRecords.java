package io.dualstream.connect.redis;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The records of a batch that pacing did not take on, handed back to Kafka: each of their partitions is rewound
 * to its first such record, so the consumer reads them again. The worker applies a rewind at its next poll but
 * may commit offsets before that, with the whole batch counted as done; until the next put(), the offsets it
 * commits are capped at the rewinds, so a crash in between loses nothing.
 */
final class DeferredRecords {

    private final AtomicLong deferred = new AtomicLong();
    /** First offset per partition of the records the current batch defers; kept until the batch is done. */
    private final Map<TopicPartition, Long> pending = new HashMap<>();
    /** The rewinds handed to the worker, not yet applied by it. */
    private final Map<TopicPartition, Long> handedBack = new HashMap<>();

    /** A new batch: what an earlier one deferred (if its put() failed and Connect dropped it) no longer applies. */
    void newBatch() {
        pending.clear();
    }

    void defer(SinkRecord record) {
        pending.putIfAbsent(new TopicPartition(record.topic(), record.kafkaPartition()), record.kafkaOffset());
        deferred.incrementAndGet();
    }

    /** Called at the start of each put(): the worker has applied the rewinds handed back by the last one. */
    void rewindsApplied() {
        handedBack.clear();
    }

    /** The batch is done (its put() returns normally): rewinds the partitions of its deferred records. */
    void handBack(SinkTaskContext context) {
        if (pending.isEmpty()) {
            return;
        }
        context.offset(pending);
        handedBack.putAll(pending);
        pending.clear();
    }

    /** The offsets that may be committed: no further than a rewind not yet applied. */
    Map<TopicPartition, OffsetAndMetadata> committable(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (handedBack.isEmpty()) {
            return offsets;
        }
        Map<TopicPartition, OffsetAndMetadata> capped = new HashMap<>(offsets);
        handedBack.forEach((partition, offset) -> capped.computeIfPresent(partition, (p, current) ->
                current.offset() > offset ? new OffsetAndMetadata(offset, current.metadata()) : current));
        return capped;
    }

    /** Whether a rewind of {@code partition} was handed to the worker and not yet applied. */
    boolean rewinding(TopicPartition partition) {
        return handedBack.containsKey(partition);
    }

    /** Records handed back to Kafka so far (a record deferred twice counts twice). */
    long deferred() {
        return deferred.get();
    }

    @Override
    public String toString() {
        return "deferral rewinds handed back " + handedBack;
    }
}
