package io.dualstream.connect.redis.testing.chaos;

import io.dualstream.connect.redis.testing.Await;
import io.dualstream.connect.redis.testing.ClientInfo;
import io.dualstream.connect.redis.testing.RedisClusterFixture;
import io.dualstream.connect.redis.testing.RedisEndpoint;
import io.dualstream.connect.redis.testing.RedisFixture;
import io.dualstream.connect.redis.testing.RedisSentinelFixture;
import io.dualstream.connect.redis.testing.ShardSubscribers;
import io.dualstream.connect.redis.testing.Subscriber;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The Redis side of a chaos run: a topology, the connector settings that reach it, subscribers that see every
 * notification for as long as the run lasts (wherever a fault moves the master), and the Redis fault it can take.
 * Channels are {@code PREFIX:chaos:kK}, one prefix per connector.
 */
public abstract class ChaosRedis implements AutoCloseable {

    private static final Duration LINK_TIMEOUT = Duration.ofSeconds(30);

    /** The connector settings that reach this topology ({@code redis.uri}, {@code redis.mode}...). */
    public abstract Map<String, String> connectorSettings();

    /** Starts the subscribers for {@code prefixes} and sources {@code k0..k(keys-1)}, handing every message to {@code sink}. */
    public abstract void observe(List<String> prefixes, int keys, BiConsumer<String, String> sink);

    /** Whether {@link #fault()} does anything: a standalone server has no failover to try. */
    public abstract boolean failsOver();

    /** Takes the master away (killed, or switched by a failover) and returns what was done; blocks until Redis serves again. */
    public abstract String fault();

    /** Connections per data node ({@code host:port}) whose client name starts with {@code namePrefix}. */
    public abstract Map<String, Integer> connections(String namePrefix);

    @Override
    public abstract void close();

    public static ChaosRedis of(String topology) {
        return switch (topology) {
            case "standalone" -> new Standalone();
            case "cluster" -> new Cluster();
            case "sentinel" -> new Sentinel();
            default -> throw new IllegalArgumentException("topology: standalone, cluster or sentinel, not " + topology);
        };
    }

    static String channel(String prefix, int key) {
        return prefix + ":" + SequencedProducer.SOURCE_TYPE + ":k" + key;
    }

    /** One {@code PSUBSCRIBE PREFIX:*} per prefix: the sentinels' own {@code __sentinel__:hello} stays out. */
    static List<Subscriber> byPrefix(RedisEndpoint node, List<String> prefixes, BiConsumer<String, String> sink) {
        List<Subscriber> subscribers = new ArrayList<>();
        for (String prefix : prefixes) {
            subscribers.add(Subscriber.psubscribe(node, prefix + ":*").forwardTo(sink));
        }
        return subscribers;
    }

