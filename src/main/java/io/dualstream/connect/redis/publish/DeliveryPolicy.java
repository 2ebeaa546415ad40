package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * What happens to a batch's notifications when Redis does not take them all (delivery.guarantee), chosen once
 * at start. The task hands each {@code put()} batch over with the function that maps it; the policy decides
 * whether it must be mapped (a redelivered batch was mapped the first time) and publishes it.
 */
public interface DeliveryPolicy extends AutoCloseable {

    /**
     * The task's {@code put()}, for this policy: maps the batch (unless it is a redelivery), publishes it and counts
     * what Redis did with it. "Delivered" elsewhere means only that Redis accepted a notification
     * ({@link PublishResult}).
     *
     * @throws org.apache.kafka.connect.errors.RetriableException to have Connect redeliver the batch (at-least-once)
     */
    void put(Collection<SinkRecord> records, Function<Collection<SinkRecord>, List<Notification>> mapper);

    /** Called at each offset commit: what has been written is accounted for before offsets are committed. */
    void flush();

    RedisHealth health();

    /** Reads the replies still in flight (so that the counters are final), then closes the publisher. */
    @Override
    void close();
}
