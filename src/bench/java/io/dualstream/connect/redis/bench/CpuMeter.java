package io.dualstream.connect.redis.bench;

import redis.clients.jedis.Jedis;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the CPU of a run went: this JVM (broker, worker, tasks, subscriber), the connector's task threads alone,
 * the subscriber thread, and {@code redis-server} (from {@code INFO cpu}). On a 2-core machine a drain is
 * CPU-bound, so this is the profile that explains the ratios.
 */
final class CpuMeter {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final BenchStack stack;
    private long jvm;
    private long redis;
    private long subscriber;
    private final Map<Long, Long> threadsAtStart = new HashMap<>();

    CpuMeter(BenchStack stack) {
        this.stack = stack;
    }

    void start() {
        jvm = processCpuNanos();
        redis = redisCpuNanos();
        subscriber = threadCpuNanos("subscriber-");
        threadsAtStart.clear();
        for (long id : THREADS.getAllThreadIds()) {
            threadsAtStart.put(id, Math.max(0, THREADS.getThreadCpuTime(id)));
        }
    }

    /** Call before the connector is deleted: its task threads end with it. */
    String stop(String connector, double wallSeconds) {
        double jvmS = (processCpuNanos() - jvm) / 1e9;
        double redisS = (redisCpuNanos() - redis) / 1e9;
        double subscriberS = (threadCpuNanos("subscriber-") - subscriber) / 1e9;
        double tasksS = taskThreadsCpuNanos("task-thread-" + connector + "-") / 1e9;
        int cores = Runtime.getRuntime().availableProcessors();
        return String.format("cpu s: jvm %.2f (task threads %.2f, subscriber %.2f), redis-server %.2f; "
                        + "%.0f%% of %d cores", jvmS, tasksS, subscriberS, redisS,
                100 * (jvmS + redisS) / (cores * wallSeconds), cores);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long threadCpuNanos(String namePrefix) {
        long total = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(namePrefix)) {
                total += Math.max(0, THREADS.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }

    /** The worker reuses pooled threads under each task's name: count only what they spent since start(). */
    private long taskThreadsCpuNanos(String namePrefix) {
        long total = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(namePrefix)) {
                long now = Math.max(0, THREADS.getThreadCpuTime(info.getThreadId()));
                total += now - threadsAtStart.getOrDefault(info.getThreadId(), 0L);
            }
        }
        return total;
    }

    private long redisCpuNanos() {
        try (Jedis jedis = new Jedis(stack.redis.host(), stack.redis.port())) {
            double seconds = 0;
            for (String line : jedis.info("cpu").split("\r?\n")) {
                if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                    seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return (long) (seconds * 1e9);
        }
    }
}
