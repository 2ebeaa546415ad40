package io.dualstream.connect.redis;

import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import io.dualstream.connect.redis.mapping.MalformedRecordException;
import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.mapping.NotificationMapper;
import io.dualstream.connect.redis.publish.BestEffortPublisher;
import io.dualstream.connect.redis.publish.NotificationPublisher;
import io.dualstream.connect.redis.publish.PublisherFactory;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Maps each record of a {@code put()} batch to a notification, then publishes the batch in one pipeline.
 * Redis failures never fail the task (see {@link BestEffortPublisher}); bad records are handled by
 * {@link BadRecordHandler}.
 */
public class RedisPubSubSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(RedisPubSubSinkTask.class);
    static final long LOG_INTERVAL_MS = 30_000L;

    private final BiFunction<RedisPubSubSinkConfig, String, NotificationPublisher> publisherFactory;
    private final Time time;

    private NotificationMapper mapper;
    private BestEffortPublisher publisher;
    private BadRecordHandler badRecords;
    private final List<Notification> batch = new ArrayList<>();
    private long received;

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
        publisher = new BestEffortPublisher(publisherFactory.apply(config, clientName(props.get("name"))),
                config.endpoint().address(), time,
                config.retryBackoffMs(), config.retryBackoffMaxMs(), LOG_INTERVAL_MS);
        log.info("Started Redis Pub/Sub sink task: {}", config.describe());
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
        try {
            for (SinkRecord record : records) {
                received++;
                if (record.value() == null) {
                    badRecords.nullValue(record);
                    continue;
                }
                try {
                    batch.add(mapper.map(record));
                } catch (MalformedRecordException e) {
                    badRecords.malformed(record, e);
                } catch (RuntimeException e) {
                    // A shape nobody foresaw must not stop the partition: treat it as malformed, name the cause.
                    badRecords.malformed(record, new DataException("cannot map record: " + e.getClass().getName(), e));
                }
            }
            publisher.publish(batch);
        } finally {
            batch.clear();
        }
    }

    @Override
    public void stop() {
        if (publisher != null) {
            publisher.close();
            log.info("Stopped Redis Pub/Sub sink task: {} records received, {} notifications published to {} "
                            + "subscribers, {} dropped while Redis was unavailable, {} malformed and {} tombstones skipped",
                    received, publisher.published(), publisher.subscribersReached(), publisher.dropped(),
                    badRecords.skippedMalformed(), badRecords.skippedNull());
        }
    }

    long recordsReceived() {
        return received;
    }

    BestEffortPublisher publisher() {
        return publisher;
    }

    BadRecordHandler badRecords() {
        return badRecords;
    }
}
