package io.dualstream.connect.redis.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of another process from {@code /proc/PID/stat} (user + system, all threads), as {@code top} counts it: the
 * only way to charge a drain's work to the worker, the broker, Redis and the subscriber when each is its own process.
 */
final class ProcessCpu {

    /** USER_HZ: the unit of {@code /proc/PID/stat}'s times; 100 on every Linux this runs on. */
    private static final double TICK_NANOS = 1e9 / Long.getLong("clk.tck", 100);

    private ProcessCpu() {
    }

    static long nanos(long pid) {
        long[] userSystem = userSystem(Path.of("/proc", Long.toString(pid), "stat"));
        return userSystem[0] + userSystem[1];
    }

    /** A thread group's user and system CPU and its time ready to run but waiting for a CPU, in nanoseconds. */
    record ThreadTimes(long user, long system, long runDelay) {
        static final ThreadTimes ZERO = new ThreadTimes(0, 0, 0);

        long cpu() {
            return user + system;
        }

        ThreadTimes plus(ThreadTimes other) {
            return new ThreadTimes(user + other.user, system + other.system, runDelay + other.runDelay);
        }

        ThreadTimes minus(ThreadTimes earlier) {
            return new ThreadTimes(user - earlier.user, system - earlier.system, runDelay - earlier.runDelay);
        }
    }

    /**
     * The times of each of the process's threads, summed per thread name with its digits made {@code #}
     * ({@code GC Thread#0} and {@code GC Thread#1} are {@code GC Thread##}; a worker's task runs in
     * {@code task-thread-NAME-#}): where a JVM's CPU went, and where its threads waited for one
     * ({@code /proc/PID/task/TID/schedstat}'s run delay).
     */
    static Map<String, ThreadTimes> threads(long pid) {
        Map<String, ThreadTimes> byName = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]", "#");
                    long[] userSystem = userSystem(task.resolve("stat"));
                    byName.merge(name, new ThreadTimes(userSystem[0], userSystem[1], runDelay(task.resolve("schedstat"))),
                            ThreadTimes::plus);
                } catch (UncheckedIOException | IOException ended) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the threads of process " + pid, e);
        }
        return byName;
    }

    /** What each thread group spent between two readings of {@link #threads}. */
    static Map<String, ThreadTimes> spent(Map<String, ThreadTimes> first, Map<String, ThreadTimes> last) {
        Map<String, ThreadTimes> spent = new TreeMap<>();
        last.forEach((name, times) -> spent.put(name, times.minus(first.getOrDefault(name, ThreadTimes.ZERO))));
        return spent;
    }

    /** Nanoseconds spent runnable on a run queue: "time on the CPU, time waiting, timeslices". */
    private static long runDelay(Path schedstat) throws IOException {
        return Long.parseLong(Files.readString(schedstat).trim().split(" ")[1]);
    }

    private static long[] userSystem(Path stat) {
        try {
            String text = Files.readString(stat);
            // The command name (field 2) may hold spaces: count fields from the closing parenthesis.
            String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
            // utime and stime, fields 14 and 15
            return new long[] {(long) (Long.parseLong(fields[11]) * TICK_NANOS),
                    (long) (Long.parseLong(fields[12]) * TICK_NANOS)};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stat, e);
        }
    }
}
