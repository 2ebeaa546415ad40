package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;
import org.apache.kafka.common.utils.ExponentialBackoff;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What both delivery policies share: the counters, whether Redis is available, the backoff after a failure, and
 * short logs during an outage (the first failure with its cause, then at most one summary line per
 * {@code summaryIntervalMs}, then one line on recovery).
 *
 * <p>Only a batch of which nothing was delivered starts the backoff. In a cluster one failing node fails only
 * its share; the publisher holds that node off itself, and the other nodes' notifications keep going out.
 * Counters are written by the task thread and read by metrics reporters.
 */
public final class RedisHealth {

    private static final Logger log = LoggerFactory.getLogger(RedisHealth.class);
    private static final double BACKOFF_JITTER = 0.2;

    /** Receives the age of the records in each batch written to Redis. */
    public interface AgeListener {
        void recordAge(double averageMs, long maxMs);
    }

    private final String target;
    private final Time time;
    private final ExponentialBackoff backoff;
    private final long summaryIntervalMs;
    private final boolean redeliver;

    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong subscribersReached = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    private volatile boolean available = true;

    // Outage state; touched only by the task thread.
    private long outageStartMs;
    private long failedAttempts;
    private long nextAttemptMs;
    private long lostInOutage;
    private long lastSummaryMs;
    private String lastError;
    private AgeListener ages = (average, max) -> { };

    /**
     * @param redeliver whether undelivered notifications are handed back for redelivery (at-least-once) rather
     *                  than dropped; only the wording of the logs depends on it
     */
    public RedisHealth(String target, Time time, long backoffMs, long maxBackoffMs, long summaryIntervalMs,
                       boolean redeliver) {
        this.target = target;
        this.time = time;
        this.backoff = new ExponentialBackoff(backoffMs, 2, maxBackoffMs, BACKOFF_JITTER);
        this.summaryIntervalMs = summaryIntervalMs;
        this.redeliver = redeliver;
    }

    public void onRecordAge(AgeListener listener) {
        this.ages = listener;
    }

    /** Whether a batch now would be sent during the backoff that follows a failure. */
    boolean backingOff() {
        return !available && time.milliseconds() < nextAttemptMs;
    }

    /** Takes the age of a batch's records now, for the record-age metrics. */
    void measureAge(List<Notification> batch) {
        long sum = 0;
        int timestamped = 0;
        long oldest = Long.MAX_VALUE;
        for (Notification notification : batch) {
            long timestamp = notification.timestamp();
            if (timestamp != Notification.NO_TIMESTAMP) {
                sum += timestamp;
                timestamped++;
                oldest = Math.min(oldest, timestamp);
            }
        }
        if (timestamped > 0) {
            long now = time.milliseconds();
            ages.recordAge(now - (double) sum / timestamped, now - oldest);
        }
    }

    /**
     * Counts what Redis did with a batch.
     *
     * @return 0 when every notification was delivered; otherwise how long to wait before the next attempt
     */
    long record(PublishResult result) {
        published.addAndGet(result.delivered());
        subscribersReached.addAndGet(result.subscribersReached());
        long now = time.milliseconds();
        if (result.complete()) {
            if (!available) {
                recovered(now);
            }
            return 0;
        }
        int lost = result.size() - result.delivered();
        return failed(now, result.error(), lost, result.delivered() == 0);
    }

    /** Best-effort: notifications not published because Redis failed or was backing off. */
    void countDropped(int count) {
        dropped.addAndGet(count);
        lostInOutage += count;
        logSummaryIfDue(time.milliseconds());
    }

    /** At-least-once: notifications handed back to Connect for redelivery. */
    void countRedelivered(int count) {
        redelivered.addAndGet(count);
    }

    /**
     * Counts and logs a failure; returns how long to wait before the next attempt. Only a batch of which nothing
     * was delivered holds the next batches back (best-effort drops them until the wait is over): when some
     * cluster nodes took their share, the healthy nodes keep publishing. The wait grows either way, for the
     * redelivery that at-least-once asks for.
     */
    private long failed(long now, Throwable cause, int lost, boolean nothingDelivered) {
        failures.incrementAndGet();
        lastError = describe(cause);
        failedAttempts++;
        long wait = Math.max(1, backoff.backoff(failedAttempts - 1));
        if (nothingDelivered) {
            nextAttemptMs = now + wait;
        }
        if (available) {
            available = false;
            outageStartMs = now;
            lastSummaryMs = now;
            lostInOutage = redeliver ? lost : 0;
            String what = nothingDelivered ? "is unavailable" : "took only part of a batch";
            String then = redeliver
                    ? "at-least-once: Connect redelivers the batch, and offsets wait until Redis takes all of it"
                    : nothingDelivered ? "dropping notifications (Kafka offsets keep advancing)"
                    : "dropping the rest; the other nodes' notifications keep going out";
            log.warn("Redis at {} {} ({}); {}; next attempt in {} ms.", target, what, lastError, then, wait);
            log.debug("Redis failure at {}", target, cause);
        } else {
            if (redeliver) {
                lostInOutage += lost;
            }
            logSummaryIfDue(now);
        }
        return wait;
    }

    private void logSummaryIfDue(long now) {
        if (!available && now - lastSummaryMs >= summaryIntervalMs) {
            lastSummaryMs = now;
            log.warn("Redis at {} still unavailable after {} s: {} failed attempts, {} notifications {} "
                            + "(last error: {})", target, (now - outageStartMs) / 1000, failedAttempts, lostInOutage,
                    redeliver ? "handed back for redelivery" : "dropped", lastError);
        }
    }

    private void recovered(long now) {
        log.info("Redis at {} is available again after {} ms; {} notifications were {} meanwhile.", target,
                now - outageStartMs, lostInOutage, redeliver ? "handed back for redelivery" : "dropped");
        available = true;
        failedAttempts = 0;
        lostInOutage = 0;
        lastError = null;
    }

    /** Class and message of the exception and its causes, without a stack trace. */
    private static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null && text.length() < 500; t = t.getCause() == t ? null : t.getCause()) {
            if (text.length() > 0) {
                text.append("; caused by ");
            }
            text.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.toString();
    }

    /** Whether the last attempt delivered everything. */
    public boolean available() {
        return available;
    }

    public long published() {
        return published.get();
    }

    public long dropped() {
        return dropped.get();
    }

    public long redelivered() {
        return redelivered.get();
    }

    /** Attempts of which Redis did not take everything. */
    public long failures() {
        return failures.get();
    }

    /** The sum of the publish replies: how many subscriber deliveries Redis reported. */
    public long subscribersReached() {
        return subscribersReached.get();
    }
}
