package io.dualstream.connect.redis.bench;

import io.dualstream.connect.redis.testing.Await;
import io.dualstream.connect.redis.testing.Subscriber;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;

/**
 * Memory benchmark: the latency setup at 20,000 events/s for a long run (300 s unless told otherwise), sampling
 * heap use, the old generation after each collection, and GC counts and time every 10 s. Broker, worker, producer
 * and subscriber share this JVM, so the figures are an upper bound for the connector.
 *
 * <p>Arguments: {@code [seconds=300] [rate=20000]}.
 */
public final class MemoryHarness {

    private MemoryHarness() {
    }

    public static void main(String[] args) {
        BenchStack.runThenExit(args, MemoryHarness::run);
    }

    private static void run(String[] args) {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        try (BenchStack stack = new BenchStack("memory")) {
            System.out.println("# Memory: " + rate + " events/s for " + seconds + " s; " + BenchStack.environment());
            stack.createTopic(LatencyHarness.TOPIC, 3);
            try (Subscriber subscriber = stack.subscriber("events:*");
                 PacedProducer producer = new PacedProducer(stack, LatencyHarness.TOPIC)) {
                stack.createConnector(LatencyHarness.CONNECTOR, LatencyHarness.connectorConfig(stack, Map.of()));
                producer.run(5000, 10, 0, null); // warm-up
                Await.pause(2000);
                long liveBefore = liveHeapAfterFullGc();
                subscriber.resetCount();
                TimedSinkConnector.PUT_NANOS.clear();
                long gcCount0 = BenchStack.gcCount();
                long gcMillis0 = BenchStack.gcMillis();
                long start = System.nanoTime();
                Thread sampler = new Thread(() -> sample(start, gcCount0, gcMillis0), "bench-memory-sampler");
                sampler.setDaemon(true);
                System.out.println("| s | heap used MiB | old gen after last GC MiB | GCs | GC ms |");
                System.out.println("|---:|---:|---:|---:|---:|");
                sampler.start();
                long sent = producer.run(rate, seconds, 0, null);
                long deadline = System.currentTimeMillis() + 30_000;
                while (subscriber.count() < sent && System.currentTimeMillis() < deadline) {
                    Await.pause(10);
                }
                sampler.interrupt();
                long gcCount = BenchStack.gcCount() - gcCount0;
                long gcMillis = BenchStack.gcMillis() - gcMillis0;
                long liveAfter = liveHeapAfterFullGc();
                System.out.printf("live heap after a full GC: %d MiB after warm-up, %d MiB after the run%n",
                        liveBefore / (1024 * 1024), liveAfter / (1024 * 1024));
                long[] puts = TimedSinkConnector.PUT_NANOS.sorted();
                System.out.printf("%nsent %d, received %d; GCs %d, GC time %d ms over %d s; max heap used %d MiB (sampled); "
                                + "put() p99 %.3f ms%n", sent, subscriber.count(), gcCount, gcMillis, seconds, maxUsed / (1024 * 1024),
                        LongSamples.percentile(puts, 99) / 1e6);
                System.out.println("per-collector details: target/bench-memory-gc.log (-Xlog:gc)");
            }
        }
    }

    private static volatile long maxUsed;

    /**
     * What is really retained: young collections alone leave promoted garbage in the old generation until G1's
     * next marking cycle, so heap-after-young-GC creeps up even without a leak.
     */
    private static long liveHeapAfterFullGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void sample(long start, long gcCount0, long gcMillis0) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                return;
            }
            long used = 0;
            long oldAfterGc = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() != MemoryType.HEAP) {
                    continue;
                }
                used += pool.getUsage().getUsed();
                MemoryUsage afterGc = pool.getCollectionUsage();
                if (afterGc != null && pool.getName().contains("Old")) {
                    oldAfterGc = afterGc.getUsed();
                }
            }
            maxUsed = Math.max(maxUsed, used);
            System.out.printf("| %d | %d | %d | %d | %d |%n", (System.nanoTime() - start) / 1_000_000_000L,
                    used / (1024 * 1024), oldAfterGc / (1024 * 1024), BenchStack.gcCount() - gcCount0,
                    BenchStack.gcMillis() - gcMillis0);
        }
    }
}