    /** Per node ({@code host:port}), its connections whose client name starts with {@code namePrefix}; -1 when down. */
    static Map<String, Integer> connections(List<? extends RedisEndpoint> nodes, String namePrefix) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (RedisEndpoint node : nodes) {
            try (Jedis jedis = new Jedis(node.host(), node.port(), 2000)) {
                counts.put(node.host() + ":" + node.port(), (int) ClientInfo.list(jedis).stream()
                        .filter(c -> c.name() != null && c.name().startsWith(namePrefix)).count());
            } catch (RuntimeException down) {
                counts.put(node.host() + ":" + node.port(), -1);
            }
        }
        return counts;
    }

    /** One server; its subscriber sees everything with one pattern. */
    static final class Standalone extends ChaosRedis {
        private final RedisFixture redis = RedisFixture.start();
        private final List<Subscriber> subscribers = new ArrayList<>();

        @Override
        public Map<String, String> connectorSettings() {
            return Map.of("redis.uri", redis.uri());
        }

        @Override
        public void observe(List<String> prefixes, int keys, BiConsumer<String, String> sink) {
            subscribers.addAll(byPrefix(redis, prefixes, sink));
        }

        @Override
        public boolean failsOver() {
            return false;
        }

        @Override
        public String fault() {
            throw new UnsupportedOperationException("a standalone server has no failover");
        }

        @Override
        public Map<String, Integer> connections(String namePrefix) {
            return connections(List.of(redis), namePrefix);
        }

        @Override
        public void close() {
            subscribers.forEach(Subscriber::close);
            redis.close();
        }
    }

    /**
     * A 3+3 cluster published to with {@code SPUBLISH}. Each channel's subscriber is on the replica of its shard
     * ({@link ShardSubscribers}), which is the node promoted when the master dies; so each shard can lose its
     * master once in a run, and {@link #fault()} takes the shards in turn.
     */
    static final class Cluster extends ChaosRedis {
        private final RedisClusterFixture cluster = RedisClusterFixture.builder().masters(3).replicasPerMaster(1).start();
        private final List<RedisClusterFixture.Node> shards = cluster.masters();
        private ShardSubscribers subscribers;
        private int faults;

        @Override
        public Map<String, String> connectorSettings() {
            return Map.of("redis.uri", cluster.seedUris(), "redis.mode", "cluster", "redis.publish.command", "SPUBLISH");
        }

        @Override
        public void observe(List<String> prefixes, int keys, BiConsumer<String, String> sink) {
            List<String> channels = new ArrayList<>();
            for (String prefix : prefixes) {
                for (int k = 0; k < keys; k++) {
                    channels.add(channel(prefix, k));
                }
            }
            subscribers = ShardSubscribers.onReplicas(cluster, channels).forwardTo(sink);
        }

        @Override
        public boolean failsOver() {
            return true;
        }

        @Override
        public String fault() {
            if (faults == shards.size()) {
                throw new IllegalStateException("every shard has lost its master once; the subscribers are on the new ones");
            }
            RedisClusterFixture.Node master = shards.get(faults++);
            cluster.kill(master);
            RedisClusterFixture.Node promoted = cluster.awaitFailover(master);
            cluster.restart(master); // it rejoins as the replica of the promoted node
            return "SIGKILL of cluster master " + master.port() + ", " + promoted.port() + " promoted";
        }

        @Override
        public Map<String, Integer> connections(String namePrefix) {
            return connections(cluster.nodes(), namePrefix);
        }

        @Override
        public void close() {
            if (subscribers != null) {
                subscribers.close();
            }
            cluster.close();
        }
    }

    /**
     * A Sentinel set whose subscriber Sentinel never reconfigures: Sentinel kills the Pub/Sub clients of every node
     * it turns into a master or points at a new one ({@code CLIENT KILL TYPE pubsub}). So the subscriber is on a
     * replica of a replica: the fixture's replica is made unpromotable ({@code replica-priority 0}) and feeds the
     * observer node; Sentinel only learns of a master's direct replicas, and this one is never a master. A third
     * data node, replica of the master, is the one promoted. Each fault kills the master (and starts it again);
     * the two promotable nodes take turns. A graceful {@code SENTINEL FAILOVER} is left out: until the sentinels
     * announce the switch, the old master still takes {@code PUBLISH} and delivers to its own subscribers only,
     * which a subscriber on the new master's side cannot see (a gateway that follows the sentinels, as the
     * connector does, is on the old master then and receives them).
     */
    static final class Sentinel extends ChaosRedis {
        private final RedisSentinelFixture sentinels = RedisSentinelFixture.start();
        private final RedisSentinelFixture.Node first = sentinels.master();
        private final RedisSentinelFixture.Node feeder = sentinels.replica();
        private final RedisFixture promotable;
        private final RedisFixture observer;
        private final List<Subscriber> subscribers = new ArrayList<>();

        Sentinel() {
            try (Jedis jedis = sentinels.client(feeder)) {
                jedis.configSet("replica-priority", "0");
            }
            promotable = RedisFixture.start("--replicaof", first.host(), Integer.toString(first.port()));
            observer = RedisFixture.start("--replicaof", feeder.host(), Integer.toString(feeder.port()));
            awaitLinked(observer);
            awaitLinked(promotable);
            // Sentinels learn the new replica from the master's INFO, every 10 s: a failover needs it known.
            Await.until("the sentinels to see " + promotable.port() + " as a replica", Duration.ofSeconds(60), () -> {
                try (Jedis sentinel = sentinels.sentinelClient(sentinels.sentinels().get(0))) {
                    return sentinel.sentinelReplicas(sentinels.masterName()).stream()
                            .anyMatch(r -> String.valueOf(promotable.port()).equals(r.get("port"))
                                    && !r.get("flags").contains("down") && !r.get("flags").contains("disconnected"));
                }
            });
        }

        private static void awaitLinked(RedisEndpoint replica) {
            Await.until(replica + "'s replication link", LINK_TIMEOUT, () -> {
                try (Jedis jedis = new Jedis(replica.host(), replica.port(), 2000)) {
                    return RedisFixture.info(jedis, "replication").getOrDefault("master_link_status", "").equals("up");
                }
            });
        }

        @Override
        public Map<String, String> connectorSettings() {
            return Map.of("redis.uri", "redis-sentinel://" + sentinels.sentinelUris().replace("redis://", "")
                    + "#" + sentinels.masterName());
        }

        @Override
        public void observe(List<String> prefixes, int keys, BiConsumer<String, String> sink) {
            subscribers.addAll(byPrefix(observer, prefixes, sink));
        }

        @Override
        public boolean failsOver() {
            return true;
        }

        @Override
        public String fault() {
            RedisSentinelFixture.Node master = sentinels.master();
            boolean firstIsMaster = master.equals(first);
            if (firstIsMaster) {
                sentinels.kill(first);
            } else {
                promotable.kill();
            }
            // Only these two can be promoted (priority 0 elsewhere): each fault kills one and promotes the other.
            RedisSentinelFixture.Node promoted = sentinels.awaitNewMaster(master);
            if (firstIsMaster) {
                sentinels.restart(first);
            } else {
                promotable.restart(); // as a replica of the first master again (its --replicaof)
                sentinels.awaitStable(RedisSentinelFixture.FORM_TIMEOUT);
            }
            return "SIGKILL of the Sentinel master " + master.port() + ", " + promoted.port() + " promoted";
        }

        @Override
        public Map<String, Integer> connections(String namePrefix) {
            List<RedisEndpoint> nodes = new ArrayList<>(sentinels.dataNodes());
            nodes.add(promotable);
            return connections(nodes, namePrefix);
        }

        @Override
        public void close() {
            subscribers.forEach(Subscriber::close);
            observer.close();
            promotable.close();
            sentinels.close();
        }
    }
}
