package io.dualstream.connect.redis.bench;

import io.dualstream.connect.redis.testing.StockWorker;
import io.dualstream.connect.redis.testing.chaos.ChaosReport;
import io.dualstream.connect.redis.testing.chaos.ChaosRig;
import io.dualstream.connect.redis.testing.chaos.Fault;

import javax.management.ObjectName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The chaos rig of the integration tests (three stock 4.3.1 workers, the packaged plugin, a KRaft broker, Redis)
 * run long, for BENCHMARKS.md.
 * <ul>
 *   <li>{@code chaos [standalone|cluster|sentinel ...]}: every fault in turn, the backlog committed and 20 s of flow
 *   between them, at 2,000 events/s, against each topology named (default: all three); prints the table per topology.</li>
 *   <li>{@code soak [minutes] [events/s]}: 60 minutes at 5,000 events/s against a 3+3 cluster with SPUBLISH, a
 *   fault every 5 minutes in rotation; prints, per minute, the workers' heap after GC, threads and open file
 *   descriptors, the Redis connections per node, and the end-to-end p99 (notifications of the minute).</li>
 * </ul>
 * Needs {@code plugin.zip}, {@code maven.home} and {@code project.basedir} (src/bench/run sets them).
 */
public final class ChaosHarness {

    private static final List<Fault> MATRIX = List.of(Fault.WORKER_KILL, Fault.ZOMBIE, Fault.ROLLING_RESTART,
            Fault.PAUSE_RESUME, Fault.RESTART_TASKS, Fault.CONFIG_CHANGE, Fault.OFFSET_RESET, Fault.BROKER_RESTART,
            Fault.REDIS_FAILOVER, Fault.REDIS_AND_WORKER);

    private ChaosHarness() {
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "chaos";
        Path dir = Files.createTempDirectory("chaos-");
        if (what.equals("soak")) {
            int minutes = args.length > 1 ? Integer.parseInt(args[1]) : 60;
            int rate = args.length > 2 ? Integer.parseInt(args[2]) : 5000;
            soak(dir, minutes, rate);
        } else {
            List<String> topologies = args.length > 1 ? List.of(args).subList(1, args.length)
                    : List.of("standalone", "cluster", "sentinel");
            for (String topology : topologies) {
                matrix(dir.resolve(topology), topology);
            }
        }
        System.exit(0); // the Kafka and Jedis threads left behind are not ours to wait for
    }

    private static void matrix(Path dir, String topology) throws Exception {
        Files.createDirectories(dir);
        List<Fault> faults = new ArrayList<>();
        for (Fault fault : MATRIX) {
            if (!fault.needsRedisFailover() || !topology.equals("standalone")) {
                faults.add(fault);
            }
        }
        System.out.println("## " + topology + ": 2,000 events/s, 12 partitions, 24 sources, 6 tasks per connector, "
                + "notification.max.rate=1500 per task\n");
        try (ChaosRig rig = ChaosRig.start(new ChaosRig.Plan(topology, 12, 24, 6, 2000, 1500), dir)) {
            rig.flow(Duration.ofSeconds(20));
            for (Fault fault : faults) {
                System.out.println("  " + fault + " ...");
                rig.inject(fault);
                rig.flow(Duration.ofSeconds(20));
            }
            report(rig.finish(), faults);
        }
    }

    private static void report(ChaosRig.Result result, List<Fault> faults) {
        System.out.println(ChaosReport.table(result));
        System.out.println(ChaosReport.reasons(faults));
        List<String> violations = ChaosReport.violations(result);
        System.out.println(violations.isEmpty() ? "Invariants: all kept.\n"
                : "Invariants BROKEN:\n- " + String.join("\n- ", violations) + "\n");
    }

    private static void soak(Path dir, int minutes, int rate) throws Exception {
        List<Fault> rotation = List.of(Fault.WORKER_KILL, Fault.ZOMBIE, Fault.ROLLING_RESTART, Fault.PAUSE_RESUME,
                Fault.REDIS_FAILOVER, Fault.RESTART_TASKS, Fault.CONFIG_CHANGE, Fault.OFFSET_RESET,
                Fault.BROKER_RESTART, Fault.REDIS_AND_WORKER, Fault.WORKER_KILL, Fault.ZOMBIE);
        int maxRate = Math.max(1, rate * 4 / 6); // twice the share of a task, with fan-out on too
        System.out.printf(Locale.ROOT, "## soak: %d min at %,d events/s, 3+3 cluster with SPUBLISH, 12 partitions, "
                + "24 sources, 6 tasks per connector, notification.max.rate=%d per task, a fault every 5 min%n%n",
                minutes, rate, maxRate);
        LongSamples latencies = new LongSamples(2_000_000);
        List<Fault> applied = new ArrayList<>();
        try (ChaosRig rig = ChaosRig.start(new ChaosRig.Plan("cluster", 12, 24, 6, rate, maxRate), dir)) {
            rig.ledger().latencies(latencies::add);
            System.out.println("| Minute | Fault | Heap after GC per worker (MB) | Threads per worker | Open fds per worker "
                    + "| Redis connections per node | p50 / p99 end to end (ms) |");
            System.out.println("|---|---|---|---|---|---|---|");
            long start = System.nanoTime();
            int faultIndex = 0;
            for (int minute = 1; minute <= minutes; minute++) {
                String fault = "";
                if (minute % 5 == 0 && minute < minutes) {
                    Fault next = rotation.get(faultIndex++ % rotation.size());
                    rig.inject(next);
                    applied.add(next);
                    fault = next.toString();
                    latencies.clear(); // the recovery's backlog is reported by the fault, not the minute after
                }
                long due = start + Duration.ofMinutes(minute).toNanos();
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000); // the soak's length: events flow meanwhile
                }
                long[] sorted = latencies.sorted();
                latencies.clear();
                System.out.printf(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %d / %d |%n", minute, fault,
                        jvm(rig, "java.lang:type=MemoryPool,name=G1 Old Gen", "CollectionUsage.used", 1 << 20),
                        jvm(rig, "java.lang:type=Threading", "ThreadCount", 1),
                        jvm(rig, "java.lang:type=OperatingSystem", "OpenFileDescriptorCount", 1),
                        rig.redisConnections().values(), LongSamples.percentile(sorted, 50),
                        LongSamples.percentile(sorted, 99));
            }
            System.out.println();
            report(rig.finish(), applied.stream().distinct().toList());
        }
    }

    /** One JVM figure of each worker, in slot order. */
    private static String jvm(ChaosRig rig, String mbean, String attribute, long unit) {
        List<String> values = new ArrayList<>();
        String read = attribute.endsWith(".used") ? attribute.substring(0, attribute.length() - 5) : attribute;
        for (int slot = 0; slot < rig.workers().size(); slot++) {
            StockWorker worker = rig.workers().worker(slot);
            try {
                Map<ObjectName, Map<String, Double>> found = worker.numbers(mbean, List.of(read));
                double value = found.values().iterator().next().getOrDefault(attribute, Double.NaN);
                values.add(String.format(Locale.ROOT, "%.0f", value / unit));
            } catch (IOException | RuntimeException e) {
                values.add("?");
            }
        }
        return String.join(", ", values);
    }
}
