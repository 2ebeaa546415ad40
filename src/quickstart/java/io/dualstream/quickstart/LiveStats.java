package io.dualstream.quickstart;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What the subscriber has seen: totals, per-channel counts, latency from event time to receipt. */
public final class LiveStats {

    /** A channel and how many notifications it carried. */
    public record ChannelCount(String channel, long count) {
    }

    private final LongAdder received = new LongAdder();
    private final LongAdder withoutTimestamp = new LongAdder();
    private final Map<String, LongAdder> perChannel = new ConcurrentHashMap<>();
    private final LatencyHistogram latency = new LatencyHistogram();
    private final RecentLatencies recent = new RecentLatencies(10_000);
    private final AtomicLong firstAtMillis = new AtomicLong(-1);

    /** Records one notification; {@code eventTimeMillis} is negative when the notification carries no timestamp. */
    public void record(String channel, long eventTimeMillis, long receivedAtMillis) {
        received.increment();
        firstAtMillis.compareAndSet(-1, receivedAtMillis);
        perChannel.computeIfAbsent(channel, c -> new LongAdder()).increment();
        if (eventTimeMillis >= 0) {
            latency.record(receivedAtMillis - eventTimeMillis);
            recent.record(receivedAtMillis, receivedAtMillis - eventTimeMillis);
        } else {
            withoutTimestamp.increment();
        }
    }

    public long received() {
        return received.sum();
    }

    public long withoutTimestamp() {
        return withoutTimestamp.sum();
    }

    /** When the first notification arrived (epoch ms), or -1. */
    public long firstAtMillis() {
        return firstAtMillis.get();
    }

    public int channels() {
        return perChannel.size();
    }

    public long latencyPercentile(double percent) {
        return latency.percentile(percent);
    }

    /** p50 and p99 over the last 10 seconds, or null when nothing arrived in them. */
    public long[] recentLatencyPercentiles(long nowMillis) {
        return recent.percentiles(nowMillis);
    }

    public List<ChannelCount> busiest(int limit) {
        return perChannel.entrySet().stream()
                .map(e -> new ChannelCount(e.getKey(), e.getValue().sum()))
                .sorted(Comparator.comparingLong(ChannelCount::count).reversed().thenComparing(ChannelCount::channel))
                .limit(limit)
                .toList();
    }
}
