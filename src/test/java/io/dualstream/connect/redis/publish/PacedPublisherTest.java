package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.testing.ScriptedPublisher;
import org.apache.kafka.common.utils.MockTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** notification.max.rate: slices, turns, and what happens when Redis fails or the thread is interrupted. */
class PacedPublisherTest {

    private final MockTime time = new MockTime();
    private final ScriptedPublisher redis = new ScriptedPublisher();

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private static List<Notification> batch(int size) {
        List<Notification> batch = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            batch.add(new Notification("c".getBytes(StandardCharsets.UTF_8), ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
        }
        return batch;
    }

    @Test
    void unlimitedPacingIsThePublisherItself() {
        assertSame(redis, Pacing.of(0, time).pace(redis));
        assertEquals(Integer.MAX_VALUE, Pacing.of(0, time).admissible(3));
    }

    @Test
    void aBatchGoesOutInSlicesOf20MsWorthEachWhenItsTurnComes() {
        NotificationPublisher paced = Pacing.of(1000, time).pace(redis.deliverAll(2));
        long start = time.nanoseconds();

        PublishResult result = paced.send(batch(100)).await();

        assertEquals(List.of("send 20", "await", "send 20", "await", "send 20", "await", "send 20", "await", "send 20",
                "await"), redis.calls, "each slice's replies are read before the next is written");
        assertEquals(80_000_000L, time.nanoseconds() - start, "the 5th slice goes 80 ms after the 1st");
        assertTrue(result.complete());
        assertEquals(200, result.subscribersReached());

        paced.send(batch(20)).await();
        assertEquals(100_000_000L, time.nanoseconds() - start, "the next batch waits for the turn the last slice booked");
    }

    @Test
    void onlyTheLast20MsOfTimeNotUsedAreMadeUp() {
        NotificationPublisher paced = Pacing.of(1000, time).pace(redis);
        paced.send(batch(20)).await();
        time.sleep(10_000);
        long start = time.nanoseconds();
        paced.send(batch(200)).await();
        assertEquals(160_000_000L, time.nanoseconds() - start, "200 ms of slices, 20 ms of them made up: "
                + "after a quiet spell of 10 s the 10th slice goes 160 ms later, not at once");
    }

    @Test
    void aSliceThatWokeLateIsMadeUpSoTheBacklogKeepsTheRate() {
        MockTime late = new MockTime(0, 0, 0) {
            @Override
            public void sleep(long ms) {
                super.sleep(ms + 3); // oversleeps 3 ms each time, as a busy machine does
            }
        };
        NotificationPublisher paced = Pacing.of(1000, late).pace(redis);
        paced.send(batch(1000)).await();
        assertEquals(983_000_000L, late.nanoseconds(), "the 50th slice is due at 980 ms and goes at 983 ms; "
                + "without making up, each slice would be 23 ms after the last: 1.127 s");
    }

    @Test
    void afterASliceRedisDidNotFullyTakeTheRestIsReportedUndeliveredWithoutSendingIt() {
        redis.thenFail(i -> false).thenFail(i -> i == 5);
        NotificationPublisher paced = Pacing.of(1000, time).pace(redis);

        PublishResult result = paced.send(batch(100)).await();

        assertEquals(List.of("send 20", "await", "send 20", "await"), redis.calls);
        BitSet expected = new BitSet();
        expected.set(25);
        expected.set(40, 100);
        assertEquals(expected, result.undelivered());
        assertEquals("Connection refused", result.error().getMessage());
    }

    @Test
    void aThreadInterruptedWhileWaitingStopsAndKeepsItsFlag() {
        NotificationPublisher paced = Pacing.of(1000, time).pace(redis);
        Thread.currentThread().interrupt();

        PublishResult result = paced.send(batch(50)).await();

        assertEquals(List.of("send 20", "await"), redis.calls, "the first slice needed no wait");
        assertEquals(30, result.size() - result.delivered());
        assertTrue(result.error() instanceof InterruptedException);
        assertTrue(Thread.currentThread().isInterrupted());
    }

    @Test
    void putTakesOnWhatFitsInTheNextSecond() {
        Pacing pacing = Pacing.of(1000, time);
        assertEquals(1000, pacing.admissible(1));
        assertEquals(333, pacing.admissible(3));
        NotificationPublisher paced = pacing.pace(redis);
        paced.send(batch(500)).await();
        assertEquals(980, pacing.admissible(1), "the last slice's 20 ms are booked");
        assertEquals(1, Pacing.of(1, time).admissible(5), "at least one record, even if its channels take longer");
        assertFalse(Thread.currentThread().isInterrupted());
    }
}
