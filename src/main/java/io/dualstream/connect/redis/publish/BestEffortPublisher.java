package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;
import org.apache.kafka.common.utils.ExponentialBackoff;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes Redis best-effort: a failure is logged and counted and never reaches the task. After a failure the
 * next attempts wait with a bounded exponential backoff, and notifications meanwhile are dropped (Kafka keeps
 * the events; offsets keep advancing). The next attempt after the backoff is a real batch, so publishing
 * resumes by itself once Redis answers.
 *
 * <p>For {@code delivery.guarantee=at-least-once} the task uses {@link #attempt(List)} instead: nothing is dropped,
 * the caller learns how long to back off and hands the batch back to Connect for redelivery.
 *
 * <p>Logging stays short during an outage: the first failure with its cause, then at most one summary line
 * per {@code summaryIntervalMs}, then one line on recovery.
 */
public final class BestEffortPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BestEffortPublisher.class);
    private static final double BACKOFF_JITTER = 0.2;

    private final NotificationPublisher redis;
    private final String target;
    private final Time time;
    private final ExponentialBackoff backoff;
    private final long summaryIntervalMs;

    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong subscribersReached = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private long lastBatchNanos = -1;

    // Outage state; touched only by the task thread.
    private volatile boolean available = true;
    private long outageStartMs;
    private long failedAttempts;
    private long nextAttemptMs;
    private long droppedInOutage;
    private long retriedInOutage;
    private boolean redeliver;
    private long lastSummaryMs;
    private String lastError;

    public BestEffortPublisher(NotificationPublisher redis, String target, Time time, long backoffMs,
                               long maxBackoffMs, long summaryIntervalMs) {
        this.redis = redis;
        this.target = target;
        this.time = time;
        this.backoff = new ExponentialBackoff(backoffMs, 2, maxBackoffMs, BACKOFF_JITTER);
        this.summaryIntervalMs = summaryIntervalMs;
    }

    /** Publishes the batch, or drops it while Redis is backing off. Never throws for Redis failures. */
    public void publish(List<Notification> batch) {
        lastBatchNanos = -1;
        if (batch.isEmpty()) {
            return;
        }
        long now = time.milliseconds();
        if (!available && now < nextAttemptMs) {
            drop(batch.size());
            logSummaryIfDue(now);
            return;
        }
        redeliver = false;
        Attempt attempt = send(batch);
        if (attempt.retryInMs() > 0) {
            drop(batch.size() - attempt.published());
        }
    }

    /** How much of a batch Redis took, and how long to wait before trying again when it did not take all. */
    public record Attempt(int published, long retryInMs) {
        public boolean complete() {
            return retryInMs == 0;
        }
    }

    /**
     * At-least-once: tries the batch now (Connect has already waited the backoff) and drops nothing. When Redis
     * fails, the notifications after {@link Attempt#published()} must be sent again after {@link Attempt#retryInMs()}.
     */
    public Attempt attempt(List<Notification> batch) {
        redeliver = true;
        lastBatchNanos = -1;
        if (batch.isEmpty()) {
            return new Attempt(0, 0);
        }
        Attempt attempt = send(batch);
        if (!attempt.complete()) {
            int left = batch.size() - attempt.published();
            retried.addAndGet(left);
            retriedInOutage += left;
        }
        return attempt;
    }

    private Attempt send(List<Notification> batch) {
        long start = System.nanoTime();
        try {
            subscribersReached.addAndGet(redis.publish(batch));
            published.addAndGet(batch.size());
            if (!available) {
                recovered(time.milliseconds());
            }
            return new Attempt(batch.size(), 0);
        } catch (PublishException e) {
            published.addAndGet(e.published());
            subscribersReached.addAndGet(e.subscribersReached());
            return new Attempt(e.published(), failed(time.milliseconds(), e.getCause() != null ? e.getCause() : e));
        } catch (RuntimeException e) {
            // Whatever the client threw, it is a Redis failure, never the task's.
            return new Attempt(0, failed(time.milliseconds(), e));
        } finally {
            lastBatchNanos = System.nanoTime() - start;
        }
    }

    /** Counts and logs a failure; returns how long to wait before the next attempt. */
    private long failed(long now, Throwable cause) {
        failures.incrementAndGet();
        lastError = describe(cause);
        failedAttempts++;
        long wait = backoff.backoff(failedAttempts - 1);
        nextAttemptMs = now + wait;
        if (available) {
            available = false;
            outageStartMs = now;
            lastSummaryMs = now;
            log.warn("Redis at {} is unavailable ({}); {} in {} ms.", target, lastError, redeliver
                    ? "at-least-once: Connect redelivers the batch, and offsets wait until Redis accepts it; next attempt"
                    : "dropping notifications (Kafka offsets keep advancing); next attempt", wait);
            log.debug("Redis failure at {}", target, cause);
        } else {
            logSummaryIfDue(now);
        }
        return Math.max(1, wait);
    }

    private void drop(int count) {
        dropped.addAndGet(count);
        droppedInOutage += count;
    }

    private void logSummaryIfDue(long now) {
        if (now - lastSummaryMs >= summaryIntervalMs) {
            lastSummaryMs = now;
            log.warn("Redis at {} still unavailable after {} s: {} failed attempts, {} notifications {} "
                            + "(last error: {})", target, (now - outageStartMs) / 1000, failedAttempts,
                    redeliver ? retriedInOutage : droppedInOutage, redeliver ? "handed back for redelivery" : "dropped",
                    lastError);
        }
    }

    private void recovered(long now) {
        log.info("Redis at {} is available again after {} ms; {} notifications were {} meanwhile.", target,
                now - outageStartMs, redeliver ? retriedInOutage : droppedInOutage,
                redeliver ? "handed back for redelivery" : "dropped");
        available = true;
        failedAttempts = 0;
        droppedInOutage = 0;
        retriedInOutage = 0;
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

    /** Whether the last attempt succeeded. */
    public boolean available() {
        return available;
    }

    public long published() {
        return published.get();
    }

    /** Notifications not published because Redis failed or was backing off. */
    public long dropped() {
        return dropped.get();
    }

    /** At-least-once: notifications handed back to Connect for redelivery because Redis failed. */
    public long retried() {
        return retried.get();
    }

    /** How long the last attempt to publish a batch took, in nanoseconds (pipeline latency); -1 when it was dropped unsent. */
    public long lastBatchNanos() {
        return lastBatchNanos;
    }

    /** Failed attempts to reach Redis. */
    public long failures() {
        return failures.get();
    }

    /** The sum of PUBLISH replies: how many subscriber deliveries Redis made. */
    public long subscribersReached() {
        return subscribersReached.get();
    }

    @Override
    public void close() {
        redis.close();
    }
}
