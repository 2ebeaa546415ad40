package io.dualstream.connect.redis.bench;

import io.dualstream.connect.redis.testing.Await;
import io.dualstream.connect.redis.testing.RedisClusterFixture;
import io.dualstream.connect.redis.testing.RedisClusterFixture.Node;
import io.dualstream.connect.redis.testing.ShardSubscribers;
import io.dualstream.connect.redis.testing.Subscriber;
import io.dualstream.quickstart.SampleEvents;
import io.dualstream.quickstart.SampleEvents.Event;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Drain benchmark across topologies: the same backlog drained by the connector into a standalone Redis (PUBLISH),
 * into a 3-master Redis Cluster with PUBLISH (broadcast over the cluster bus) and with SPUBLISH (each shard
 * carries its own channels), tasks.max 1 and 3, rounds interleaved so that the machine's load hits every target
 * alike. A drain is timed from connector creation until the subscribers have every notification.
 *
 * <p>Arguments: {@code [events=500000]}; system property {@code rounds} (default 3).
 */
public final class TopologyDrainHarness {

    private static final String TOPIC = "topology-drain";
    private static final long TIMEOUT_MS = 600_000;

    private TopologyDrainHarness() {
    }

    public static void main(String[] args) {
        BenchStack.runThenExit(args, TopologyDrainHarness::run);
    }

    /** Where a drain publishes, and the subscribers that count what arrives there. */
    private record Target(String name, Map<String, String> settings, LongSupplier received) {
    }

    private static void run(String[] args) {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int rounds = Integer.getInteger("rounds", 3);
        try (BenchStack stack = new BenchStack("topology-drain");
             RedisClusterFixture cluster = RedisClusterFixture.builder().masters(3).replicasPerMaster(0).start()) {
            for (Node master : cluster.masters()) {
                try (Jedis admin = cluster.client(master)) {
                    // As for the standalone Redis of BenchStack: the counting subscribers must not be cut off.
                    admin.configSet("client-output-buffer-limit", "pubsub 0 0 0");
                }
            }
            System.out.println("# Topology drain: " + events + " events, 3 partitions; " + BenchStack.environment()
                    + "; cluster of " + cluster.masters().size() + " masters formed in "
                    + cluster.formationTime().toMillis() + " ms");
            stack.createTopic(TOPIC, 3);
            List<Event> backlog = BenchEvents.events(events);
            stack.produce(TOPIC, backlog);

            Subscriber standaloneSubscriber = stack.subscriber("events:*");
            Node anyMaster = cluster.masters().get(0);
            Subscriber clusterSubscriber = BenchStack.countingSubscriber(anyMaster.host(), anyMaster.port(), "events:*");
            ShardSubscribers sharded = ShardSubscribers.onMasters(cluster, SampleEvents.allChannels()).countOnly();
            List<Target> targets = List.of(
                    new Target("standalone, PUBLISH", Map.of("redis.uri", stack.redis.uri()),
                            standaloneSubscriber::count),
                    new Target("cluster, PUBLISH", Map.of("redis.mode", "cluster", "redis.uri", cluster.seedUri()),
                            clusterSubscriber::count),
                    new Target("cluster, SPUBLISH", Map.of("redis.mode", "cluster", "redis.uri", cluster.seedUri(),
                            "redis.publish.command", "SPUBLISH"), sharded::count));
            Map<String, List<Double>> rates = new LinkedHashMap<>();
            int drain = 0;
            for (int round = 1; round <= rounds; round++) {
                for (int tasks : new int[] {1, 3}) {
                    for (Target target : targets) {
                        String name = "drain-" + drain++;
                        double rate = drain(stack, name, target, tasks, events);
                        rates.computeIfAbsent(target.name() + ", tasks.max=" + tasks, k -> new ArrayList<>()).add(rate);
                        System.out.printf(Locale.ROOT, "round %d  %-28s tasks.max=%d  %,10.0f notifications/s%n",
                                round, target.name(), tasks, rate);
                    }
                }
            }
            System.out.println();
            System.out.println("| target | tasks.max | median notifications/s | rounds | vs standalone |");
            System.out.println("|---|---|---|---|---|");
            for (int tasks : new int[] {1, 3}) {
                double standalone = median(rates.get("standalone, PUBLISH, tasks.max=" + tasks));
                for (Target target : targets) {
                    List<Double> r = rates.get(target.name() + ", tasks.max=" + tasks);
                    System.out.printf(Locale.ROOT, "| %s | %d | %,.0f | %s | %.2f |%n", target.name(), tasks, median(r),
                            r.stream().map(v -> String.format(Locale.ROOT, "%,.0f", v)).toList(), median(r) / standalone);
                }
            }
            standaloneSubscriber.close();
            clusterSubscriber.close();
            sharded.close();
        }
    }

    private static double drain(BenchStack stack, String name, Target target, int tasks, int events) {
        Map<String, String> config = stack.sinkConfig(io.dualstream.connect.redis.testing.ConnectClusters.CONNECTOR_CLASS,
                TOPIC, tasks, target.settings());
        long before = target.received().getAsLong();
        long start = System.nanoTime();
        stack.createConnector(name, config);
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (target.received().getAsLong() - before < events) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(name + ": " + (target.received().getAsLong() - before) + " of " + events
                        + " notifications after " + TIMEOUT_MS + " ms; " + stack.tasksRunning(name));
            }
            Await.pause(5);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        stack.deleteConnector(name);
        return events / seconds;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
