package io.dualstream.connect.redis;

import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.RedisClusterFixture;
import io.dualstream.connect.redis.testing.RedisFixture;
import io.dualstream.connect.redis.testing.RedisSentinelFixture;
import io.dualstream.connect.redis.testing.Subscriber;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * 50 connector create/delete cycles in each Redis topology, each publishing through its own task: afterwards every
 * Redis node (and sentinel) has as many clients as before (no leaked connections) and the worker JVM as many
 * threads (no leaked threads: the sentinel client runs a listener thread per sentinel).
 */
class ConnectorChurnIT {

    private static final int CYCLES = 50;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String TOPIC = "churn-events";
    /** Sharded channels need their slot known: every cycle publishes on this one channel. */
    private static final String CHANNEL = "events:{churn}";
    /**
     * Threads the JVM may add on its own over a minute (JIT compiler threads, common-pool workers, the Kafka
     * clients' shared timers); a leak of one thread per cycle would be 50.
     */
    private static final int THREAD_TOLERANCE = 8;

    /** One Redis deployment, as the churn needs it. */
    private interface Deployment extends AutoCloseable {
        Map<String, String> redisSettings();

        /** A subscriber that receives what the connector publishes on {@link #CHANNEL}. */
        Subscriber subscribe();

        /** Every node and sentinel, with the credentials to ask it. */
        List<HostAndPort> servers();

        JedisClientConfig clientConfig();

        @Override
        void close();
    }

    enum Topology {
        STANDALONE {
            @Override
            Deployment start() {
                RedisFixture redis = RedisFixture.start();
                return deployment(Map.of("redis.uri", redis.uri()),
                        () -> Subscriber.psubscribe(redis, "events:*"),
                        List.of(new HostAndPort(redis.host(), redis.port())), null, redis::close);
            }
        },
        CLUSTER {
            @Override
            Deployment start() {
                RedisClusterFixture cluster = RedisClusterFixture.start();
                RedisClusterFixture.Node owner = cluster.masterForChannel(CHANNEL);
                return deployment(Map.of("redis.mode", "cluster", "redis.uri", cluster.seedUri(),
                                "redis.publish.command", "SPUBLISH"),
                        () -> Subscriber.ssubscribe(owner.host(), owner.port(), CHANNEL),
                        cluster.nodes().stream().map(RedisClusterFixture.Node::hostAndPort).toList(),
                        cluster.clientConfig(), cluster::close);
            }
        },
        SENTINEL {
            @Override
            Deployment start() {
                RedisSentinelFixture sentinels = RedisSentinelFixture.start();
                RedisSentinelFixture.Node master = sentinels.master();
                List<HostAndPort> servers = new ArrayList<>();
                sentinels.dataNodes().forEach(n -> servers.add(n.hostAndPort()));
                sentinels.sentinels().forEach(n -> servers.add(n.hostAndPort()));
                return deployment(Map.of("redis.mode", "sentinel", "redis.uri", sentinels.sentinelUris(),
                                "redis.sentinel.master", sentinels.masterName()),
                        () -> Subscriber.psubscribe(master.host(), master.port(), "events:*"),
                        servers, sentinels.clientConfig(), sentinels::close);
            }
        };

        abstract Deployment start();

        private static Deployment deployment(Map<String, String> settings, java.util.function.Supplier<Subscriber> subscribe,
                                             List<HostAndPort> servers, JedisClientConfig config, Runnable close) {
            return new Deployment() {
                @Override
                public Map<String, String> redisSettings() {
                    return settings;
                }

                @Override
                public Subscriber subscribe() {
                    return subscribe.get();
                }

                @Override
                public List<HostAndPort> servers() {
                    return servers;
                }

                @Override
                public JedisClientConfig clientConfig() {
                    return config;
                }

                @Override
                public void close() {
                    close.run();
                }
            };
        }
    }

    private Deployment redis;
    private EmbeddedConnectCluster connect;

    @BeforeEach
    void startWorker() {
        connect = ConnectClusters.start("connector-churn", Map.of());
        connect.kafka().createTopic(TOPIC, 1);
    }

    @AfterEach
    void stop() {
        connect.stop();
        if (redis != null) {
            redis.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void createAndDeleteFiftyTimesLeavesNoConnectionOrThread(Topology topology) throws Exception {
        redis = topology.start();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (Subscriber subscriber = redis.subscribe()) {
            LongSupplier clients = this::connectedClients;
            long clientsBefore = clients.getAsLong();
            // Warm-up cycle: the first connector loads classes and starts shared client threads once per JVM.
            cycle("warm-up", subscriber);
            awaitAtMost(clients, clientsBefore, "the connector's connections after the warm-up");
            long threadsBefore = threads.getThreadCount();

            long start = System.currentTimeMillis();
            for (int i = 0; i < CYCLES; i++) {
                cycle("churn-" + i, subscriber);
            }
            long cyclesMs = System.currentTimeMillis() - start;

            long clientsAfter = awaitAtMost(clients, clientsBefore, "the connector's connections back to " + clientsBefore);
            long threadsAfter = awaitAtMost(threads::getThreadCount, threadsBefore + THREAD_TOLERANCE,
                    "worker JVM threads back to " + threadsBefore + " (+" + THREAD_TOLERANCE + ")");
            System.out.printf(Locale.ROOT, "CHURN %s %d cycles in %d ms: connector connections %d -> %d, threads %d -> %d%n",
                    topology, CYCLES, cyclesMs, clientsBefore, clientsAfter, threadsBefore, threadsAfter);
        }
    }

    /** Creates a connector, waits until its task has published a notification of its own, deletes it. */
    private void cycle(String name, Subscriber subscriber) throws InterruptedException {
        Map<String, String> config = ConnectClusters.sinkConfig(TOPIC, redis.redisSettings());
        // {{churn}} is the literal hash tag {churn}: every cycle publishes on the one channel of known slot.
        config.put("channel.template", "events:{{churn}}");
        config.put("notification.fields", "id");
        connect.configureConnector(name, config);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, name + " not running");
        ConnectClusters.produce(connect, TOPIC, List.<String[]>of(new String[] {"k", "{\"id\":\"" + name + "\"}"}));
        subscriber.await(list -> list.stream().anyMatch(m -> m.payload().contains("\"" + name + "\"")), TIMEOUT,
                "the notification published by " + name);
        if (connectedClients() == 0) {
            throw new AssertionError(name + " published through no connection named kafka-connect-redis-pubsub:...");
        }
        connect.deleteConnector(name);
        connect.assertions().assertConnectorDoesNotExist(name, name + " not deleted");
    }

    /**
     * The connector's connections over every server, by the client name each of them carries
     * ({@code kafka-connect-redis-pubsub:<connector>}). Counting names, not all clients: sentinels open and close
     * links among themselves and to the data nodes on their own, which a total would mistake for a leak.
     */
    private long connectedClients() {
        long total = 0;
        for (HostAndPort server : redis.servers()) {
            try (Jedis admin = redis.clientConfig() == null ? new Jedis(server) : new Jedis(server, redis.clientConfig())) {
                for (String line : admin.clientList().split("\r?\n")) {
                    if (line.contains(" name=kafka-connect-redis-pubsub")) {
                        total++;
                    }
                }
            }
        }
        return total;
    }

    /** Polls until the value is at most {@code limit}; returns it. */
    private static long awaitAtMost(LongSupplier value, long limit, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT.toMillis();
        long current = value.getAsLong();
        while (current > limit) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(what + ": still " + current + " after " + TIMEOUT);
            }
            Thread.sleep(200); // polling interval
            current = value.getAsLong();
        }
        return current;
    }
}
