package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;
import org.apache.kafka.common.utils.ExponentialBackoff;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Keeps Redis failures away from the task, for both delivery guarantees: a failure is logged and counted, and
 * the next attempts wait with a bounded exponential backoff. With {@link #publish(List)} (best-effort),
 * notifications meanwhile are dropped (Kafka keeps the events; offsets keep advancing). The next attempt after the
 * backoff is a real batch, so publishing resumes by itself once Redis answers.
 *
 * <p>{@link #publish(List)} does not wait for Redis's replies: it writes the batch and returns, so that Connect
 * polls and converts the next batch while Redis works. The replies are read by {@link #settle()}, which the
 * next {@code publish} calls first, and the task calls on each offset flush and at stop. The counters
 * (published, subscribers reached, dropped, failures) and {@link #available()} therefore lag by at most one
 * batch, and a failure that only the replies reveal is seen one batch later; the next batch is then dropped
 * as during any backoff.
 *
 * <p>For {@code delivery.guarantee=at-least-once} the task uses {@link #attempt(List)} instead: nothing is dropped,
 * the caller learns how long to back off and hands the batch back to Connect for redelivery.
 *
 * <p>Logging stays short during an outage: the first failure with its cause, then at most one summary line
 * per {@code summaryIntervalMs}, then one line on recovery.
 */
public final class BackoffPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BackoffPublisher.class);
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
    private LongConsumer pipelineNanos = nanos -> { };
    /** The replies of the last batch written by {@link #publish(List)}, not read yet; touched only by the task thread. */
    private NotificationPublisher.Replies inFlight;
    private int inFlightSize;
    private long inFlightWriteNanos;

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

    public BackoffPublisher(NotificationPublisher redis, String target, Time time, long backoffMs,
                               long maxBackoffMs, long summaryIntervalMs) {
        this.redis = redis;
        this.target = target;
        this.time = time;
        this.backoff = new ExponentialBackoff(backoffMs, 2, maxBackoffMs, BACKOFF_JITTER);
        this.summaryIntervalMs = summaryIntervalMs;
    }

    /** Receives how long each batch's pipeline took (see {@link #settle()}), in nanoseconds. */
    public void onPipelineLatency(LongConsumer listener) {
        this.pipelineNanos = listener;
    }

    /**
     * Reads the replies of the previous batch, then writes this one without waiting for its replies, or drops it
     * while Redis is backing off. Never throws for Redis failures.
     */
    public void publish(List<Notification> batch) {
        settle();
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
        long start = System.nanoTime();
        try {
            inFlight = redis.send(batch);
            inFlightSize = batch.size();
            inFlightWriteNanos = System.nanoTime() - start;
        } catch (RuntimeException e) {
            Attempt attempt = failedAttempt(e);
            pipelineNanos.accept(System.nanoTime() - start);
            drop(batch.size() - attempt.published());
        }
    }

    /**
     * Reads the replies of the batch {@link #publish(List)} left in flight, if any, and counts them, waiting at
     * most the client's socket timeout. Its pipeline latency is the time spent writing it plus the time spent
     * waiting here for its replies (not the time in between, when the task was doing other work).
     */
    public void settle() {
        if (inFlight == null) {
            return;
        }
        NotificationPublisher.Replies replies = inFlight;
        inFlight = null;
        long start = System.nanoTime();
        Attempt attempt;
        try {
            attempt = succeeded(inFlightSize, replies.await());
        } catch (RuntimeException e) {
            attempt = failedAttempt(e);
        }
        pipelineNanos.accept(inFlightWriteNanos + System.nanoTime() - start);
        if (!attempt.complete()) {
            drop(inFlightSize - attempt.published());
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
        settle();
        redeliver = true;
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

    /** Publishes and waits for the replies. */
    private Attempt send(List<Notification> batch) {
        long start = System.nanoTime();
        try {
            return succeeded(batch.size(), redis.publish(batch));
        } catch (RuntimeException e) {
            return failedAttempt(e);
        } finally {
            pipelineNanos.accept(System.nanoTime() - start);
        }
    }

    private Attempt succeeded(int size, long reached) {
        subscribersReached.addAndGet(reached);
        published.addAndGet(size);
        if (!available) {
            recovered(time.milliseconds());
        }
        return new Attempt(size, 0);
    }

    private Attempt failedAttempt(RuntimeException e) {
        if (e instanceof PublishException partly) {
            published.addAndGet(partly.published());
            subscribersReached.addAndGet(partly.subscribersReached());
            return new Attempt(partly.published(), failed(time.milliseconds(), e.getCause() != null ? e.getCause() : e));
        }
        // Whatever the client threw, it is a Redis failure, never the task's.
        return new Attempt(0, failed(time.milliseconds(), e));
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

    /** Failed attempts to reach Redis. */
    public long failures() {
        return failures.get();
    }

    /** The sum of PUBLISH replies: how many subscriber deliveries Redis made. */
    public long subscribersReached() {
        return subscribersReached.get();
    }

    /** Reads the replies still in flight (so that the counters are final), then closes the connection. */
    @Override
    public void close() {
        try {
            settle();
        } finally {
            redis.close();
        }
    }
}
