package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.testing.LogCapture;
import io.dualstream.connect.redis.testing.ScriptedPublisher;
import org.apache.kafka.common.utils.MockTime;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A long Redis outage logs one line with the cause, one summary per interval, and one line on recovery. */
class OutageLoggingTest {

    private static final List<Notification> BATCH = List.of(new Notification(new byte[] {'c'}, new byte[] {'{', '}'}));

    @Test
    void fiveMinutesOfOutageAtTenBatchesASecondLogTwelveLines() {
        MockTime time = new MockTime(0, 0, 0);
        ScriptedPublisher redis = new ScriptedPublisher().failAll();
        RedisHealth health = new RedisHealth("redis:6379", time, 100, 5000, 30_000, false);
        BestEffortDelivery delivery = new BestEffortDelivery(redis, health, nanos -> { });

        try (LogCapture log = LogCapture.of(RedisHealth.class)) {
            // 5 minutes of put() calls, 100 ms apart, the last one at the 300 s mark: it is due the 10th summary.
            for (int i = 0; i <= 3000; i++) {
                delivery.put(List.of(), records -> BATCH);
                time.sleep(100);
            }
            redis.deliverAll(0);
            // Publishing resumes with the first attempt after the current backoff (at most 5 s + 20% jitter).
            int afterRecovery = 0;
            while (!health.available() && afterRecovery < 60) {
                delivery.put(List.of(), records -> BATCH);
                time.sleep(100);
                afterRecovery++;
            }
            delivery.flush();
            assertTrue(health.available(), "resumed within the maximum backoff");

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
        assertTrue(health.dropped() >= 3000, "every notification of the outage was dropped and counted");
    }
}
