package io.dualstream.quickstart;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The latencies of the last few seconds, so the live view shows how the pipeline does now rather than an
 * average that still carries the warm-up (the first events wait for the sink's consumer to join its group).
 */
public final class RecentLatencies {

    private static final int MAX_SAMPLES = 50_000;

    private final long windowMillis;
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();

    public RecentLatencies(long windowMillis) {
        this.windowMillis = windowMillis;
    }

    public synchronized void record(long receivedAtMillis, long latencyMillis) {
        samples.addLast(new long[] {receivedAtMillis, latencyMillis});
        if (samples.size() > MAX_SAMPLES) {
            samples.removeFirst();
        }
    }

    /** p50 and p99 (in that order) of the samples received within the window before {@code nowMillis}; null if none. */
    public synchronized long[] percentiles(long nowMillis) {
        while (!samples.isEmpty() && samples.peekFirst()[0] < nowMillis - windowMillis) {
            samples.removeFirst();
        }
        if (samples.isEmpty()) {
            return null;
        }
        long[] sorted = samples.stream().mapToLong(sample -> sample[1]).toArray();
        Arrays.sort(sorted);
        return new long[] {at(sorted, 50), at(sorted, 99)};
    }

    private static long at(long[] sorted, double percent) {
        int rank = (int) Math.ceil(sorted.length * percent / 100.0);
        return sorted[Math.max(0, rank - 1)];
    }
}
