package io.dualstream.connect.redis;

import io.dualstream.connect.redis.config.RedisPubSubSinkConfig.MalformedBehavior;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig.NullValueBehavior;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides what happens to a record that cannot become a notification, and to tombstones: skip and count
 * (reporting to the dead-letter queue when the worker has one), or fail the task when configured so.
 * Log lines name topic/partition/offset, never record contents, and are rate-limited: each bad record gets its
 * own WARN line up to {@value #LINES_PER_INTERVAL} per interval; beyond that they are counted in the next line
 * (and logged one by one at DEBUG).
 */
final class BadRecordHandler {

    private static final Logger log = LoggerFactory.getLogger(BadRecordHandler.class);
    static final int LINES_PER_INTERVAL = 10;

    private final MalformedBehavior onMalformed;
    private final NullValueBehavior onNull;
    private final ErrantRecordReporter reporter;
    private final Time time;
    private final long logIntervalMs;

    private final AtomicLong skippedMalformed = new AtomicLong();
    private final AtomicLong skippedNull = new AtomicLong();
    private final AtomicLong reported = new AtomicLong();
    private long intervalStartMs = Long.MIN_VALUE;
    private int linesInInterval;
    private long unloggedSinceLastLine;

    BadRecordHandler(MalformedBehavior onMalformed, NullValueBehavior onNull, ErrantRecordReporter reporter,
                     Time time, long logIntervalMs) {
        this.onMalformed = onMalformed;
        this.onNull = onNull;
        this.reporter = reporter;
        this.time = time;
        this.logIntervalMs = logIntervalMs;
    }

    void malformed(SinkRecord record, DataException error) {
        if (onMalformed == MalformedBehavior.FAIL) {
            throw new ConnectException("Record " + coordinates(record) + " cannot become a notification: "
                    + error.getMessage() + ". Fix the record or the settings, or set behavior.on.malformed.record=skip "
                    + "to skip such records.", error);
        }
        skippedMalformed.incrementAndGet();
        if (reporter != null) {
            // The worker waits for the report before it commits this offset, and applies errors.tolerance.
            reporter.report(record, error);
            reported.incrementAndGet();
        }
        long now = time.milliseconds();
        if (intervalStartMs == Long.MIN_VALUE || now - intervalStartMs >= logIntervalMs) {
            intervalStartMs = now;
            linesInInterval = 0;
        }
        if (linesInInterval < LINES_PER_INTERVAL) {
            String also = unloggedSinceLastLine == 0 ? "" : " (" + unloggedSinceLastLine + " more skipped since the last such line)";
            log.warn("Skipped record {}: {}{}{}", coordinates(record), error.getMessage(),
                    reporter != null ? "; sent to the error reporter (dead-letter queue)" : "", also);
            linesInInterval++;
            unloggedSinceLastLine = 0;
        } else {
            unloggedSinceLastLine++;
            log.debug("Skipped record {}: {}", coordinates(record), error.getMessage());
        }
    }

    void nullValue(SinkRecord record) {
        if (onNull == NullValueBehavior.FAIL) {
            throw new ConnectException("Record " + coordinates(record) + " has a null value (a tombstone). Set "
                    + "behavior.on.null.values=ignore to skip tombstones.");
        }
        skippedNull.incrementAndGet();
        log.trace("Ignored tombstone {}", coordinates(record));
    }

    static String coordinates(SinkRecord record) {
        return record.topic() + "/" + record.kafkaPartition() + "/" + record.kafkaOffset();
    }

    long skippedMalformed() {
        return skippedMalformed.get();
    }

    long skippedNull() {
        return skippedNull.get();
    }

    long reported() {
        return reported.get();
    }
}
