package io.dualstream.quickstart;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LiveStatsTest {

    @Test
    void percentilesComeFromTheRecordedLatencies() {
        LiveStats stats = new LiveStats();
        assertEquals(-1, stats.latencyPercentile(50), "nothing recorded yet");
        for (int millis = 1; millis <= 100; millis++) {
            stats.record("events:user:u1", 1_000, 1_000 + millis);
        }
        assertEquals(50, stats.latencyPercentile(50));
        assertEquals(99, stats.latencyPercentile(99));
        assertEquals(100, stats.latencyPercentile(100));
    }

    @Test
    void notificationsWithoutTimestampAreCountedButNotTimed() {
        LiveStats stats = new LiveStats();
        stats.record("events:org:o1", -1, 5_000);
        assertEquals(1, stats.received());
        assertEquals(1, stats.withoutTimestamp());
        assertEquals(-1, stats.latencyPercentile(50));
        assertEquals(5_000, stats.firstAtMillis());
    }

    @Test
    void busiestChannelsFirst() {
        LiveStats stats = new LiveStats();
        stats.record("events:repo:a/b", 0, 1);
        stats.record("events:user:u1", 0, 1);
        stats.record("events:user:u1", 0, 1);
        stats.record("events:org:o1", 0, 1);
        stats.record("events:org:o1", 0, 1);
        stats.record("events:org:o1", 0, 1);
        assertEquals(List.of(new LiveStats.ChannelCount("events:org:o1", 3), new LiveStats.ChannelCount("events:user:u1", 2)),
                stats.busiest(2));
        assertEquals(3, stats.channels());
    }

    @Test
    void theEventTimeIsTheNotificationsTimestampField() {
        assertEquals(1_700_000_000_123L, NotificationWatcher.eventTime(
                "{\"id\":\"e1\",\"type\":\"push\",\"source_id\":\"u1\",\"timestamp\":1700000000123}"));
        assertEquals(-1, NotificationWatcher.eventTime("{\"id\":\"e1\"}"));
        assertEquals(-1, NotificationWatcher.eventTime("not json"));
    }

    @Test
    void theRecentWindowForgetsTheWarmUp() {
        LiveStats stats = new LiveStats();
        stats.record("events:user:u1", 0, 5_000);               // a slow first event: 5 s
        for (int i = 0; i < 99; i++) {
            stats.record("events:user:u1", 20_000, 20_010);     // then 10 ms each
        }
        assertEquals(5_000, stats.latencyPercentile(100), "the whole run keeps the warm-up");
        long[] recent = stats.recentLatencyPercentiles(21_000);
        assertEquals(10, recent[0]);
        assertEquals(10, recent[1], "the window covers only the last 10 s");
        assertEquals(null, stats.recentLatencyPercentiles(60_000), "nothing in the last 10 s");
    }
}
