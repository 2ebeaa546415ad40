package io.dualstream.connect.redis;

import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import io.dualstream.connect.redis.mapping.Coalescing;
import io.dualstream.connect.redis.mapping.MalformedRecordException;
import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.mapping.NotificationMapper;
import io.dualstream.connect.redis.publish.AtLeastOnceDelivery;
import io.dualstream.connect.redis.publish.BestEffortDelivery;
import io.dualstream.connect.redis.publish.DeliveryPolicy;
import io.dualstream.connect.redis.publish.NotificationPublisher;
import io.dualstream.connect.redis.publish.Pacing;
import io.dualstream.connect.redis.publish.RedisHealth;
import io.dualstream.connect.redis.publish.RedisTopology;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig.DeliveryGuarantee;
import io.dualstream.connect.redis.metrics.TaskMetrics;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Turns each {@code put()} batch into notifications and hands them to the delivery policy chosen at start
 * ({@link BestEffortDelivery} or {@link AtLeastOnceDelivery}), which publishes them through the configured
 * topology's publisher, paced to notification.max.rate. On the way, records too old to be news are skipped
 * ({@link Freshness}), records beyond what pacing can take on now go back to Kafka ({@link DeferredRecords}),
 * each record becomes one notification per channel, and with notification.coalesce only the last per channel
 * is kept ({@link Coalescing}). Redis failures never fail the task. Bad records are handled by
 * {@link BadRecordHandler}, once, whichever the guarantee.
 */
