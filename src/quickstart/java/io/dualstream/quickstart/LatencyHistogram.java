package io.dualstream.quickstart;

import java.util.concurrent.atomic.AtomicLongArray;

/** Latencies in 1 ms buckets up to a minute (later ones share the last bucket); cheap to record from any thread. */
public final class LatencyHistogram {

    private static final int MAX_MILLIS = 60_000;

    private final AtomicLongArray buckets = new AtomicLongArray(MAX_MILLIS + 1);

    public void record(long millis) {
        buckets.incrementAndGet((int) Math.max(0, Math.min(MAX_MILLIS, millis)));
    }

    /** The smallest latency that at least {@code percent}% of the recorded ones do not exceed; -1 when empty. */
    public long percentile(double percent) {
        long total = 0;
        for (int i = 0; i <= MAX_MILLIS; i++) {
            total += buckets.get(i);
        }
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(total * percent / 100.0);
        long seen = 0;
        for (int i = 0; i <= MAX_MILLIS; i++) {
            seen += buckets.get(i);
            if (seen >= Math.max(1, rank)) {
                return i;
            }
        }
        return MAX_MILLIS;
    }
}
