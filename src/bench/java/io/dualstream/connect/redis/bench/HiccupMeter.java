package io.dualstream.connect.redis.bench;

/**
 * The control measurement for latency tails: a thread that asks to sleep 1 ms over and over and records how late it
 * wakes up. Lateness here is the machine's (CPU contention from other processes, GC pauses of this JVM), not the
 * connector's; a latency tail of the same size has the same cause.
 */
final class HiccupMeter implements AutoCloseable {

    private final LongSamples lateNanos = new LongSamples(1 << 21);
    private final Thread thread;
    private volatile boolean closed;

    HiccupMeter() {
        thread = new Thread(() -> {
            while (!closed) {
                long before = System.nanoTime();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
                lateNanos.add(Math.max(0, System.nanoTime() - before - 1_000_000L));
            }
        }, "bench-hiccup");
        thread.setDaemon(true);
        thread.start();
    }

    void reset() {
        lateNanos.clear();
    }

    /** "p99 x ms, p99.9 y ms, max z ms" of the wake-up lateness since the last reset. */
    String summary() {
        long[] sorted = lateNanos.sorted();
        return String.format("%.2f | %.2f | %.2f", LongSamples.percentile(sorted, 99) / 1e6,
                LongSamples.percentile(sorted, 99.9) / 1e6, LongSamples.percentile(sorted, 100) / 1e6);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
