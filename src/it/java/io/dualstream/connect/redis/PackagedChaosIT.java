package io.dualstream.connect.redis;

import io.dualstream.connect.redis.testing.chaos.ChaosReport;
import io.dualstream.connect.redis.testing.chaos.ChaosRig;
import io.dualstream.connect.redis.testing.chaos.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The short chaos pass: three stock Kafka Connect 4.3.1 workers with the packaged plugin, a best-effort and an
 * at-least-once connector (6 tasks each over 12 partitions, pacing on) publishing with SPUBLISH to a 3+3 Redis
 * Cluster, 1,000 events a second. While they flow: the busiest worker SIGKILLed, another frozen until its tasks run
 * and commit elsewhere and then woken, a Redis master SIGKILLed, the broker restarted. After each, both connectors
 * must run and commit again; then nothing at-least-once may be lost, nothing best-effort lost without a counter,
 * no source's events out of order, no committed offset ahead of what arrived or going back. The full matrix and the soak are
 * benchmarks ({@code src/bench/run chaos}, {@code src/bench/run soak}; BENCHMARKS.md).
 */
class PackagedChaosIT {

    /**
     * The broker restart is here for what it found: the worker timed out stopping tasks, started them again while
     * the old instances still held their metrics, and the new ones died (see TaskMetrics.register).
     */
    private static final List<Fault> FAULTS = List.of(Fault.WORKER_KILL, Fault.ZOMBIE, Fault.REDIS_FAILOVER,
            Fault.BROKER_RESTART);

    /** From a fault until every partition of both connectors has committed past where it stood. */
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void workersAndARedisMasterDieWhileEventsFlowAndNothingIsLostUncounted() throws Exception {
        // 1,000 events/s over 6 tasks is ~170 a task; a cap of 400 leaves room to catch up, and defers records then.
        ChaosRig.Plan plan = new ChaosRig.Plan("cluster", 12, 24, 6, 1000, 400);
        try (ChaosRig rig = ChaosRig.start(plan, dir)) {
            rig.flow(Duration.ofSeconds(10));
            for (Fault fault : FAULTS) {
                rig.inject(fault);
                rig.flow(Duration.ofSeconds(5));
            }
            ChaosRig.Result result = rig.finish();
            System.out.println(ChaosReport.table(result));
            assertEquals(FAULTS.size() * ChaosRig.CONNECTORS.size(), result.outcomes().size());
            assertTrue(result.produced() > 30_000, "events flowed: " + result.produced());
            for (ChaosRig.Outcome outcome : result.outcomes()) {
                // Measured: 10 to 25 s (BENCHMARKS.md section 8); the bound leaves room for a loaded CI machine.
                assertTrue(outcome.commit().compareTo(RECOVERY_BOUND) < 0, outcome.fault() + ": every partition "
                        + "committed again only after " + outcome.commit() + "\n" + ChaosReport.table(result));
            }
            List<String> violations = ChaosReport.violations(result);
            assertTrue(violations.isEmpty(), String.join("\n", violations) + "\n" + ChaosReport.table(result)
                    + rig.logTails());
        }
    }
}
