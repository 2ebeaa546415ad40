package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * delivery.guarantee=best-effort: what Redis does not take is dropped and counted; offsets keep advancing (Kafka
 * keeps the events). After a batch of which nothing went out, batches are dropped without trying Redis until the
 * backoff has passed; the next batch then tries again, so publishing resumes by itself.
 *
 * <p>A batch is written without waiting for its replies, so that Connect polls and converts the next batch, and the
 * task maps it, while Redis works; the replies are read at the next {@code put()} (Connect calls it after every poll,
 * even an empty one), once its batch is mapped, at each offset flush and at close. Counters therefore lag by at most
 * one batch.
 */
public final class BestEffortDelivery implements DeliveryPolicy {

    private final NotificationPublisher redis;
    private final RedisHealth health;
    private final LongConsumer pipelineNanos;
    private NotificationPublisher.Replies inFlight;
    private long inFlightWriteNanos;
    private int inFlightSize;

    public BestEffortDelivery(NotificationPublisher redis, RedisHealth health, LongConsumer pipelineNanos) {
        this.redis = redis;
        this.health = health;
        this.pipelineNanos = pipelineNanos;
    }

    @Override
    public void put(Collection<SinkRecord> records, Function<Collection<SinkRecord>, List<Notification>> mapper) {
        // Mapping first gives Redis that much longer to answer the batch in flight: its replies are then read
        // without waiting, where reading them first made the task wait for Redis on every put().
        List<Notification> batch = mapper.apply(records);
        settle();
        if (batch.isEmpty()) {
            return;
        }
        if (health.backingOff() && !redis.topologyChanged()) {
            health.countDropped(batch.size());
            return;
        }
        // The age at which the batch is written: Redis sends it on to subscribers as it reads it.
        health.measureAge(batch);
        long start = System.nanoTime();
        inFlight = FailuresAsResults.send(redis, batch);
        inFlightSize = batch.size();
        inFlightWriteNanos = System.nanoTime() - start;
        if (inFlight.answered()) {
            // Writing already failed (Redis refused the connection): count it now, not one batch later.
            settle();
        }
    }

    /**
     * Reads the replies of the batch left in flight and counts them. Its pipeline latency is the time spent
     * writing it plus the time spent waiting here (not the time in between, when the task did other work).
     */
    private void settle() {
        if (inFlight == null) {
            return;
        }
        NotificationPublisher.Replies replies = inFlight;
        inFlight = null;
        long start = System.nanoTime();
        PublishResult result = FailuresAsResults.await(replies, inFlightSize);
        pipelineNanos.accept(inFlightWriteNanos + System.nanoTime() - start);
        health.record(result);
        if (!result.complete()) {
            health.countDropped(result.size() - result.delivered());
        }
    }

    @Override
    public void flush() {
        settle();
    }

    @Override
    public RedisHealth health() {
        return health;
    }

    @Override
    public void close() {
        try {
            settle();
        } finally {
            redis.close();
        }
    }
}
