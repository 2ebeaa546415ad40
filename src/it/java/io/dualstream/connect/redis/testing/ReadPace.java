package io.dualstream.connect.redis.testing;

import java.util.concurrent.TimeUnit;

/** Holds a {@link Subscriber}'s listening thread to at most {@code perSecond} messages a second. */
final class ReadPace {
    /** How far behind its schedule the reader may fall and still catch up at full speed. */
    private static final long MAX_LAG_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MIN_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    final int perSecond;
    private final long intervalNanos;
    private boolean started;
    private long dueNanos;

    ReadPace(int perSecond) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("messages per second must be positive: " + perSecond);
        }
        this.perSecond = perSecond;
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
    }

    /** Called by the listening thread after each message: waits until the next one may be read. */
    void awaitTurn() {
        long now = System.nanoTime();
        if (!started || now - dueNanos > MAX_LAG_NANOS) {
            started = true;
            dueNanos = now;
        }
        dueNanos += intervalNanos;
        long wait = dueNanos - now;
        // Waits shorter than a millisecond add up until one is worth sleeping for.
        if (wait >= MIN_SLEEP_NANOS) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait); // the simulated slowness of the reader, not synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

