package io.dualstream.connect.redis.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * JMH profiler ({@code -prof io.dualstream.connect.redis.bench.CpuTimeProfiler}): the CPU time of the benchmark's
 * worker threads per operation, {@code cpu.time.norm} in ns/op. Unlike the wall-clock score it does not count the
 * time a worker waits for a core, so on a shared machine it stays comparable from one fork to the next (what
 * sharing does to caches is still in it). GC and JIT threads are not counted; {@code -prof gc} shows the
 * allocation. A worker that starts during an iteration counts from its start, so the first iteration of a fork
 * also holds the worker's trial setup: keep warm-up iterations.
 */
public final class CpuTimeProfiler implements InternalProfiler {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Map<Long, Long> atStart = new HashMap<>();

    @Override
    public String getDescription() {
        return "CPU time of the benchmark threads per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        atStart.clear();
        for (ThreadInfo worker : workers()) {
            atStart.put(worker.getThreadId(), THREADS.getThreadCpuTime(worker.getThreadId()));
        }
    }

    @Override
    public List<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                 IterationResult result) {
        long nanos = 0;
        for (ThreadInfo worker : workers()) {
            nanos += THREADS.getThreadCpuTime(worker.getThreadId()) - atStart.getOrDefault(worker.getThreadId(), 0L);
        }
        long ops = result.getMetadata().getAllOps();
        return List.of(new ScalarResult("cpu.time.norm", ops == 0 ? Double.NaN : nanos / (double) ops, "ns/op",
                AggregationPolicy.AVG));
    }

    /** JMH names its benchmark threads {@code <benchmark>-jmh-worker-<n>}; they live as long as the fork. */
    private static List<ThreadInfo> workers() {
        return Arrays.stream(THREADS.getThreadInfo(THREADS.getAllThreadIds()))
                .filter(info -> info != null && info.getThreadName().contains("-jmh-worker-"))
                .toList();
    }
}
