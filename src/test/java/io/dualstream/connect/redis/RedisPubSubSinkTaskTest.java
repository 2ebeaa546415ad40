package io.dualstream.connect.redis;

import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.publish.NotificationPublisher;
import io.dualstream.connect.redis.testing.ScriptedPublisher;
import io.dualstream.connect.redis.testing.TaskContextStub;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import io.dualstream.connect.redis.testing.LogCapture;
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

    private static final TopicPartition P0 = new TopicPartition("events", 0);
    private static final List<TopicPartition> PARTITIONS = List.of(P0, new TopicPartition("events", 1),
            new TopicPartition("events", 2));

    private final ScriptedPublisher redis = new ScriptedPublisher();
    private final MockTime time = new MockTime();

    /** Started and given its partitions (events-0 to events-2) as a worker does, open() before any put(). */
    private RedisPubSubSinkTask start(TaskContextStub context, Map<String, String> props, NotificationPublisher publisher) {
        RedisPubSubSinkTask task = startUnopened(context, props, publisher);
        context.assigned.addAll(PARTITIONS);
        task.open(PARTITIONS);
        return task;
    }

    /** Started, its partitions assigned, but never opened: a worker whose partition assignment a wakeup cut short. */
    private RedisPubSubSinkTask startUnopened(TaskContextStub context, Map<String, String> props,
                                              NotificationPublisher publisher) {
        RedisPubSubSinkTask task = new RedisPubSubSinkTask((config, clientName) -> publisher, time);
        task.initialize(context);
        task.start(props);
        context.assigned.addAll(PARTITIONS);
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
        assertEquals(2, task.health().redelivered());
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
        assertEquals(3, task.health().redelivered(), "c twice and b once were handed back");
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
        }, time);
        task.initialize(context);
        task.start(props);
        context.assigned.addAll(PARTITIONS);
        task.open(PARTITIONS);
        return task;
    }

    private static SinkRecord record(long offset, String value) {
        return new SinkRecord("events", 1, null, null, null, value, offset);
    }

    private static SinkRecord record(int partition, long offset, String value, Long timestamp) {
        return new SinkRecord("events", partition, null, null, null, value, offset, timestamp, TimestampType.CREATE_TIME);
    }

    private static String event(String id) {
        return event(id, "octocat");
    }

    private static String event(String id, String sourceId) {
        return "{\"id\":\"" + id + "\",\"type\":\"push\",\"source_type\":\"user\",\"source_id\":\"" + sourceId
                + "\",\"extra\":[1,2]}";
    }

    private static List<String> channels(List<Notification> batch) {
        return batch.stream().map(n -> new String(n.channel(), StandardCharsets.UTF_8)).toList();
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

    // ---- real time: maximum age, pacing, fan-out, coalescing ----

    @Test
    void recordsOlderThanTheMaximumAgeAreSkippedCountedAndSummarisedOncePerInterval() {
        RedisPubSubSinkTask task = start(new TaskContextStub(false), Map.of("notification.max.age.ms", "60000"));
        long now = time.milliseconds();
        try (LogCapture log = LogCapture.of(Freshness.class)) {
            task.put(List.of(record(0, 0, event("old"), now - 120_000), record(0, 1, event("fresh"), now - 1_000),
                    record(0, 2, event("untimed"), null), record(0, 3, event("future"), now + 5_000),
                    record(0, 4, event("older"), now - 3_600_000)));
            assertEquals(List.of(json("fresh"), json("untimed"), json("future")), payloads(redis.batches.get(0)),
                    "no timestamp, or one in the future (a skewed producer clock), is fresh");
            assertEquals(2, task.freshness().skipped());
            assertEquals(1, log.lines().size(), log.lines().toString());
            assertTrue(log.lines().get(0).message().startsWith("Skipped 2 records older than notification.max.age.ms=60000; "
                    + "the oldest, events/0/4, was 3600000 ms old."), log.lines().get(0).message());

            time.sleep(1_000);
            task.put(List.of(record(0, 5, event("old2"), now - 120_000)));
            assertEquals(1, log.lines().size(), "at most one line per interval");
            time.sleep(RedisPubSubSinkTask.LOG_INTERVAL_MS);
            task.put(List.of());
            assertEquals(2, log.lines().size(), "the rest is summarised once the interval has passed");
            assertTrue(log.lines().get(1).message().startsWith("Skipped 1 records older than notification.max.age.ms=60000 "
                    + "in the last 31 s"), log.lines().get(1).message());
        }
        assertEquals(3, task.freshness().skipped());
    }

    @Test
    void withoutAMaximumAgeEvenAncientRecordsArePublished() {
        RedisPubSubSinkTask task = start(new TaskContextStub(false), Map.of());
        task.put(List.of(record(0, 0, event("ancient"), 0L)));
        assertEquals(List.of(json("ancient")), payloads(redis.batches.get(0)));
    }

    @Test
    void pacingPublishesWhatFitsInASecondAndHandsTheRestBackToKafkaWithoutCommittingIt() {
        TaskContextStub context = new TaskContextStub(false);
        RedisPubSubSinkTask task = start(context, Map.of("notification.max.rate", "10"));
        List<SinkRecord> batch = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            batch.add(record(i % 2, i / 2, event("e" + i), time.milliseconds()));
        }
        long before = time.milliseconds();

        task.put(batch);

        List<String> sent = redis.batches.stream().flatMap(b -> payloads(b).stream()).toList();
        assertEquals(10, sent.size(), "10 notifications a second, and put() waits at most about a second");
        assertEquals(json("e0"), sent.get(0));
        assertEquals(json("e9"), sent.get(9));
        assertTrue(redis.batches.stream().allMatch(b -> b.size() == 1), "slices of 20 ms at 10/s: one notification");
        long waited = time.milliseconds() - before;
        assertTrue(waited >= 850 && waited <= 1000, "the 10 slices are 100 ms apart: waited " + waited + " ms");
        // e10..e14 are deferred: partition 0 from offset 5 (e10), partition 1 from offset 5 (e11).
        assertEquals(List.of(Map.of(new TopicPartition("events", 0), 5L, new TopicPartition("events", 1), 5L)),
                context.rewinds);
        assertEquals(5, task.deferral().deferred());

        // Until the worker has rewound (at its next poll), an offset commit stops at the rewinds.
        Map<TopicPartition, OffsetAndMetadata> asTheWorkerSeesIt = Map.of(new TopicPartition("events", 0),
                new OffsetAndMetadata(8), new TopicPartition("events", 1), new OffsetAndMetadata(7),
                new TopicPartition("events", 2), new OffsetAndMetadata(40));
        assertEquals(Map.of(new TopicPartition("events", 0), new OffsetAndMetadata(5),
                new TopicPartition("events", 1), new OffsetAndMetadata(5),
                new TopicPartition("events", 2), new OffsetAndMetadata(40)), task.preCommit(asTheWorkerSeesIt));

        task.put(batch.subList(10, 15));
        assertEquals(15, redis.batches.stream().mapToInt(List::size).sum(), "the deferred records come back and go out");
        assertEquals(1, context.rewinds.size(), "nothing more to hand back");
        assertEquals(asTheWorkerSeesIt, task.preCommit(asTheWorkerSeesIt), "after the rewind, no cap");
    }

    @Test
    void pacingCountsEveryChannelOfARecordAndNeverDefersAStaleRecordItWouldSkip() {
        TaskContextStub context = new TaskContextStub(false);
        RedisPubSubSinkTask task = start(context, Map.of("notification.max.rate", "10", "notification.max.age.ms", "1000",
                "channel.template", "events:{source_type}:{source_id},events:all"));
        long now = time.milliseconds();
        List<SinkRecord> batch = new ArrayList<>();
        batch.add(record(0, 0, event("stale"), now - 5_000));
        for (int i = 1; i <= 8; i++) {
            batch.add(record(0, i, event("e" + i), now));
        }

        task.put(batch);

        assertEquals(10, redis.batches.stream().mapToInt(List::size).sum(), "5 records of 2 channels fill the second");
        assertEquals(List.of(Map.of(new TopicPartition("events", 0), 6L)), context.rewinds, "e6..e8 come again");
        assertEquals(1, task.freshness().skipped(), "the stale record took no turn");
    }

    @Test
    void atLeastOnceRewindsDeferredRecordsOnlyOnceTheirBatchIsDone() {
        TaskContextStub context = new TaskContextStub(false);
        redis.thenFail(i -> true);
        RedisPubSubSinkTask task = start(context, Map.of("notification.max.rate", "10", "delivery.guarantee", "at-least-once"));
        List<SinkRecord> batch = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            batch.add(record(0, i, event("e" + i), time.milliseconds()));
        }

        assertThrows(RetriableException.class, () -> task.put(batch));
        assertEquals(List.of(), context.rewinds, "Connect redelivers the whole batch: rewinding now would duplicate it");

        task.put(batch);
        assertEquals(List.of(Map.of(new TopicPartition("events", 0), 10L)), context.rewinds);
        assertEquals(10, redis.accepted.size());
    }

    @Test
    void eachRecordGoesToEveryDistinctChannelOfItsTemplatesInOnePipeline() {
        RedisPubSubSinkTask task = start(new TaskContextStub(false), Map.of("channel.template",
                "events:{source_type}:{source_id}, events:{source_type}, events:all, ?tenant:{tenant}, events:{source_type}"));

        task.put(List.of(record(0, event("a", "x")), record(1, "{\"id\":\"b\",\"source_type\":\"user\",\"source_id\":\"y\","
                + "\"tenant\":\"acme\"}")));

        assertEquals(1, redis.batches.size());
        assertEquals(List.of("events:user:x", "events:user", "events:all", "events:user:y", "events:user", "events:all",
                "tenant:acme"), channels(redis.batches.get(0)), "a has no tenant; events:{source_type} twice is one channel");
    }

    @Test
    void coalescingKeepsTheLastNotificationPerChannelWithItsCount() {
        RedisPubSubSinkTask task = start(new TaskContextStub(false), Map.of("notification.coalesce", "true",
                "channel.template", "events:{source_type}:{source_id},events:all"));

        task.put(List.of(record(0, event("a", "x")), record(1, event("b", "y")), record(2, event("c", "x"))));

        assertEquals(List.of("events:user:y", "events:user:x", "events:all"), channels(redis.batches.get(0)));
        assertEquals(List.of("{\"id\":\"b\",\"type\":\"push\",\"source_id\":\"y\",\"coalesced\":1}",
                "{\"id\":\"c\",\"type\":\"push\",\"source_id\":\"x\",\"coalesced\":2}",
                "{\"id\":\"c\",\"type\":\"push\",\"source_id\":\"x\",\"coalesced\":3}"), payloads(redis.batches.get(0)));
        assertEquals(3, task.coalesced());
    }
    @Test
    void aPartitionTheWorkerNeverOpenedIsRewoundToWhereTheConsumerIsAndThenCommittedExactly() {
        // WorkerSinkTask's assignment was cut short by a wakeup: the partition is consumed, never opened, and the
        // worker ignores whatever preCommit returns for it until it has recorded it again.
        TaskContextStub context = new TaskContextStub(false);
        RedisPubSubSinkTask task = startUnopened(context, Map.of("notification.coalesce", "true"), redis);
        List<SinkRecord> batch = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            batch.add(record(0, i, event("e" + i, "s" + i % 10), time.milliseconds()));
        }
        Map<TopicPartition, OffsetAndMetadata> consumed = Map.of(P0, new OffsetAndMetadata(500));

        task.put(batch);
        assertEquals(List.of(), context.rewinds, "nothing is known to be wrong before the first offset commit");
        assertEquals(consumed, task.preCommit(consumed));
        task.put(List.of());
        assertEquals(List.of(Map.of(P0, 500L)), context.rewinds, "where the consumer already is: nothing comes twice");
        assertEquals(consumed, task.preCommit(consumed), "the worker has not applied the rewind yet");

        task.put(List.of()); // the worker applied the rewind at its poll, taking 500 as committed
        assertEquals(Map.of(P0, new OffsetAndMetadata(499)), task.preCommit(consumed),
                "one less than the worker holds, so that it commits");
        assertEquals(consumed, task.preCommit(consumed), "then the worker's own offset, which it commits too");
        task.put(List.of(record(0, 500, event("e500"), time.milliseconds())));
        assertEquals(1, context.rewinds.size(), "repaired once");
        assertEquals(Map.of(P0, new OffsetAndMetadata(501)), task.preCommit(Map.of(P0, new OffsetAndMetadata(501))));
    }

    @Test
    void theRepairingRewindGoesPastTheRecordsOfThePutThatHandsItBackAndLeavesOpenedPartitionsAlone() {
        TaskContextStub context = new TaskContextStub(false);
        RedisPubSubSinkTask task = startUnopened(context, Map.of(), redis);
        TopicPartition p1 = new TopicPartition("events", 1);
        task.open(List.of(p1));
        task.put(List.of(record(0, 0, event("a"), time.milliseconds()), record(1, 0, event("b"), time.milliseconds())));
        Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(P0, new OffsetAndMetadata(1), p1, new OffsetAndMetadata(1));
        assertEquals(offsets, task.preCommit(offsets));

        task.put(List.of(record(0, 1, event("c"), time.milliseconds()), record(0, 2, event("d"), time.milliseconds())));

        assertEquals(List.of(Map.of(P0, 3L)), context.rewinds, "after c and d; events-1 was opened");
        task.put(List.of());
        Map<TopicPartition, OffsetAndMetadata> later = Map.of(P0, new OffsetAndMetadata(3), p1, new OffsetAndMetadata(1));
        assertEquals(Map.of(P0, new OffsetAndMetadata(2), p1, new OffsetAndMetadata(1)), task.preCommit(later));
    }

    @Test
    void aPartitionClosedBeforeItsRepairIsNotRewoundNorIsOneNoLongerAssigned() {
        TaskContextStub context = new TaskContextStub(false);
        RedisPubSubSinkTask task = startUnopened(context, Map.of(), redis);
        task.put(List.of(record(0, 0, event("a"), time.milliseconds())));
        task.preCommit(Map.of(P0, new OffsetAndMetadata(1)));
        task.close(List.of(P0));
        task.put(List.of());
        assertEquals(List.of(), context.rewinds, "the worker revoked it: a rewind would fail the task");

        task.preCommit(Map.of(P0, new OffsetAndMetadata(1)));
        context.assigned.clear();
        task.put(List.of());
        assertEquals(List.of(), context.rewinds, "not assigned any more");
    }
}
