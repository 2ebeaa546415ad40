package io.dualstream.connect.redis;

import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.publish.NotificationPublisher;
import io.dualstream.connect.redis.testing.ScriptedPublisher;
import io.dualstream.connect.redis.testing.TaskContextStub;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the task orchestrates one put(): map every record, hand the batch to Redis once, route the bad ones. */
class RedisPubSubSinkTaskTest {

    private final ScriptedPublisher redis = new ScriptedPublisher();

    private RedisPubSubSinkTask start(TaskContextStub context, Map<String, String> props, NotificationPublisher publisher) {
        RedisPubSubSinkTask task = new RedisPubSubSinkTask((config, clientName) -> publisher, new MockTime());
        task.initialize(context);
        task.start(props);
        return task;
    }

    @Test
    void atLeastOnceWaitsForTheRepliesInsidePutWhileBestEffortReadsThemBeforeTheNextBatch() {
        RedisPubSubSinkTask atLeastOnce = start(new TaskContextStub(false), Map.of("delivery.guarantee", "at-least-once"), redis);
        atLeastOnce.put(List.of(record(0, event("a"))));
        assertEquals(List.of("send 1", "await"), redis.calls);
        assertEquals(1, atLeastOnce.health().published(), "at-least-once knows before put() returns");
        atLeastOnce.stop();

        redis.calls.clear();
        RedisPubSubSinkTask bestEffort = start(new TaskContextStub(false), Map.of(), redis);
        bestEffort.put(List.of(record(0, event("a")), record(1, event("b"))));
        assertEquals(List.of("send 2"), redis.calls);
        assertEquals(0, bestEffort.health().published(), "counted when the replies are read");
        bestEffort.put(List.of(record(2, event("c"))));
        assertEquals(List.of("send 2", "await", "send 1"), redis.calls, "the replies are read before the next batch is written");
        assertEquals(2, bestEffort.health().published());
        bestEffort.stop();
        assertEquals(List.of("send 2", "await", "send 1", "await", "close"), redis.calls, "stop() reads what is in flight, then closes");
        assertEquals(3, bestEffort.health().published());
    }

    @Test
    void atLeastOnceResendsExactlyTheUndeliveredNotNotAPrefix() {
        TaskContextStub context = new TaskContextStub(false);
        // As from a cluster whose second node failed: a and c went out, b and d did not.
        redis.thenFail(i -> i == 1 || i == 3);
        RedisPubSubSinkTask task = start(context, Map.of("delivery.guarantee", "at-least-once"), redis);
        List<SinkRecord> batch = List.of(record(0, event("a")), record(1, event("b")), record(2, event("c")),
                record(3, event("d")));

        assertThrows(RetriableException.class, () -> task.put(batch));
        task.put(batch);

        assertEquals(List.of(json("b"), json("d")), payloads(redis.batches.get(1)), "only b and d, in batch order");
        assertEquals(List.of(json("a"), json("c"), json("b"), json("d")), redis.accepted, "each exactly once");
        assertEquals(2, task.health().retried());
    }

