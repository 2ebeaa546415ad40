package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;
import org.apache.kafka.common.utils.MockTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@link BackoffPublisher} with a scripted {@link NotificationPublisher} and a {@link MockTime} clock. */
class BackoffPublisherTest {

    private static final long BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 1000;
    /** The first wait is BACKOFF_MS with +-20% jitter: it is always below this. */
    private static final long FIRST_WAIT_UPPER_MS = 120;
    /** ... and never below this. */
    private static final long FIRST_WAIT_LOWER_MS = 79;

    /** A Redis stand-in that records every batch it is given and answers as told. */
    static final class ScriptedPublisher implements NotificationPublisher {
        final List<List<Notification>> calls = new ArrayList<>();
        RuntimeException failure;
        long subscribersPerBatch;
        boolean closed;

        void succeed(long subscribers) {
            failure = null;
            subscribersPerBatch = subscribers;
        }

        void fail(RuntimeException e) {
            failure = e;
        }

        @Override
        public long publish(List<Notification> notifications) {
            calls.add(List.copyOf(notifications));
            if (failure != null) {
                throw failure;
            }
            return subscribersPerBatch;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private MockTime time;
    private ScriptedPublisher redis;
    private BackoffPublisher publisher;

    @BeforeEach
    void setUp() {
        time = new MockTime(0, 1_000_000L, 0L);
        redis = new ScriptedPublisher();
        publisher = new BackoffPublisher(redis, "localhost:6379", time, BACKOFF_MS, MAX_BACKOFF_MS, 30_000L);
    }

    private static List<Notification> batch(int size) {
        List<Notification> batch = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            batch.add(new Notification(("c" + i).getBytes(StandardCharsets.UTF_8),
                    ("{\"id\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
        }
        return batch;
    }

    private static PublishException redisDown(int published) {
        return new PublishException("PUBLISH to localhost:6379 failed", published, 0,
                new IllegalStateException("Connection refused"));
    }

    private void assertCounters(long published, long dropped, long failures, long subscribersReached) {
        assertEquals(published, publisher.published(), "published");
        assertEquals(dropped, publisher.dropped(), "dropped");
        assertEquals(failures, publisher.failures(), "failures");
        assertEquals(subscribersReached, publisher.subscribersReached(), "subscribersReached");
    }

    /**
     * Right after a failed attempt: moves the clock 1 ms at a time, offering a 1-notification batch each time,
     * until the delegate is called again; returns how long that took, which is the backoff that was chosen.
     */
    private long measureBackoff() {
        int callsBefore = redis.calls.size();
        long failedAt = time.milliseconds();
        while (redis.calls.size() == callsBefore) {
            if (time.milliseconds() - failedAt > 10 * MAX_BACKOFF_MS) {
                fail("no attempt within " + 10 * MAX_BACKOFF_MS + " ms");
            }
            time.sleep(1);
            publisher.publish(batch(1));
        }
        return time.milliseconds() - failedAt;
    }

    // ---- healthy Redis ----

    @Test
    void successPublishesTheBatchAndCountsSubscribers() {
        redis.succeed(7);
        List<Notification> batch = batch(5);
        publisher.publish(batch);
        assertEquals(List.of(batch), redis.calls);
        // The replies are counted when they are read: at the next publish, or settle().
        assertCounters(0, 0, 0, 0);
        publisher.publish(batch(2));
        assertCounters(5, 0, 0, 7);
        publisher.settle();
        assertTrue(publisher.available());
        assertCounters(7, 0, 0, 14);
    }

    @Test
    void settleReadsTheRepliesOnceAndReportsThePipelineLatency() {
        List<Long> latencies = new ArrayList<>();
        publisher.onPipelineLatency(latencies::add);
        redis.succeed(2);
        publisher.publish(batch(3));
        assertTrue(latencies.isEmpty(), "latency is known once the replies are read");
        publisher.settle();
        publisher.settle();
        assertCounters(3, 0, 0, 2);
        assertEquals(1, latencies.size());
        assertTrue(latencies.get(0) >= 0);
    }

    @Test
    void aFailureSeenInTheRepliesDropsTheUnconfirmedRestAndStartsTheBackoff() {
        redis.succeed(1);
        List<RuntimeException> replyFailures = new ArrayList<>();
        replyFailures.add(redisDown(2));
        NotificationPublisher failingReplies = new NotificationPublisher() {
            @Override
            public long publish(List<Notification> notifications) {
                return redis.publish(notifications);
            }

            @Override
            public Replies send(List<Notification> notifications) {
                redis.calls.add(List.copyOf(notifications));
                return () -> {
                    throw replyFailures.get(0);
                };
            }

            @Override
            public void close() {
            }
        };
        publisher = new BackoffPublisher(failingReplies, "localhost:6379", time, BACKOFF_MS, MAX_BACKOFF_MS, 30_000L);
        publisher.publish(batch(5));
        assertTrue(publisher.available(), "nothing is known before the replies are read");
        publisher.publish(batch(4));                     // reads: 2 of 5 confirmed, then the failure; drops the 4
        assertFalse(publisher.available());
        assertEquals(1, redis.calls.size(), "the batch after a failure waits for the backoff");
        assertCounters(2, 3 + 4, 1, 0);
    }

    @Test
    void closeReadsTheRepliesInFlightBeforeClosing() {
        redis.succeed(4);
        publisher.publish(batch(2));
        publisher.close();
        assertTrue(redis.closed);
        assertCounters(2, 0, 0, 4);
    }

    @Test
    void emptyBatchIsNotSent() {
        publisher.publish(List.of());
        assertTrue(redis.calls.isEmpty());
        assertCounters(0, 0, 0, 0);
    }

    @Test
    void closeClosesTheDelegate() {
        publisher.close();
        assertTrue(redis.closed);
    }

    // ---- an outage ----

    @Test
    void firstFailureDropsTheBatchAndMarksRedisUnavailable() {
        redis.fail(redisDown(0));
        assertDoesNotThrow(() -> publisher.publish(batch(5)));
        assertEquals(1, redis.calls.size());
        assertFalse(publisher.available());
        assertCounters(0, 5, 1, 0);
    }

    @Test
    void batchesDuringTheBackoffAreDroppedWithoutCallingRedis() {
        redis.fail(redisDown(0));
        publisher.publish(batch(5));

        publisher.publish(batch(3));                     // same millisecond
        time.sleep(40);
        publisher.publish(batch(2));
        time.sleep(FIRST_WAIT_LOWER_MS - 40);            // still inside the shortest possible first wait
        publisher.publish(batch(1));

        assertEquals(1, redis.calls.size(), "Redis must not be called while backing off");
        assertFalse(publisher.available());
        assertCounters(0, 5 + 3 + 2 + 1, 1, 0);
    }

    @Test
    void afterTheBackoffTheNextBatchIsAttemptedAndRecoveryRestoresPublishing() {
        redis.succeed(3);
        publisher.publish(batch(2));                     // published 2, reached 3

        redis.fail(redisDown(0));
        publisher.publish(batch(5));                     // dropped 5, failure 1
        publisher.publish(batch(3));                     // dropped 3 during backoff
        assertEquals(2, redis.calls.size());

        time.sleep(FIRST_WAIT_UPPER_MS);
        redis.succeed(9);
        List<Notification> recoveryBatch = batch(4);
        publisher.publish(recoveryBatch);                // published 4, reached 9
        publisher.settle();

        assertEquals(3, redis.calls.size());
        assertSame(recoveryBatch.get(0).channel(), redis.calls.get(2).get(0).channel());
        assertTrue(publisher.available());
        assertCounters(2 + 4, 5 + 3, 1, 3 + 9);

        // Available again: the very next batch goes straight to Redis, no waiting.
        publisher.publish(batch(1));
        publisher.settle();
        assertEquals(4, redis.calls.size());
        assertCounters(2 + 4 + 1, 5 + 3, 1, 3 + 9 + 9);
    }

    @Test
    void failedRetryKeepsRedisUnavailable() {
        redis.fail(redisDown(0));
        publisher.publish(batch(5));
        time.sleep(FIRST_WAIT_UPPER_MS);
        publisher.publish(batch(4));
        assertEquals(2, redis.calls.size());
        assertFalse(publisher.available());
        assertCounters(0, 9, 2, 0);
    }

    @Test
    void backoffGrowsExponentiallyAndNeverExceedsTheMaximum() {
        redis.fail(redisDown(0));
        publisher.publish(batch(1));

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
        assertEquals(11, redis.calls.size());
        assertEquals(11, publisher.failures());
        assertFalse(publisher.available());
    }

    @Test
    void backoffStartsOverAfterRecovery() {
        redis.fail(redisDown(0));
        publisher.publish(batch(1));
        for (int attempt = 0; attempt < 5; attempt++) {
            measureBackoff();                            // now at the 1000 ms cap
        }
        time.sleep(MAX_BACKOFF_MS);
        redis.succeed(0);
        publisher.publish(batch(1));
        publisher.settle();
        assertTrue(publisher.available());

        redis.fail(redisDown(0));
        publisher.publish(batch(1));
        long wait = measureBackoff();
        assertTrue(wait >= FIRST_WAIT_LOWER_MS && wait <= FIRST_WAIT_UPPER_MS, "first wait after recovery: " + wait);
    }

    // ---- partial and unexpected failures ----

    @Test
    void partialFailureCountsWhatWentOutAndDropsTheRest() {
        redis.fail(redisDown(3));
        publisher.publish(batch(5));
        assertFalse(publisher.available());
        assertCounters(3, 2, 1, 0);
    }

    @Test
    void partialFailureOfTheRetryDoesNotCountAsRecovery() {
        redis.fail(redisDown(0));
        publisher.publish(batch(5));
        time.sleep(FIRST_WAIT_UPPER_MS);
        redis.fail(redisDown(1));
        publisher.publish(batch(4));
        assertFalse(publisher.available());
        assertCounters(1, 5 + 3, 2, 0);
    }

    @Test
    void publishExceptionWithoutCauseIsContained() {
        redis.fail(new PublishException("PUBLISH failed", 0, 0, null));
        assertDoesNotThrow(() -> publisher.publish(batch(2)));
        assertFalse(publisher.available());
        assertCounters(0, 2, 1, 0);
    }

    @Test
    void anyRuntimeExceptionFromTheDelegateIsContained() {
        redis.fail(new IllegalStateException("client bug"));
        assertDoesNotThrow(() -> publisher.publish(batch(5)));
        assertFalse(publisher.available());
        assertCounters(0, 5, 1, 0);

        // It starts a backoff like any other failure ...
        publisher.publish(batch(2));
        assertEquals(1, redis.calls.size());
        assertCounters(0, 7, 1, 0);

        // ... and a later failure of another kind is contained too.
        time.sleep(FIRST_WAIT_UPPER_MS);
        redis.fail(new NullPointerException());
        assertDoesNotThrow(() -> publisher.publish(batch(1)));
        assertEquals(2, redis.calls.size());
        assertCounters(0, 8, 2, 0);

        time.sleep(MAX_BACKOFF_MS);
        redis.succeed(1);
        publisher.publish(batch(1));
        publisher.settle();
        assertTrue(publisher.available());
        assertCounters(1, 8, 2, 1);
    }
}
