package io.dualstream.connect.redis;

import io.dualstream.connect.redis.testing.RedisFixture;
import io.dualstream.connect.redis.testing.Subscriber;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The task driven directly against a real redis-server: what it publishes, drops, skips and counts. */
class RedisPubSubSinkTaskIT {

    private RedisFixture redis;
    private RedisPubSubSinkTask task;

    @BeforeEach
    void start() {
        redis = RedisFixture.start();
    }

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
        redis.close();
    }

    private Map<String, String> props() {
        Map<String, String> props = new HashMap<>();
        props.put("name", "task-it");
        props.put("redis.uri", redis.uri());
        props.put("redis.timeout.ms", "1000");
        props.put("redis.retry.backoff.ms", "1");
        props.put("redis.retry.backoff.max.ms", "1");
        return props;
    }

    private static SinkRecord record(long offset, Object value) {
        return new SinkRecord("events", 0, null, "k", null, value, offset);
    }

    private static Map<String, Object> event(String id) {
        Map<String, Object> value = new HashMap<>();
        value.put("id", id);
        value.put("type", "push");
        value.put("source_type", "repo");
        value.put("source_id", "acme/app");
        value.put("body", "not published");
        return value;
    }

    @Test
    void aBatchLargerThanThePipelineIsPublishedInOrderAndCounted() {
        Map<String, String> props = props();
        props.put("redis.pipeline.size", "100");
        task = new RedisPubSubSinkTask();
        task.start(props);
        List<SinkRecord> batch = new ArrayList<>();
        for (int i = 0; i < 1050; i++) {
            batch.add(record(i, event("e" + i)));
        }

        try (Subscriber subscriber = Subscriber.psubscribe(redis, "events:*")) {
            task.put(batch);
            List<Subscriber.Message> received = subscriber.awaitCount(1050, Duration.ofSeconds(30));
            for (int i = 0; i < 1050; i++) {
                assertEquals("{\"id\":\"e" + i + "\",\"type\":\"push\",\"source_id\":\"acme/app\"}", received.get(i).payload());
            }
        }
        assertEquals(1050, task.recordsReceived());
        // Best-effort: the batch is counted when its last chunk's replies are read, at the next put() or flush().
        assertEquals(0, task.health().published(), "counted once the replies are read");
        task.flush(Map.of());
        assertEquals(1050, task.health().published());
        assertEquals(1050, task.health().subscribersReached(), "one subscriber got each notification");
        assertEquals(0, task.health().dropped());
    }

    @Test
    void badRecordsAndTombstonesAreCountedAndTheRestPublished() {
        task = new RedisPubSubSinkTask();
        task.start(props());
        try (Subscriber subscriber = Subscriber.psubscribe(redis, "events:*")) {
            task.put(List.of(record(0, event("a")), record(1, "not json"), record(2, null), record(3, 42),
                    record(4, event("b"))));
            List<Subscriber.Message> received = subscriber.awaitCount(2, Duration.ofSeconds(30));
            assertEquals(List.of("{\"id\":\"a\",\"type\":\"push\",\"source_id\":\"acme/app\"}",
                    "{\"id\":\"b\",\"type\":\"push\",\"source_id\":\"acme/app\"}"),
                    received.stream().map(Subscriber.Message::payload).toList());
        }
        assertEquals(5, task.recordsReceived());
        assertEquals(2, task.badRecords().skippedMalformed());
        assertEquals(1, task.badRecords().skippedNull());
        task.flush(Map.of());
        assertEquals(2, task.health().published());
    }

    @Test
    void nullValuesFailTheTaskWhenConfigured() {
        Map<String, String> props = props();
        props.put("behavior.on.null.values", "fail");
        task = new RedisPubSubSinkTask();
        task.start(props);
        ConnectException e = assertThrows(ConnectException.class, () -> task.put(List.of(record(7, null))));
        assertTrue(e.getMessage().contains("events/0/7") && e.getMessage().contains("behavior.on.null.values"), e.getMessage());
    }

    @Test
    void redisDownDropsAndCountsThenTheSameTaskPublishesAgainAfterRestart() {
        task = new RedisPubSubSinkTask();
        task.start(props());
        redis.kill();

        task.put(List.of(record(0, event("lost-1")), record(1, event("lost-2"))));
        assertFalse(task.health().available());
        assertEquals(2, task.health().dropped());
        assertTrue(task.health().failures() >= 1);

        redis.restart();
        try (Subscriber subscriber = Subscriber.psubscribe(redis, "events:*")) {
            // Backoff is 1 ms: the next batch is a real attempt, and it succeeds without restarting the task.
            long deadline = System.currentTimeMillis() + 10_000;
            long offset = 2;
            while (subscriber.received().isEmpty() && System.currentTimeMillis() < deadline) {
                task.put(List.of(record(offset, event("back-" + offset))));
                offset++;
                subscriber.await(list -> !list.isEmpty(), Duration.ofMillis(200), "a notification", false);
            }
            assertFalse(subscriber.received().isEmpty(), "publishing resumed");
        }
        task.flush(Map.of());
        assertTrue(task.health().available());
    }

    @Test
    void aFrozenRedisCostsPutAtMostAboutTheTimeoutAndIsCountedThenPublishingResumes() {
        task = new RedisPubSubSinkTask();
        task.start(props()); // redis.timeout.ms=1000
        task.put(List.of(record(0, event("warm-up")))); // open the connection while Redis answers
        task.flush(Map.of());
        redis.freeze();
        try {
            // Without the socket timeout these would wait forever; the bound only catches a hang. Best-effort
            // put() only writes the batch; the next put() or flush() waits for its replies, at most the timeout.
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> task.put(List.of(record(1, event("frozen")))));
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> task.put(List.of(record(2, event("frozen-2")))));
            assertFalse(task.health().available());
            assertEquals(1 + 1, task.health().dropped(), "the unanswered batch, and the next one during the backoff");
        } finally {
            redis.resume();
        }
        try (Subscriber subscriber = Subscriber.psubscribe(redis, "events:*")) {
            long deadline = System.currentTimeMillis() + 10_000;
            long offset = 3;
            while (subscriber.received().isEmpty() && System.currentTimeMillis() < deadline) {
                task.put(List.of(record(offset, event("thawed-" + offset))));
                offset++;
                subscriber.await(list -> !list.isEmpty(), Duration.ofMillis(200), "a notification", false);
            }
            assertFalse(subscriber.received().isEmpty(), "publishing resumed after Redis was resumed");
        }
    }
}
