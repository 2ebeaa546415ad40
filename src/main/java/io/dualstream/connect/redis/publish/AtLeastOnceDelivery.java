package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * delivery.guarantee=at-least-once: {@code put()} waits for Redis's replies; when Redis did not take every
 * notification, it fails with a retriable error so that Connect keeps the offsets, waits the backoff and hands
 * the same batch back. Only what Redis did not take is sent again (not a prefix of the batch: in a cluster,
 * nodes fail independently), in batch order, so each partition's notifications keep their relative order.
 * A batch that comes back is not mapped again: its bad records were handled the first time.
 */
public final class AtLeastOnceDelivery implements DeliveryPolicy {

    private final NotificationPublisher redis;
    private final RedisHealth health;
    private final SinkTaskContext context;
    private final LongConsumer pipelineNanos;
    /** The rest of a batch Redis did not take, waiting for Connect to redeliver that batch. */
    private PendingBatch pending;

    public AtLeastOnceDelivery(NotificationPublisher redis, RedisHealth health, SinkTaskContext context,
                               LongConsumer pipelineNanos) {
        this.redis = redis;
        this.health = health;
        this.context = context;
        this.pipelineNanos = pipelineNanos;
    }

    @Override
    public void put(Collection<SinkRecord> records, Function<Collection<SinkRecord>, List<Notification>> mapper) {
        List<Notification> notifications;
        if (pending != null && pending.isRedeliveryOf(records)) {
            notifications = pending.notifications();
        } else {
            // A new batch, or a rebalance changed it: partitions it lost will be re-read by their new owner.
            pending = null;
            notifications = mapper.apply(records);
        }
        if (notifications.isEmpty()) {
            pending = null;
            return;
        }
        long start = System.nanoTime();
        PublishResult result = FailuresAsResults.await(FailuresAsResults.send(redis, notifications), notifications.size());
        pipelineNanos.accept(System.nanoTime() - start);
        long wait = health.record(result);
        if (result.complete()) {
            health.measureAge(notifications);
            pending = null;
            return;
        }
        List<Notification> rest = undelivered(notifications, result.undelivered());
        health.countRedelivered(rest.size());
        pending = new PendingBatch(records, rest);
        context.timeout(wait);
        // Connect pauses the partitions, keeps the batch and its offsets uncommitted, and calls put() with it again.
        throw new RetriableException("Redis did not take " + rest.size() + " of " + notifications.size()
                + " notifications; delivery.guarantee=at-least-once, so Connect redelivers this batch in " + wait + " ms");
    }

    private static List<Notification> undelivered(List<Notification> notifications, BitSet undelivered) {
        List<Notification> rest = new ArrayList<>(undelivered.cardinality());
        for (int i = undelivered.nextSetBit(0); i >= 0; i = undelivered.nextSetBit(i + 1)) {
            rest.add(notifications.get(i));
        }
        return rest;
    }

    /** Offsets do not advance past a pending batch (Connect holds them), so there is nothing to wait for here. */
    @Override
    public void flush() {
    }

    @Override
    public RedisHealth health() {
        return health;
    }

    @Override
    public void close() {
        redis.close();
    }

    /** The rest of a batch Redis refused, and how to recognise that batch when Connect redelivers it. */
    private record PendingBatch(int size, SinkRecord first, SinkRecord last, List<Notification> notifications) {

        PendingBatch(Collection<SinkRecord> records, List<Notification> notifications) {
            this(records.size(), firstOf(records), lastOf(records), notifications);
        }

        boolean isRedeliveryOf(Collection<SinkRecord> records) {
            return records.size() == size && (size == 0 || sameRecord(firstOf(records), first) && sameRecord(lastOf(records), last));
        }

        private static boolean sameRecord(SinkRecord a, SinkRecord b) {
            return a.kafkaOffset() == b.kafkaOffset() && Objects.equals(a.kafkaPartition(), b.kafkaPartition())
                    && Objects.equals(a.topic(), b.topic());
        }

        private static SinkRecord firstOf(Collection<SinkRecord> records) {
            return records.isEmpty() ? null : records.iterator().next();
        }

        private static SinkRecord lastOf(Collection<SinkRecord> records) {
            if (records instanceof List<SinkRecord> list) {
                return list.isEmpty() ? null : list.get(list.size() - 1);
            }
            SinkRecord last = null;
            for (SinkRecord record : records) {
                last = record;
            }
            return last;
        }
    }
}
