package io.dualstream.connect.redis.publish;

import org.apache.kafka.common.utils.Time;

import java.util.concurrent.TimeUnit;

/**
 * At most {@code perSecond} notifications a second, sent in slices of {@value #SLICE_MS} ms' worth. Each slice
 * waits for the time the previous ones booked. Time lost to oversleeping or to the task's own work between
 * batches is made up, but only the last {@value #CATCH_UP_MS} ms of it: a longer quiet spell is not saved up for
 * a burst. So any one second carries at most the rate plus {@value #CATCH_UP_MS} ms and one slice of it
 * (1.04 times), while a steady backlog drains at the rate itself.
 */
final class RatePacing implements Pacing {

    static final long SLICE_MS = 20;
    /** How much lost time a late slice may make up (without it, a backlog drained 8-22% below the rate). */
    static final long CATCH_UP_MS = 20;
    /** The longest put() waits for its turn; what does not fit goes back to Kafka. */
    static final long MAX_WAIT_MS = 1000;

    private final Time time;
    private final double nanosPerNotification;
    private final int slice;
    /** When the next notification may go out, in {@link Time#nanoseconds()}. */
    private long nextFreeNanos;

    RatePacing(int perSecond, Time time) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive: " + perSecond);
        }
        this.time = time;
        this.nanosPerNotification = TimeUnit.SECONDS.toNanos(1) / (double) perSecond;
        this.slice = (int) Math.max(1, perSecond * SLICE_MS / 1000);
        this.nextFreeNanos = time.nanoseconds();
    }

    @Override
    public int admissible(int notificationsPerRecord) {
        long queued = Math.max(0, nextFreeNanos - time.nanoseconds());
        double budget = TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MS) - queued;
        long records = (long) (budget / nanosPerNotification / Math.max(1, notificationsPerRecord));
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, records));
    }

    @Override
    public NotificationPublisher pace(NotificationPublisher publisher) {
        return new PacedPublisher(publisher, this);
    }

    int slice() {
        return slice;
    }

    /**
     * Waits until {@code count} notifications may go out, and books their time.
     *
     * @return false when the thread was interrupted while waiting (the flag is kept)
     */
    boolean awaitTurn(int count) {
        long now = time.nanoseconds();
        long wait = nextFreeNanos - now;
        if (wait > 0) {
            time.sleep(TimeUnit.NANOSECONDS.toMillis(wait + 999_999));
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
            now = time.nanoseconds();
        }
        nextFreeNanos = Math.max(nextFreeNanos, now - TimeUnit.MILLISECONDS.toNanos(CATCH_UP_MS))
                + (long) (count * nanosPerNotification);
        return true;
    }
}
