package io.dualstream.connect.redis.bench;

import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.RedisClusterFixture;
import io.dualstream.connect.redis.testing.RedisSentinelFixture;
import io.dualstream.connect.redis.testing.SteadyProducer;
import io.dualstream.connect.redis.testing.Subscriber;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The failover gap through a real worker with default connector settings (best-effort, backoff 100 ms to 5 s):
 * a steady stream (about 500 events/s), then the master is killed (SIGKILL). For a cluster (3+3, SPUBLISH): from
 * the kill to the promotion (the dead master's slots served by its replica), and from the promotion to the first
 * notification on a channel of those slots at the promoted node. For Sentinel (master, replica, 3 sentinels): from
 * the kill to the sentinels naming the replica, and from then to the first notification received on it.
 *
 * <p>System property {@code rounds} (default 3). Both stacks run one after the other in one JVM.
 */
public final class FailoverGapHarness {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private FailoverGapHarness() {
    }

    public static void main(String[] args) {
        BenchStack.runThenExit(args, unused -> run());
    }

    private static void run() throws InterruptedException {
        int rounds = Integer.getInteger("rounds", 3);
        EmbeddedConnectCluster connect = ConnectClusters.start("failover-gap", Map.of());
        List<long[]> clusterGaps = new ArrayList<>();
        List<long[]> sentinelGaps = new ArrayList<>();
        try {
            System.out.println("# Failover gap, " + rounds + " rounds each; " + BenchStack.environment());
            try (RedisClusterFixture cluster = RedisClusterFixture.start()) {
                connect.kafka().createTopic("gap-cluster", 1);
                connect.configureConnector("gap-cluster", ConnectClusters.sinkConfig("gap-cluster", Map.of(
                        "redis.mode", "cluster", "redis.uri", cluster.seedUris(), "redis.publish.command", "SPUBLISH",
                        "channel.template", "events:{{gap}}")));
                try (SteadyProducer producer = new SteadyProducer(connect, "gap-cluster")) {
                    for (int round = 1; round <= rounds; round++) {
                        clusterGaps.add(clusterRound(cluster, producer, round));
                    }
                }
                connect.deleteConnector("gap-cluster");
            }
            try (RedisSentinelFixture sentinels = RedisSentinelFixture.start()) {
                connect.kafka().createTopic("gap-sentinel", 1);
                connect.configureConnector("gap-sentinel", ConnectClusters.sinkConfig("gap-sentinel", Map.of(
                        "redis.mode", "sentinel", "redis.uri", sentinels.sentinelUris(),
                        "redis.sentinel.master", sentinels.masterName())));
                try (SteadyProducer producer = new SteadyProducer(connect, "gap-sentinel")) {
                    for (int round = 1; round <= rounds; round++) {
                        sentinelGaps.add(sentinelRound(sentinels, producer, round));
                    }
                }
                connect.deleteConnector("gap-sentinel");
            }
        } finally {
            connect.stop();
        }
        System.out.println();
        System.out.println("| topology | kill -> promotion (ms) | promotion -> first notification (ms) |");
        System.out.println("|---|---|---|");
        print("cluster 3+3, SPUBLISH", clusterGaps);
        print("sentinel, PUBLISH", sentinelGaps);
    }

    /** The channel events:{gap} lives in one slot; its master is killed. */
    private static long[] clusterRound(RedisClusterFixture cluster, SteadyProducer producer, int round)
            throws InterruptedException {
        String channel = "events:{gap}";
        RedisClusterFixture.Node master = cluster.masterForChannel(channel);
        RedisClusterFixture.Node replica = cluster.replicasOf(master).get(0);
        // Sharded messages reach the shard's replicas too, and the replica is the node that will be promoted.
        try (Subscriber subscriber = Subscriber.ssubscribe(replica.host(), replica.port(), channel)) {
            producer.awaitProduced(producer.produced() + 1000, TIMEOUT);
            subscriber.awaitCount(1, TIMEOUT);
            long killed = System.currentTimeMillis();
            cluster.kill(master);
            cluster.awaitFailover(master);
            long promoted = System.currentTimeMillis();
            List<Subscriber.Message> after = subscriber.await(list -> list.get(list.size() - 1).receivedAtMillis() > killed
                    + 100, TIMEOUT, "a notification after the kill");
            long first = after.stream().mapToLong(Subscriber.Message::receivedAtMillis).filter(t -> t > killed + 100)
                    .min().orElseThrow();
            // The fixture sees the promotion when every node agrees: a notification may come a little earlier.
            long[] gap = {promoted - killed, first - promoted};
            System.out.printf(Locale.ROOT, "cluster round %d: promotion %d ms after the kill, first notification %d ms after the promotion%n",
                    round, gap[0], gap[1]);
            cluster.restart(master);
            return gap;
        }
    }

    private static long[] sentinelRound(RedisSentinelFixture sentinels, SteadyProducer producer, int round)
            throws InterruptedException {
        producer.awaitProduced(producer.produced() + 1000, TIMEOUT);
        long killed = System.currentTimeMillis();
        RedisSentinelFixture.Node old = sentinels.killMaster();
        RedisSentinelFixture.Node next = sentinels.awaitNewMaster(old);
        long named = System.currentTimeMillis();
        long[] gap;
        // Sentinel disconnects the promoted node's Pub/Sub clients: subscribe once it is the master.
        try (Subscriber subscriber = Subscriber.psubscribe(next.host(), next.port(), "events:*")) {
            subscriber.awaitCount(1, TIMEOUT);
            gap = new long[] {named - killed, subscriber.received().get(0).receivedAtMillis() - named};
            System.out.printf(Locale.ROOT, "sentinel round %d: new master named %d ms after the kill, first notification %d ms later%n",
                    round, gap[0], gap[1]);
        }
        sentinels.restart(old);
        return gap;
    }

    private static void print(String topology, List<long[]> gaps) {
        System.out.printf(Locale.ROOT, "| %s | %s | %s |%n", topology,
                gaps.stream().map(g -> Long.toString(g[0])).toList(), gaps.stream().map(g -> Long.toString(g[1])).toList());
    }
}
