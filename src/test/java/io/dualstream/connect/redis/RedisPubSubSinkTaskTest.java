package io.dualstream.connect.redis;

import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.publish.NotificationPublisher;
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
        assertEquals(4, task.publisher().published());
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
