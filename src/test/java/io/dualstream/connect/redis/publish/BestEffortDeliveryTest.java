package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.testing.ScriptedPublisher;
import org.apache.kafka.common.utils.MockTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@link BestEffortDelivery} and its {@link RedisHealth} with a scripted publisher and a {@link MockTime} clock. */
class BestEffortDeliveryTest {

    private static final long BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 1000;
    /** The first wait is BACKOFF_MS with +-20% jitter: it is always below this. */
    private static final long FIRST_WAIT_UPPER_MS = 120;
    /** ... and never below this. */
    private static final long FIRST_WAIT_LOWER_MS = 79;

    private MockTime time;
    private ScriptedPublisher redis;
    private RedisHealth health;
    private List<Long> latencies;
    private BestEffortDelivery delivery;

    @BeforeEach
    void setUp() {
        time = new MockTime(0, 1_000_000L, 0L);
        redis = new ScriptedPublisher();
        health = new RedisHealth("localhost:6379", time, BACKOFF_MS, MAX_BACKOFF_MS, 30_000L, false);
        latencies = new ArrayList<>();
        delivery = new BestEffortDelivery(redis, health, latencies::add);
    }

    private void publish(List<Notification> batch) {
        delivery.put(List.of(), records -> batch);
    }

    static List<Notification> batch(int size) {
        List<Notification> batch = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            batch.add(new Notification(("c" + i).getBytes(StandardCharsets.UTF_8),
                    ("{\"id\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
        }
        return batch;
    }

    private void assertCounters(long published, long dropped, long failures, long subscribersReached) {
        assertEquals(published, health.published(), "published");
        assertEquals(dropped, health.dropped(), "dropped");
        assertEquals(failures, health.failures(), "failures");
        assertEquals(subscribersReached, health.subscribersReached(), "subscribersReached");
    }

    /**
     * Right after a failed attempt: moves the clock 1 ms at a time, offering a 1-notification batch each time,
     * until Redis is called again; returns how long that took, which is the backoff that was chosen.
     */
    private long measureBackoff() {
        int callsBefore = redis.batches.size();
        long failedAt = time.milliseconds();
        while (redis.batches.size() == callsBefore) {
            if (time.milliseconds() - failedAt > 10 * MAX_BACKOFF_MS) {
                fail("no attempt within " + 10 * MAX_BACKOFF_MS + " ms");
            }
            time.sleep(1);
            publish(batch(1));
        }
        delivery.flush(); // the attempt's failure is seen when its replies are read
        return time.milliseconds() - failedAt;
    }

    // ---- healthy Redis ----

    @Test
    void aBatchIsWrittenAtOnceAndItsRepliesAreReadBeforeTheNextOne() {
        redis.deliverAll(1);
        publish(batch(5));
        assertEquals(List.of("send 5"), redis.calls);
        // The replies are counted when they are read: at the next batch, or flush().
        assertCounters(0, 0, 0, 0);
        publish(batch(2));
        assertEquals(List.of("send 5", "await", "send 2"), redis.calls);
        assertCounters(5, 0, 0, 5);
        delivery.flush();
        assertTrue(health.available());
        assertCounters(7, 0, 0, 7);
    }


    @Test
    void theNextBatchIsMappedBeforeTheRepliesInFlightAreRead() {
        redis.deliverAll(1);
        publish(batch(5));
        delivery.put(List.of(), records -> {
            redis.calls.add("map");
            return batch(2);
        });
        // Redis answers the batch in flight while the next one is mapped: reading its replies comes after.
        assertEquals(List.of("send 5", "map", "await", "send 2"), redis.calls);
    }
    @Test
    void flushReadsTheRepliesOnceAndReportsThePipelineLatency() {
        redis.deliverAll(2);
        publish(batch(3));
        assertTrue(latencies.isEmpty(), "latency is known once the replies are read");
        delivery.flush();
        delivery.flush();
        assertCounters(3, 0, 0, 6);
        assertEquals(1, latencies.size());
        assertTrue(latencies.get(0) >= 0);
    }

    @Test
    void closeReadsTheRepliesInFlightBeforeClosing() {
        redis.deliverAll(2);
        publish(batch(2));
        delivery.close();
        assertEquals(List.of("send 2", "await", "close"), redis.calls);
        assertCounters(2, 0, 0, 4);
    }

    @Test
    void emptyBatchIsNotSent() {
        publish(List.of());
        assertTrue(redis.batches.isEmpty());
        assertCounters(0, 0, 0, 0);
    }

    // ---- an outage ----

    @Test
    void aFailedBatchIsDroppedAndMarksRedisUnavailable() {
        redis.failAll();
        assertDoesNotThrow(() -> publish(batch(5)));
        delivery.flush();
        assertEquals(1, redis.batches.size());
        assertFalse(health.available());
        assertCounters(0, 5, 1, 0);
    }

    @Test
    void batchesDuringTheBackoffAreDroppedWithoutCallingRedis() {
        redis.failAll();
        publish(batch(5));
        publish(batch(3));                               // reads the failure; same millisecond: dropped
        time.sleep(40);
        publish(batch(2));
        time.sleep(FIRST_WAIT_LOWER_MS - 40);            // still inside the shortest possible first wait
        publish(batch(1));

        assertEquals(1, redis.batches.size(), "Redis must not be called while backing off");
        assertFalse(health.available());
        assertCounters(0, 5 + 3 + 2 + 1, 1, 0);
    }

    @Test
    void afterTheBackoffTheNextBatchIsAttemptedAndRecoveryRestoresPublishing() {
        redis.deliverAll(3);
        publish(batch(2));                               // published 2, reached 6

        redis.failAll();
        publish(batch(5));                               // reads batch 1; batch 2 fails
        publish(batch(3));                               // reads the failure: dropped 5; this one dropped in backoff
        assertEquals(2, redis.batches.size());

        time.sleep(FIRST_WAIT_UPPER_MS);
        redis.deliverAll(1);
        publish(batch(4));                               // published 4, reached 4
        delivery.flush();

        assertEquals(3, redis.batches.size());
        assertTrue(health.available());
        assertCounters(2 + 4, 5 + 3, 1, 6 + 4);

        // Available again: the very next batch goes straight to Redis, no waiting.
        publish(batch(1));
        delivery.flush();
        assertEquals(4, redis.batches.size());
        assertCounters(2 + 4 + 1, 5 + 3, 1, 6 + 4 + 1);
    }

    @Test
    void backoffGrowsExponentiallyAndNeverExceedsTheMaximum() {
        redis.failAll();
        publish(batch(1));
        delivery.flush();

        List<Long> waits = new ArrayList<>();
        for (int attempt = 0; attempt < 10; attempt++) {
            waits.add(measureBackoff());
        }
        for (int attempt = 0; attempt < waits.size(); attempt++) {
            // 100 ms doubling per failure, capped at 1000 ms, each with up to 20% jitter either way.
            double nominal = Math.min(BACKOFF_MS * Math.pow(2, attempt), MAX_BACKOFF_MS);
            long wait = waits.get(attempt);
            String what = "wait after failure " + (attempt + 1) + " in " + waits;
            assertTrue(wait >= (long) (0.8 * nominal) - 1, what);
            assertTrue(wait <= (long) Math.ceil(1.2 * nominal), what);
            // The documented ceiling: redis.retry.backoff.max.ms is the longest wait between attempts.
            assertTrue(wait <= MAX_BACKOFF_MS, what);
        }
        // The jitter ranges of the first four waits do not overlap, so each is strictly longer.
        for (int attempt = 1; attempt < 4; attempt++) {
            assertTrue(waits.get(attempt) > waits.get(attempt - 1), "backoff did not grow: " + waits);
        }
        assertEquals(11, redis.batches.size());
        assertEquals(11, health.failures());
        assertFalse(health.available());
    }

    @Test
    void backoffStartsOverAfterRecovery() {
        redis.failAll();
        publish(batch(1));
        delivery.flush();
        for (int attempt = 0; attempt < 5; attempt++) {
            measureBackoff();                            // now at the 1000 ms cap
        }
        time.sleep(MAX_BACKOFF_MS);
        redis.deliverAll(0);
        publish(batch(1));
        delivery.flush();
        assertTrue(health.available());

        redis.failAll();
        publish(batch(1));
        delivery.flush();
        long wait = measureBackoff();
        assertTrue(wait >= FIRST_WAIT_LOWER_MS && wait <= FIRST_WAIT_UPPER_MS, "first wait after recovery: " + wait);
    }

    // ---- partial and unexpected failures ----

    @Test
    void aPartlyDeliveredBatchDropsExactlyTheUndeliveredAndDoesNotHoldBackTheNextBatch() {
        // Two of five went to a failing cluster node; the others' nodes are fine.
        redis.thenFail(i -> i == 1 || i == 3);
        publish(batch(5));
        delivery.flush();
        assertFalse(health.available());
        assertCounters(3, 2, 1, 0);
        assertEquals(List.of("{\"id\":0}", "{\"id\":2}", "{\"id\":4}"), redis.accepted);

        publish(batch(2));                               // no backoff: the healthy nodes keep publishing
        delivery.flush();
        assertEquals(2, redis.batches.size());
        assertTrue(health.available());
        assertCounters(5, 2, 1, 0);
    }

    @Test
    void aTopologyChangeEndsTheBackoffEarly() {
        redis.failAll();
        publish(batch(1));
        delivery.flush();
        RedisHealth h = health;
        ScriptedPublisher failedOver = redis;
        BestEffortDelivery moved = new BestEffortDelivery(new NotificationPublisher() {
            @Override
            public Replies send(List<Notification> notifications) {
                return failedOver.send(notifications);
            }

            @Override
            public boolean topologyChanged() {
                return true; // the sentinels named a new master
            }

            @Override
            public void close() {
            }
        }, h, nanos -> { });
        redis.deliverAll(0);
        moved.put(List.of(), records -> batch(1));    // inside the backoff, but the master moved
        moved.flush();
        assertEquals(2, redis.batches.size());
        assertTrue(h.available());
    }

    @Test
    void anyRuntimeExceptionFromThePublisherIsContained() {
        redis.throwing(new IllegalStateException("client bug"));
        assertDoesNotThrow(() -> publish(batch(5)));
        delivery.flush();
        assertFalse(health.available());
        assertCounters(0, 5, 1, 0);

        // It starts a backoff like any other failure ...
        publish(batch(2));
        assertEquals(1, redis.batches.size());
        assertCounters(0, 7, 1, 0);

        // ... and publishing resumes once the client behaves.
        time.sleep(FIRST_WAIT_UPPER_MS);
        redis.deliverAll(1);
        publish(batch(1));
        delivery.flush();
        assertTrue(health.available());
        assertCounters(1, 7, 1, 1);
    }
}
