package io.dualstream.connect.redis;

import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.publish.NotificationPublisher;
import io.dualstream.connect.redis.publish.PublishException;
import org.apache.kafka.connect.errors.RetriableException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the task orchestrates one put(): map every record, hand the batch to Redis once, route the bad ones. */
class RedisPubSubSinkTaskTest {

    /** Records each batch it is given; Redis itself is exercised by the integration tests. */
    private static final class RecordingPublisher implements NotificationPublisher {
        final List<List<Notification>> batches = new ArrayList<>();
        String clientName;

        @Override
        public long publish(List<Notification> notifications) {
            batches.add(List.copyOf(notifications));
            return notifications.size();
        }

        @Override
        public void close() {
        }
    }

    /** A worker context whose error reporter records what it is given. */
    private static final class Context implements SinkTaskContext {
        final List<SinkRecord> reported = new ArrayList<>();
        final List<Throwable> reasons = new ArrayList<>();
        final boolean hasReporter;
        final List<Long> timeouts = new ArrayList<>();

        Context(boolean hasReporter) {
            this.hasReporter = hasReporter;
        }

        @Override
        public ErrantRecordReporter errantRecordReporter() {
            if (!hasReporter) {
                return null;
            }
            return (record, error) -> {
                reported.add(record);
                reasons.add(error);
                Future<Void> done = CompletableFuture.completedFuture(null);
                return done;
            };
        }

        @Override
        public Map<String, String> configs() {
            return Map.of();
        }

        @Override
        public void offset(Map<TopicPartition, Long> offsets) {
        }

        @Override
        public void offset(TopicPartition tp, long offset) {
        }

        @Override
        public void timeout(long timeoutMs) {
            timeouts.add(timeoutMs);
        }

        @Override
        public Set<TopicPartition> assignment() {
            return Set.of();
        }

        @Override
        public void pause(TopicPartition... partitions) {
        }

        @Override
        public void resume(TopicPartition... partitions) {
        }

        @Override
        public void requestCommit() {
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return null;
        }
    }

    private final RecordingPublisher redis = new RecordingPublisher();

    /** Fails its first {@code failures} calls after taking {@code takenBeforeFailure} notifications, then works. */
    private static final class FailingPublisher implements NotificationPublisher {
        final List<List<String>> calls = new ArrayList<>();
        final List<String> accepted = new ArrayList<>();
        int failures;
        final int takenBeforeFailure;

        FailingPublisher(int failures, int takenBeforeFailure) {
            this.failures = failures;
            this.takenBeforeFailure = takenBeforeFailure;
        }

        @Override
        public long publish(List<Notification> notifications) {
            List<String> payloads = payloads(notifications);
            calls.add(payloads);
            if (failures > 0) {
                failures--;
                int taken = Math.min(takenBeforeFailure, payloads.size());
                accepted.addAll(payloads.subList(0, taken));
                throw new PublishException("down", taken, 0, new JedisConnectionException("Connection refused"));
            }
            accepted.addAll(payloads);
            return 0;
        }

        @Override
        public void close() {
        }
    }

    private RedisPubSubSinkTask start(Context context, Map<String, String> props, NotificationPublisher publisher) {
        RedisPubSubSinkTask task = new RedisPubSubSinkTask((config, clientName) -> publisher, new MockTime());
        task.initialize(context);
        task.start(props);
        return task;
    }

    @Test
    void atLeastOnceWaitsForTheRepliesInsidePutWhileBestEffortReadsThemBeforeTheNextBatch() {
        List<String> calls = new ArrayList<>();
        NotificationPublisher redis = new NotificationPublisher() {
            @Override
            public long publish(List<Notification> notifications) {
                calls.add("publish " + notifications.size());
                return notifications.size();
            }

            @Override
            public Replies send(List<Notification> notifications) {
                calls.add("send " + notifications.size());
                return () -> {
                    calls.add("await");
                    return notifications.size();
                };
            }

            @Override
            public void close() {
                calls.add("close");
            }
        };
        RedisPubSubSinkTask atLeastOnce = start(new Context(false), Map.of("delivery.guarantee", "at-least-once"), redis);
        atLeastOnce.put(List.of(record(0, event("a"))));
        assertEquals(List.of("publish 1"), calls);
        assertEquals(1, atLeastOnce.publisher().published(), "at-least-once knows before put() returns");
        atLeastOnce.stop();

        calls.clear();
        RedisPubSubSinkTask bestEffort = start(new Context(false), Map.of(), redis);
        bestEffort.put(List.of(record(0, event("a")), record(1, event("b"))));
        assertEquals(List.of("send 2"), calls);
        assertEquals(0, bestEffort.publisher().published(), "counted when the replies are read");
        bestEffort.put(List.of(record(2, event("c"))));
        assertEquals(List.of("send 2", "await", "send 1"), calls, "the replies are read before the next batch is written");
        assertEquals(2, bestEffort.publisher().published());
        bestEffort.stop();
        assertEquals(List.of("send 2", "await", "send 1", "await", "close"), calls, "stop() reads what is in flight, then closes");
        assertEquals(3, bestEffort.publisher().published());
    }

