package io.dualstream.connect.redis.bench;

import java.util.Arrays;

/** A bounded, thread-safe list of long samples with percentiles; samples past the capacity are counted only. */
final class LongSamples {

    private final long[] values;
    private int size;
    private long overflow;

    LongSamples(int capacity) {
        values = new long[capacity];
    }

    synchronized void add(long value) {
        if (size < values.length) {
            values[size++] = value;
        } else {
            overflow++;
        }
    }

    synchronized void clear() {
        size = 0;
        overflow = 0;
    }

    synchronized long[] sorted() {
        long[] copy = Arrays.copyOf(values, size);
        Arrays.sort(copy);
        if (overflow > 0) {
            System.out.println("  (note: " + overflow + " samples past capacity were not kept)");
        }
        return copy;
    }

    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    static double mean(long[] values) {
        return values.length == 0 ? 0 : Arrays.stream(values).average().orElse(0);
    }
}
