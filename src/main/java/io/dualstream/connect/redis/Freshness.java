package io.dualstream.connect.redis;

import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * notification.max.age.ms: tells stale records (older than the maximum age when put() receives them) from fresh
 * ones, counts the stale ones and logs a summary of them at most once per interval. A record without a timestamp
 * is fresh: its age is unknown, and notifying late is better than never.
 */
final class Freshness {

    private static final Logger log = LoggerFactory.getLogger(Freshness.class);

    private final long maxAgeMs;
    private final long logIntervalMs;
    private final AtomicLong skipped = new AtomicLong();
    private long lastLogMs = Long.MIN_VALUE;
    /** Since the last summary line. */
    private long unlogged;
    private long oldestAgeMs;
    private String oldest;

    /** @param maxAgeMs 0 for no maximum */
    Freshness(long maxAgeMs, long logIntervalMs) {
        this.maxAgeMs = maxAgeMs;
        this.logIntervalMs = logIntervalMs;
    }

    /** Whether the record is too old to publish at {@code nowMs}; counts it when it is. */
    boolean stale(SinkRecord record, long nowMs) {
        if (maxAgeMs == 0) {
            return false;
        }
        Long timestamp = record.timestamp();
        if (timestamp == null || timestamp < 0 || nowMs - timestamp <= maxAgeMs) {
            return false;
        }
        skipped.incrementAndGet();
        unlogged++;
        if (nowMs - timestamp > oldestAgeMs) {
            oldestAgeMs = nowMs - timestamp;
            oldest = BadRecordHandler.coordinates(record);
        }
        return true;
    }

    /** Logs what was skipped since the last line, unless a line was logged less than an interval ago. */
    void logSummary(long nowMs) {
        if (unlogged == 0 || lastLogMs != Long.MIN_VALUE && nowMs - lastLogMs < logIntervalMs) {
            return;
        }
        log.info("Skipped {} records older than notification.max.age.ms={}{}; the oldest, {}, was {} ms old. Their "
                        + "offsets are committed; Kafka still has them for replay.", unlogged, maxAgeMs,
                lastLogMs == Long.MIN_VALUE ? "" : " in the last " + (nowMs - lastLogMs) / 1000 + " s", oldest,
                oldestAgeMs);
        lastLogMs = nowMs;
        unlogged = 0;
        oldestAgeMs = 0;
        oldest = null;
    }

    long skipped() {
        return skipped.get();
    }
}