    @Test
    void atLeastOnceHandsARefusedBatchBackToConnectAndResendsOnlyWhatRedisDidNotTake() {
        Context context = new Context(true);
        FailingPublisher flaky = new FailingPublisher(2, 1);
        RedisPubSubSinkTask task = start(context, Map.of("delivery.guarantee", "at-least-once",
                "redis.retry.backoff.ms", "100", "redis.retry.backoff.max.ms", "1000"), flaky);
        List<SinkRecord> batch = List.of(record(0, event("a")), record(1, "[1]"), record(2, event("b")),
                record(3, event("c")));

        assertThrows(RetriableException.class, () -> task.put(batch));
        assertEquals(1, context.timeouts.size(), "Connect is told how long to back off");
        assertTrue(context.timeouts.get(0) >= 80 && context.timeouts.get(0) <= 120, "first backoff ~100 ms: " + context.timeouts);

        // Connect redelivers the same batch: Redis took "a" before failing, then "b" before failing again.
        assertThrows(RetriableException.class, () -> task.put(batch));
        assertTrue(context.timeouts.get(1) > context.timeouts.get(0), "the backoff grows: " + context.timeouts);
        task.put(batch);

        assertEquals(List.of(
                List.of(json("a"), json("b"), json("c")),
                List.of(json("b"), json("c")),
                List.of(json("c"))), flaky.calls, "each retry sends only what Redis has not taken");
        assertEquals(List.of(json("a"), json("b"), json("c")), flaky.accepted, "every notification exactly once, in order");
        assertEquals(1, context.reported.size(), "the bad record is reported once, not on every redelivery");
        assertEquals(1, task.badRecords().skippedMalformed());
        assertEquals(4, task.recordsReceived(), "a redelivery is not counted as new records");
        assertEquals(0, task.publisher().dropped(), "at-least-once drops nothing");
        assertEquals(3, task.publisher().retried(), "c twice and b once were handed back");
        assertTrue(task.publisher().available());
    }

    @Test
    void atLeastOnceMapsAChangedBatchAfresh() {
        Context context = new Context(false);
        FailingPublisher flaky = new FailingPublisher(1, 0);
        RedisPubSubSinkTask task = start(context, Map.of("delivery.guarantee", "at-least-once"), flaky);

        assertThrows(RetriableException.class, () -> task.put(List.of(record(0, event("a")), record(1, event("b")))));
        // After a rebalance the worker may redeliver fewer records: nothing of the old batch must leak in.
        task.put(List.of(record(1, event("b"))));

        assertEquals(List.of(json("b")), flaky.accepted);
    }

    @Test
    void bestEffortDropsARefusedBatchAndNeverThrows() {
        Context context = new Context(false);
        FailingPublisher flaky = new FailingPublisher(1, 1);
        RedisPubSubSinkTask task = start(context, Map.of(), flaky);

        task.put(List.of(record(0, event("a")), record(1, event("b"))));

        assertEquals(List.of(json("a")), flaky.accepted);
        assertEquals(1, task.publisher().dropped());
        assertTrue(context.timeouts.isEmpty(), "best-effort never asks Connect to wait");
        assertFalse(task.publisher().available());
    }

    private static String json(String id) {
        return "{\"id\":\"" + id + "\",\"type\":\"push\",\"source_id\":\"octocat\"}";
    }

    private RedisPubSubSinkTask start(Context context, Map<String, String> props) {
        RedisPubSubSinkTask task = new RedisPubSubSinkTask((config, clientName) -> {
            redis.clientName = clientName;
            return redis;
        }, new MockTime());
        task.initialize(context);
        task.start(props);
        return task;
    }

