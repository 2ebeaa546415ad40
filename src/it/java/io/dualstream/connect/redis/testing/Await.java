package io.dualstream.connect.redis.testing;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes. A probe that throws (a node still starting, a connection
 * refused during a failover) counts as "not yet"; the last answer or exception goes into the failure message.
 */
public final class Await {

    private static final long POLL_MILLIS = 100;

    private Await() {
    }

    /** Polls {@code probe} until it returns a non-null value, and returns that value. */
    public static <T> T until(String what, Duration timeout, Supplier<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                T value = probe.get();
                if (value != null) {
                    return value;
                }
                last = null;
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() >= deadline) {
                throw new IllegalStateException("Timed out after " + timeout + " waiting for " + what
                        + (last == null ? "" : "; last error: " + last), last);
            }
            pause(POLL_MILLIS);
        }
    }

    /** Polls {@code condition} until it is true. */
    public static void until(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        until(what, timeout, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    /**
     * Sleeps {@code millis}: between the polls of a loop with its own deadline, or for a deliberate wait (a server
     * kept down, a retry interval), never as synchronisation. An interrupt ends the wait with an exception, the
     * thread's interrupt flag set again.
     */
    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
