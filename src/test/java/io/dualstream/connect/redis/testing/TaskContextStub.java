package io.dualstream.connect.redis.testing;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** The one worker-context stand-in for unit tests: records what it is given (reported records, timeouts, rewinds) and answers assignment() as set. */
public final class TaskContextStub implements SinkTaskContext {

    public final List<SinkRecord> reported = new ArrayList<>();
    public final List<Throwable> reasons = new ArrayList<>();
    public final List<Long> timeouts = new ArrayList<>();
    /** Each call to offset(), in order: the partitions to rewind and where to. */
    public final List<Map<TopicPartition, Long>> rewinds = new ArrayList<>();
    /** What assignment() answers: the partitions the consumer holds. */
    public final Set<TopicPartition> assigned = new HashSet<>();
    private final boolean hasReporter;
    private final PluginMetrics pluginMetrics;

    /** @param hasReporter whether the worker has an error reporter (errors.tolerance=all with a DLQ or log) */
    public TaskContextStub(boolean hasReporter) {
        this(hasReporter, null);
    }

    /** @param pluginMetrics the worker's plugin metrics (KIP-877), or {@code null} for an older worker */
    public TaskContextStub(boolean hasReporter, PluginMetrics pluginMetrics) {
        this.hasReporter = hasReporter;
        this.pluginMetrics = pluginMetrics;
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        if (!hasReporter) {
            return null;
        }
        return (record, error) -> {
            reported.add(record);
            reasons.add(error);
            return CompletableFuture.completedFuture(null);
        };
    }

    @Override
    public Map<String, String> configs() {
        return Map.of();
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
        rewinds.add(Map.copyOf(offsets));
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
        offset(Map.of(tp, offset));
    }

    @Override
    public void timeout(long timeoutMs) {
        timeouts.add(timeoutMs);
    }

    @Override
    public Set<TopicPartition> assignment() {
        return Set.copyOf(assigned);
    }

    @Override
    public void pause(TopicPartition... partitions) {
    }

    @Override
    public void resume(TopicPartition... partitions) {
    }

    @Override
    public void requestCommit() {
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return pluginMetrics;
    }
}