    private static SinkRecord record(long offset, String value) {
        return new SinkRecord("events", 1, null, null, null, value, offset);
    }

    private static String event(String id) {
        return "{\"id\":\"" + id + "\",\"type\":\"push\",\"source_type\":\"user\",\"source_id\":\"octocat\",\"extra\":[1,2]}";
    }

    private static List<String> payloads(List<Notification> batch) {
        return batch.stream().map(n -> new String(n.payload(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void eachPutHandsItsWholeBatchToRedisOnceInOrder() {
        RedisPubSubSinkTask task = start(new Context(false), Map.of("name", "my connector"));

        task.put(List.of(record(0, event("a")), record(1, event("b")), record(2, event("c"))));
        task.put(List.of(record(3, event("d"))));

        assertEquals(2, redis.batches.size(), "one pipeline per put()");
        assertEquals(List.of("{\"id\":\"a\",\"type\":\"push\",\"source_id\":\"octocat\"}",
                "{\"id\":\"b\",\"type\":\"push\",\"source_id\":\"octocat\"}",
                "{\"id\":\"c\",\"type\":\"push\",\"source_id\":\"octocat\"}"), payloads(redis.batches.get(0)));
        assertEquals("events:user:octocat", new String(redis.batches.get(0).get(0).channel(), StandardCharsets.UTF_8));
        // Best-effort reads a pipeline's replies at the next put(), at each offset flush and at stop.
        assertEquals(3, task.publisher().published(), "the first batch is counted when the second is put");
        task.put(List.of());
        assertEquals(4, task.publisher().published(), "Connect's put() after an empty poll reads the replies");
        task.put(List.of(record(4, event("e"))));
        task.flush(Map.of());
        assertEquals(5, task.publisher().published(), "flush() reads the replies");
        assertEquals("kafka-connect-redis-pubsub:my_connector", redis.clientName, "CLIENT SETNAME allows no spaces");
    }

    @Test
    void malformedRecordsGoToTheErrorReporterAndNeverToRedis() {
        Context context = new Context(true);
        RedisPubSubSinkTask task = start(context, Map.of());
        SinkRecord bad = record(1, "{\"id\":\"x\"}");

        task.put(List.of(record(0, event("a")), bad, record(2, null), record(3, event("b"))));

        assertEquals(List.of("{\"id\":\"a\",\"type\":\"push\",\"source_id\":\"octocat\"}",
                "{\"id\":\"b\",\"type\":\"push\",\"source_id\":\"octocat\"}"), payloads(redis.batches.get(0)));
        assertEquals(1, context.reported.size(), "tombstones are not errors");
        assertSame(bad, context.reported.get(0));
        assertTrue(context.reasons.get(0).getMessage().contains("{source_type}"), context.reasons.get(0).getMessage());
        assertEquals(1, task.badRecords().skippedMalformed());
        assertEquals(1, task.badRecords().reported());
        assertEquals(1, task.badRecords().skippedNull());
    }

    @Test
    void failBehaviourNamesTheRecordAndPublishesNothingOfTheBatch() {
        RedisPubSubSinkTask task = start(new Context(false), Map.of("behavior.on.malformed.record", "fail"));

        ConnectException e = assertThrows(ConnectException.class,
                () -> task.put(List.of(record(0, event("a")), record(5, "[1]"))));

        assertTrue(e.getMessage().startsWith("Record events/1/5 cannot become a notification"), e.getMessage());
        assertTrue(redis.batches.isEmpty(), "the failing batch is not published: Connect will redeliver it");

        task.put(List.of(record(6, event("b"))));
        assertEquals(1, redis.batches.get(0).size(), "nothing of the failed batch lingers into the next one");
    }

    @Test
    void aValueOfAnUnforeseenTypeIsMalformedNotFatal() {
        Context context = new Context(true);
        RedisPubSubSinkTask task = start(context, Map.of("notification.fields", "id,type,when=timestamp"));
        // A value type no converter produces: the task must not die on it.
        SinkRecord odd = new SinkRecord("events", 0, null, null, null, List.of("not", "an", "object"), 9);

        task.put(List.of(odd, record(10, event("ok"))));

        assertEquals(1, context.reported.size());
        assertEquals(1, redis.batches.get(0).size());
    }
}
