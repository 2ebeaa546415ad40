package io.dualstream.connect.redis.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces: count fields from the closing parenthesis.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
            return (long) (ticks * TICK_NANOS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of process " + pid, e);
        }
    }
}
