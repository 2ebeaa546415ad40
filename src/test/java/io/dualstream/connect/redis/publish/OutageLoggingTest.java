package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.testing.LogCapture;
import org.apache.kafka.common.utils.MockTime;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A long Redis outage logs one line with the cause, one summary per interval, and one line on recovery. */
class OutageLoggingTest {

    private static final List<Notification> BATCH = List.of(new Notification(new byte[] {'c'}, new byte[] {'{', '}'}));

    /** Fails while told to, like a Redis that refuses connections. */
    private static final class Outage implements NotificationPublisher {
        boolean down = true;

        @Override
        public long publish(List<Notification> notifications) {
            if (down) {
                throw new PublishException("PUBLISH failed", 0, 0,
                        new IllegalStateException("Connection refused"));
            }
            return 0;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void fiveMinutesOfOutageAtTenBatchesASecondLogTwelveLines() {
        MockTime time = new MockTime(0, 0, 0);
        Outage redis = new Outage();
        BackoffPublisher publisher = new BackoffPublisher(redis, "redis:6379", time, 100, 5000, 30_000);

        try (LogCapture log = LogCapture.of(BackoffPublisher.class)) {
            for (int i = 0; i < 3000; i++) { // 5 minutes of put() calls, 100 ms apart
                publisher.publish(BATCH);
                time.sleep(100);
            }
            redis.down = false;
            // Publishing resumes with the first attempt after the current backoff (at most 5 s + 20% jitter).
            int afterRecovery = 0;
            while (!publisher.available() && afterRecovery < 60) {
                publisher.publish(BATCH);
                time.sleep(100);
                afterRecovery++;
            }
            assertTrue(publisher.available(), "resumed within the maximum backoff");

            List<LogCapture.Line> lines = log.lines();
            assertTrue(lines.get(0).message().contains("is unavailable") && lines.get(0).message().contains("Connection refused"),
                    lines.get(0).message());
            long summaries = lines.stream().filter(l -> l.message().contains("still unavailable")).count();
            assertEquals(10, summaries, "one summary every 30 s after the first line: " + lines);
            LogCapture.Line last = lines.get(lines.size() - 1);
            assertEquals(Level.INFO, last.level());
            assertTrue(last.message().contains("available again"), last.message());
            assertEquals(12, lines.size(), "first failure + summaries + recovery: " + lines);
        }
        assertTrue(publisher.dropped() >= 3000, "every notification of the outage was dropped and counted");
    }
}
