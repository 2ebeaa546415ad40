package io.dualstream.connect.redis;

import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import io.dualstream.connect.redis.mapping.MalformedRecordException;
import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.mapping.NotificationMapper;
import io.dualstream.connect.redis.publish.BackoffPublisher;
import io.dualstream.connect.redis.publish.NotificationPublisher;
import io.dualstream.connect.redis.publish.PublisherFactory;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig.DeliveryGuarantee;
import io.dualstream.connect.redis.metrics.TaskMetrics;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * Maps each record of a {@code put()} batch to a notification, then publishes the batch in one pipeline.
 * Under best-effort the pipeline's replies are read at the next {@code put()} (Connect calls it after every
 * poll, even with no records), at each offset flush and at stop, so that Redis works while Connect polls.
 * Redis failures never fail the task: with {@code delivery.guarantee=best-effort} they drop the batch (see
 * {@link BackoffPublisher}); with {@code at-least-once} they hand the batch back to Connect for redelivery.
 * Bad records are handled by {@link BadRecordHandler}, once, whichever the guarantee.
 */
public class RedisPubSubSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(RedisPubSubSinkTask.class);
    static final long LOG_INTERVAL_MS = 30_000L;

    private final BiFunction<RedisPubSubSinkConfig, String, NotificationPublisher> publisherFactory;
    private final Time time;

    private NotificationMapper mapper;
    private BackoffPublisher publisher;
    private BadRecordHandler badRecords;
    private DeliveryGuarantee guarantee;
    private TaskMetrics metrics;
    private final List<Notification> batch = new ArrayList<>();
    private volatile long received;
    // Timestamps of the records in the batch being published, for the record-age metric.
    private long timestampSum;
    private int timestamped;
    private long oldestTimestamp;
    /** At-least-once: the rest of a batch Redis refused, waiting for Connect to redeliver that batch. */
    private PendingBatch pending;

    public RedisPubSubSinkTask() {
        this(PublisherFactory::create, Time.SYSTEM);
    }

    /** Test seam: choose the Redis client and the clock. */
    RedisPubSubSinkTask(BiFunction<RedisPubSubSinkConfig, String, NotificationPublisher> publisherFactory, Time time) {
        this.publisherFactory = publisherFactory;
        this.time = time;
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        RedisPubSubSinkConfig config = new RedisPubSubSinkConfig(props);
        mapper = new NotificationMapper(config.channelTemplate(), config.notificationFields(), config.channelMaxBytes());
        badRecords = new BadRecordHandler(config.malformedBehavior(), config.nullValueBehavior(),
                errantRecordReporter(), time, LOG_INTERVAL_MS);
        publisher = new BackoffPublisher(publisherFactory.apply(config, clientName(props.get("name"))),
                config.endpoint().address(), time,
                config.retryBackoffMs(), config.retryBackoffMaxMs(), LOG_INTERVAL_MS);
        guarantee = config.deliveryGuarantee();
        pending = null;
        metrics = TaskMetrics.register(context, props.get("name"));
        publisher.onPipelineLatency(metrics::pipelineLatency);
        registerTotals();
        log.info("Started Redis Pub/Sub sink task: {}", config.describe());
        if (config.endpoint().tls() && !config.tls().verifyHostname()) {
            log.warn("{}=false: the Redis server certificate is not checked against the host name {}; any server "
                    + "with a certificate from a trusted CA can pose as it.", RedisPubSubSinkConfig.SSL_VERIFY_HOSTNAME_CONFIG,
                    config.endpoint().host());
        }
    }

    private void registerTotals() {
        metrics.gauge("records-received-total", "Records handed to the task by Connect", () -> received);
        metrics.gauge("notifications-published-total", "Notifications Redis accepted", publisher::published);
        metrics.gauge("publish-failures-total", "Failed attempts to publish a batch to Redis", publisher::failures);
        metrics.gauge("notifications-dropped-total",
                "best-effort: notifications not published because Redis failed or was backing off", publisher::dropped);
        metrics.gauge("notifications-redelivered-total",
                "at-least-once: notifications handed back to Connect for redelivery because Redis failed", publisher::retried);
        metrics.gauge("subscribers-reached-total", "The sum of PUBLISH replies: deliveries Redis made to subscribers",
                publisher::subscribersReached);
        metrics.gauge("records-skipped-malformed-total", "Records skipped because they cannot become a notification",
                badRecords::skippedMalformed);
        metrics.gauge("records-skipped-null-total", "Tombstones (null values) skipped", badRecords::skippedNull);
        metrics.gauge("records-reported-total", "Skipped records sent to the worker's error reporter (dead-letter queue)",
                badRecords::reported);
        metrics.gauge("redis-available", "1 while the last attempt to publish succeeded, 0 while Redis is failing",
                () -> publisher.available() ? 1 : 0);
    }

    /** Shown by CLIENT LIST, so operators can tell which connector a connection belongs to. */
    static String clientName(String connectorName) {
        String name = connectorName == null ? "" : connectorName.replaceAll("[^A-Za-z0-9._:-]", "_");
        return name.isEmpty() ? "kafka-connect-redis-pubsub" : "kafka-connect-redis-pubsub:" + name;
    }

    /** Fetched once: older workers have no such method, and the worker returns null without a DLQ or error log. */
    private ErrantRecordReporter errantRecordReporter() {
        try {
            return context == null ? null : context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError olderWorker) {
            return null;
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (pending != null) {
            if (pending.isRedeliveryOf(records)) {
                // Its records were mapped, skipped or reported when first delivered: only Redis is retried.
                retryPending();
                return;
            }
            // A rebalance changed the batch: map it afresh. Partitions it lost will be re-read by their new owner.
            pending = null;
        }
        received += records.size();
        try {
            timestampSum = 0;
            timestamped = 0;
            oldestTimestamp = Long.MAX_VALUE;
            for (SinkRecord record : records) {
                if (record.value() == null) {
                    badRecords.nullValue(record);
                    continue;
                }
                try {
                    batch.add(mapper.map(record));
                    Long timestamp = record.timestamp();
                    if (timestamp != null) {
                        timestampSum += timestamp;
                        timestamped++;
                        oldestTimestamp = Math.min(oldestTimestamp, timestamp);
                    }
                } catch (MalformedRecordException e) {
                    badRecords.malformed(record, e);
                } catch (RuntimeException e) {
                    // A shape nobody foresaw must not stop the partition: treat it as malformed, name the cause.
                    badRecords.malformed(record, new DataException("cannot map record: " + e.getClass().getName(), e));
                }
            }
            if (guarantee == DeliveryGuarantee.AT_LEAST_ONCE) {
                publishAtLeastOnce(records, batch);
            } else {
                publisher.publish(batch);
                recordMetrics(!publisher.available());
            }
        } finally {
            batch.clear();
        }
    }

    private void publishAtLeastOnce(Collection<SinkRecord> records, List<Notification> notifications) {
        BackoffPublisher.Attempt attempt = publisher.attempt(notifications);
        recordMetrics(!attempt.complete());
        if (!attempt.complete()) {
            pending = new PendingBatch(records, new ArrayList<>(notifications.subList(attempt.published(),
                    notifications.size())), timestampSum, timestamped, oldestTimestamp);
            redeliverAfter(attempt.retryInMs());
        }
    }

    private void retryPending() {
        timestampSum = pending.timestampSum();
        timestamped = pending.timestamped();
        oldestTimestamp = pending.oldestTimestamp();
        BackoffPublisher.Attempt attempt = publisher.attempt(pending.notifications());
        recordMetrics(!attempt.complete());
        if (attempt.complete()) {
            pending = null;
        } else {
            // What Redis took before failing is not sent again.
            pending.notifications().subList(0, attempt.published()).clear();
            redeliverAfter(attempt.retryInMs());
        }
    }

    private void redeliverAfter(long backoffMs) {
        context.timeout(backoffMs);
        // Connect pauses the partitions, keeps the batch and its offsets uncommitted, and calls put() with it again.
        throw new RetriableException("Redis is unavailable; delivery.guarantee=at-least-once, so Connect redelivers "
                + "this batch in " + backoffMs + " ms");
    }

    /** Record age is taken when the batch is written to Redis (best-effort: before its replies are read). */
    private void recordMetrics(boolean failed) {
        if (!failed && timestamped > 0) {
            long now = time.milliseconds();
            metrics.recordAge(now - (double) timestampSum / timestamped, now - oldestTimestamp);
        }
    }

    /**
     * Best-effort: reads the replies of the last batch, so that the counters are current at each offset commit.
     * Offsets do not wait for Redis under best-effort, so a failure here only counts and logs, as in put().
     */
    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        if (publisher != null) {
            publisher.settle();
        }
    }

    @Override
    public void stop() {
        if (publisher != null) {
            // Reads the replies still in flight first, so that the totals below are final.
            publisher.close();
            log.info("Stopped Redis Pub/Sub sink task: {} records received, {} notifications published to {} "
                            + "subscribers, {} dropped while Redis was unavailable, {} malformed and {} tombstones skipped",
                    received, publisher.published(), publisher.subscribersReached(), publisher.dropped(),
                    badRecords.skippedMalformed(), badRecords.skippedNull());
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    /** The rest of a batch Redis refused, and how to recognise that batch when Connect redelivers it. */
    private record PendingBatch(int size, SinkRecord first, SinkRecord last, List<Notification> notifications,
                                long timestampSum, int timestamped, long oldestTimestamp) {

        PendingBatch(Collection<SinkRecord> records, List<Notification> notifications, long timestampSum,
                     int timestamped, long oldestTimestamp) {
            this(records.size(), firstOf(records), lastOf(records), notifications, timestampSum, timestamped,
                    oldestTimestamp);
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
            SinkRecord last = null;
            if (records instanceof List<SinkRecord> list) {
                return list.isEmpty() ? null : list.get(list.size() - 1);
            }
            for (SinkRecord record : records) {
                last = record;
            }
            return last;
        }
    }

    long recordsReceived() {
        return received;
    }

    BackoffPublisher publisher() {
        return publisher;
    }

    BadRecordHandler badRecords() {
        return badRecords;
    }
}