public class RedisPubSubSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(RedisPubSubSinkTask.class);
    static final long LOG_INTERVAL_MS = 30_000L;

    private final BiFunction<RedisTopology, String, NotificationPublisher> publisherFactory;
    private final Time time;

    private NotificationMapper mapper;
    private Freshness freshness;
    private Pacing pacing;
    private final DeferredRecords deferral = new DeferredRecords();
    private final UnopenedPartitions unopened = new UnopenedPartitions();
    private int channelsPerRecord;
    private Coalescing coalescing;
    private NotificationPublisher publisher;
    private DeliveryPolicy delivery;
    private BadRecordHandler badRecords;
    private TaskMetrics metrics;
    private volatile long received;

    public RedisPubSubSinkTask() {
        this(RedisTopology::publisher, Time.SYSTEM);
    }

    /** Test seam: choose the Redis client and the clock. */
    RedisPubSubSinkTask(BiFunction<RedisTopology, String, NotificationPublisher> publisherFactory, Time time) {
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
        mapper = new NotificationMapper(config.channelTemplates(), config.notificationFields(), config.channelMaxBytes());
        channelsPerRecord = config.channelTemplates().size();
        freshness = new Freshness(config.notificationMaxAgeMs(), LOG_INTERVAL_MS);
        pacing = Pacing.of(config.notificationMaxRate(), time);
        coalescing = Coalescing.of(config.coalesceCountField());
        badRecords = new BadRecordHandler(config.malformedBehavior(), config.nullValueBehavior(),
                errantRecordReporter(), time, LOG_INTERVAL_MS);
        metrics = TaskMetrics.register(context, props.get("name"));
        RedisTopology topology = RedisTopology.of(config);
        publisher = pacing.pace(publisherFactory.apply(topology, clientName(props.get("name"))));
        boolean atLeastOnce = config.deliveryGuarantee() == DeliveryGuarantee.AT_LEAST_ONCE;
        RedisHealth health = new RedisHealth(topology.describe(), time, config.retryBackoffMs(),
                config.retryBackoffMaxMs(), LOG_INTERVAL_MS, atLeastOnce);
        health.onRecordAge(metrics::recordAge);
        delivery = atLeastOnce ? new AtLeastOnceDelivery(publisher, health, context, metrics::pipelineLatency)
                : new BestEffortDelivery(publisher, health, metrics::pipelineLatency);
        registerTotals(health);
        log.info("Started Redis Pub/Sub sink task: {}", config.describe());
        if (config.endpoint().tls() && !config.tls().verifyHostname()) {
            log.warn("{}=false: the Redis server certificate is not checked against the host name {}; any server "
                    + "with a certificate from a trusted CA can pose as it.", RedisPubSubSinkConfig.SSL_VERIFY_HOSTNAME_CONFIG,
                    config.endpoint().host());
        }
    }

    private void registerTotals(RedisHealth health) {
        metrics.gauge("records-received-total", "Records handed to the task by Connect", () -> received);
        metrics.gauge("notifications-published-total", "Notifications Redis accepted", health::published);
        metrics.gauge("publish-failures-total", "Attempts to publish a batch of which Redis did not take everything",
                health::failures);
        metrics.gauge("notifications-dropped-total",
                "best-effort: notifications not published because Redis failed or was backing off", health::dropped);
        metrics.gauge("notifications-redelivered-total",
                "at-least-once: notifications handed back to Connect for redelivery because Redis failed", health::redelivered);
        metrics.gauge("subscribers-reached-total", "The sum of the publish replies: deliveries to subscribers that "
                + "Redis reported (in a cluster, PUBLISH counts only the receiving node's subscribers)",
                health::subscribersReached);
        metrics.gauge("records-skipped-malformed-total", "Records skipped because they cannot become a notification",
                badRecords::skippedMalformed);
        metrics.gauge("records-skipped-null-total", "Tombstones (null values) skipped", badRecords::skippedNull);
        metrics.gauge("records-skipped-stale-total", "Records not published because they were older than "
                + "notification.max.age.ms when the task received them", freshness::skipped);
        metrics.gauge("records-deferred-total", "Records handed back to Kafka, to come again, because "
                + "notification.max.rate did not let put() take them on (a record deferred twice counts twice)",
                deferral::deferred);
        metrics.gauge("notifications-coalesced-total", "Notifications not published because a later one on the same "
                + "channel in the batch stood for them (notification.coalesce)",
                this::coalesced);
        metrics.gauge("records-reported-total", "Skipped records sent to the worker's error reporter (dead-letter queue)",
                badRecords::reported);
        metrics.gauge("redis-available", "1 while the last attempt to publish delivered everything, 0 while Redis is failing",
                () -> health.available() ? 1 : 0);
        NotificationPublisher redis = publisher;
        metrics.gauge("topology-refreshes-total", "Times the connector re-read where the data lives: the cluster "
                + "slot map, or a new master named by the sentinels", redis::topologyRefreshes);
        metrics.gauge("redirects-followed-total", "Cluster MOVED and ASK replies followed within a batch",
                redis::redirectsFollowed);
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
    public void open(Collection<TopicPartition> partitions) {
        unopened.opened(partitions);
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        unopened.closed(partitions);
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        deferral.rewindsApplied();
        unopened.rewindsApplied();
        delivery.put(records, this::map);
        // Only now: a batch that comes back (at-least-once) must come back whole, so no rewind before it is done.
        deferral.handBack(context);
        unopened.handBack(context, records, deferral::rewinding);
    }

    /**
     * The notifications of a new batch; bad records are skipped, reported or fail the task, once. Records beyond
     * what pacing lets this put() take on are deferred, from the first of them on, so that each partition's
     * records still go out in order.
     */
    private List<Notification> map(Collection<SinkRecord> records) {
        received += records.size();
        deferral.newBatch();
        long now = time.milliseconds();
        int admissible = pacing.admissible(channelsPerRecord);
        int taken = 0;
        List<Notification> batch = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            if (taken == admissible) {
                deferral.defer(record);
                continue;
            }
            if (freshness.stale(record, now)) {
                continue;
            }
            taken++;
            if (record.value() == null) {
                badRecords.nullValue(record);
                continue;
            }
            try {
                mapper.map(record, batch);
            } catch (MalformedRecordException e) {
                badRecords.malformed(record, e);
            } catch (RuntimeException e) {
                // A shape nobody foresaw must not stop the partition: treat it as malformed, name the cause.
                badRecords.malformed(record, new DataException("cannot map record: " + e.getClass().getName(), e));
            }
        }
        freshness.logSummary(now);
        return coalescing.coalesce(batch);
    }

    /**
     * Best-effort: reads the replies of the last batch, so that the counters are current at each offset commit.
     * Offsets do not wait for Redis under best-effort, so a failure here only counts and logs, as in put().
     */
    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        if (delivery != null) {
            delivery.flush();
        }
    }

    /**
     * Offsets not past records handed back to Kafka, whose rewind the worker may not have applied yet; and, for a
     * partition the worker never opened, what gets it committing again ({@link UnopenedPartitions}).
     */
    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        flush(currentOffsets);
        Map<TopicPartition, OffsetAndMetadata> committable =
                unopened.committable(deferral.committable(currentOffsets), deferral::rewinding);
        if (log.isDebugEnabled()) {
            log.debug("preCommit: the worker's offsets {}, answered {}; {}; {}", coordinates(currentOffsets),
                    committable.equals(currentOffsets) ? "unchanged" : coordinates(committable), deferral, unopened);
        }
        return committable;
    }

    /** topic-partition@offset, in partition order: no metadata, no payloads. */
    private static String coordinates(Map<TopicPartition, OffsetAndMetadata> offsets) {
        StringBuilder text = new StringBuilder("{");
        offsets.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(TopicPartition::toString)))
                .forEach(e -> text.append(text.length() > 1 ? ", " : "").append(e.getKey()).append('@')
                        .append(e.getValue() == null ? "null" : Long.toString(e.getValue().offset())));
        return text.append('}').toString();
    }

    @Override
    public void stop() {
        if (delivery != null) {
            // Reads the replies still in flight first, so that the totals below are final.
            delivery.close();
            RedisHealth health = delivery.health();
            log.info("Stopped Redis Pub/Sub sink task: {} records received, {} notifications published to {} "
                            + "subscribers, {} dropped while Redis was unavailable, {} malformed, {} stale and {} "
                            + "tombstones skipped", received, health.published(), health.subscribersReached(),
                    health.dropped(), badRecords.skippedMalformed(), freshness.skipped(), badRecords.skippedNull());
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    long recordsReceived() {
        return received;
    }

    RedisHealth health() {
        return delivery.health();
    }

    BadRecordHandler badRecords() {
        return badRecords;
    }

    Freshness freshness() {
        return freshness;
    }

    DeferredRecords deferral() {
        return deferral;
    }

    long coalesced() {
        return coalescing.coalesced();
    }
}