    @Test
    void atLeastOnceHandsARefusedBatchBackToConnectAndResendsOnlyWhatRedisDidNotTake() {
        TaskContextStub context = new TaskContextStub(true);
        ScriptedPublisher flaky = redis.thenFail(i -> i >= 1).thenFail(i -> i >= 1);
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
                List.of(json("c"))), flaky.batches.stream().map(RedisPubSubSinkTaskTest::payloads).toList(),
                "each retry sends only what Redis has not taken");
        assertEquals(List.of(json("a"), json("b"), json("c")), flaky.accepted, "every notification exactly once, in order");
        assertEquals(1, context.reported.size(), "the bad record is reported once, not on every redelivery");
        assertEquals(1, task.badRecords().skippedMalformed());
        assertEquals(4, task.recordsReceived(), "a redelivery is not counted as new records");
        assertEquals(0, task.health().dropped(), "at-least-once drops nothing");
        assertEquals(3, task.health().retried(), "c twice and b once were handed back");
        assertTrue(task.health().available());
    }

    @Test
    void atLeastOnceMapsAChangedBatchAfresh() {
        TaskContextStub context = new TaskContextStub(false);
        ScriptedPublisher flaky = redis.thenFail(i -> true);
        RedisPubSubSinkTask task = start(context, Map.of("delivery.guarantee", "at-least-once"), flaky);

        assertThrows(RetriableException.class, () -> task.put(List.of(record(0, event("a")), record(1, event("b")))));
        // After a rebalance the worker may redeliver fewer records: nothing of the old batch must leak in.
        task.put(List.of(record(1, event("b"))));

        assertEquals(List.of(json("b")), flaky.accepted);
    }

    @Test
    void bestEffortDropsARefusedBatchAndNeverThrows() {
        TaskContextStub context = new TaskContextStub(false);
        ScriptedPublisher flaky = redis.thenFail(i -> i >= 1);
        RedisPubSubSinkTask task = start(context, Map.of(), flaky);

        task.put(List.of(record(0, event("a")), record(1, event("b"))));
        task.flush(Map.of());

        assertEquals(List.of(json("a")), flaky.accepted);
        assertEquals(1, task.health().dropped());
        assertTrue(context.timeouts.isEmpty(), "best-effort never asks Connect to wait");
        assertFalse(task.health().available());
    }

    private static String json(String id) {
        return "{\"id\":\"" + id + "\",\"type\":\"push\",\"source_id\":\"octocat\"}";
    }

    private RedisPubSubSinkTask start(TaskContextStub context, Map<String, String> props) {
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
        RedisPubSubSinkTask task = start(new TaskContextStub(false), Map.of("name", "my connector"));

        task.put(List.of(record(0, event("a")), record(1, event("b")), record(2, event("c"))));
        task.put(List.of(record(3, event("d"))));

        assertEquals(2, redis.batches.size(), "one pipeline per put()");
        redis.deliverAll(0);
        assertEquals(List.of("{\"id\":\"a\",\"type\":\"push\",\"source_id\":\"octocat\"}",
                "{\"id\":\"b\",\"type\":\"push\",\"source_id\":\"octocat\"}",
                "{\"id\":\"c\",\"type\":\"push\",\"source_id\":\"octocat\"}"), payloads(redis.batches.get(0)));
        assertEquals("events:user:octocat", new String(redis.batches.get(0).get(0).channel(), StandardCharsets.UTF_8));
        // Best-effort reads a pipeline's replies at the next put(), at each offset flush and at stop.
        assertEquals(3, task.health().published(), "the first batch is counted when the second is put");
        task.put(List.of());
        assertEquals(4, task.health().published(), "Connect's put() after an empty poll reads the replies");
        task.put(List.of(record(4, event("e"))));
        task.flush(Map.of());
        assertEquals(5, task.health().published(), "flush() reads the replies");
        assertEquals("kafka-connect-redis-pubsub:my_connector", redis.clientName, "CLIENT SETNAME allows no spaces");
    }

    @Test
    void malformedRecordsGoToTheErrorReporterAndNeverToRedis() {
        TaskContextStub context = new TaskContextStub(true);
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
        RedisPubSubSinkTask task = start(new TaskContextStub(false), Map.of("behavior.on.malformed.record", "fail"));

        ConnectException e = assertThrows(ConnectException.class,
                () -> task.put(List.of(record(0, event("a")), record(5, "[1]"))));

        assertTrue(e.getMessage().startsWith("Record events/1/5 cannot become a notification"), e.getMessage());
        assertTrue(redis.batches.isEmpty(), "the failing batch is not published: Connect will redeliver it");

        task.put(List.of(record(6, event("b"))));
        assertEquals(1, redis.batches.get(0).size(), "nothing of the failed batch lingers into the next one");
    }

    @Test
    void aValueOfAnUnforeseenTypeIsMalformedNotFatal() {
        TaskContextStub context = new TaskContextStub(true);
        RedisPubSubSinkTask task = start(context, Map.of("notification.fields", "id,type,when=timestamp"));
        // A value type no converter produces: the task must not die on it.
        SinkRecord odd = new SinkRecord("events", 0, null, null, null, List.of("not", "an", "object"), 9);

        task.put(List.of(odd, record(10, event("ok"))));

        assertEquals(1, context.reported.size());
        assertEquals(1, redis.batches.get(0).size());
    }
}
