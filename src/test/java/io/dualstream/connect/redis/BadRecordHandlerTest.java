package io.dualstream.connect.redis;

import io.dualstream.connect.redis.config.RedisPubSubSinkConfig.MalformedBehavior;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig.NullValueBehavior;
import io.dualstream.connect.redis.mapping.MalformedRecordException;
import io.dualstream.connect.redis.testing.LogCapture;
import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A flood of bad records logs a few lines naming coordinates, never contents, and counts every one. */
class BadRecordHandlerTest {

    private static final String SECRET = "card-4111-1111";

    private static SinkRecord bad(long offset) {
        return new SinkRecord("payments", 2, null, null, null, "{\"pan\":\"" + SECRET + "\"", offset);
    }

    @Test
    void aThousandBadRecordsInTenSecondsLogTenLinesThenASummaryNamingTheRest() {
        MockTime time = new MockTime(0, 0, 0);
        BadRecordHandler handler = new BadRecordHandler(MalformedBehavior.SKIP, NullValueBehavior.IGNORE, null, time, 30_000);
        MalformedRecordException reason = new MalformedRecordException("value is not valid JSON at line 1, column 25");

        try (LogCapture log = LogCapture.of(BadRecordHandler.class)) {
            for (int offset = 0; offset < 1000; offset++) {
                handler.malformed(bad(offset), reason);
                time.sleep(10);
            }
            time.sleep(30_000);
            handler.malformed(bad(1000), reason);

            List<LogCapture.Line> lines = log.lines();
            assertEquals(11, lines.size(), lines.toString());
            for (int i = 0; i < 10; i++) {
                assertEquals("Skipped record payments/2/" + i + ": value is not valid JSON at line 1, column 25",
                        lines.get(i).message(), "each of the first ten bad records has its own line");
            }
            assertTrue(lines.get(10).message().startsWith("Skipped record payments/2/1000: ")
                    && lines.get(10).message().contains("990 more skipped since the last such line"), lines.get(10).message());
            assertFalse(lines.stream().anyMatch(l -> l.message().contains(SECRET)), "record contents are never logged");
        }
        assertEquals(1001, handler.skippedMalformed());
    }
}
