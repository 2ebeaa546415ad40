package io.dualstream.connect.redis;

import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.RedisFixture;
import io.dualstream.connect.redis.testing.Subscriber;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * 50 connector create/delete cycles, each publishing through its own task: afterwards Redis has as many
 * clients as before (no leaked connections) and the worker JVM as many threads (no leaked threads).
 */
class ConnectorChurnIT {

    private static final int CYCLES = 50;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String TOPIC = "churn-events";
    /**
     * Threads the JVM may add on its own over a minute (JIT compiler threads, common-pool workers, the Kafka
     * clients' shared timers); a leak of one thread per cycle would be 50.
     */
    private static final int THREAD_TOLERANCE = 8;

    private RedisFixture redis;
    private EmbeddedConnectCluster connect;

    @BeforeEach
    void start() {
        redis = RedisFixture.start();
        connect = ConnectClusters.start("connector-churn", Map.of());
        connect.kafka().createTopic(TOPIC, 1);
    }

    @AfterEach
    void stop() {
        connect.stop();
        redis.close();
    }

    @Test
    void createAndDeleteFiftyTimesLeavesNoConnectionOrThread() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (Jedis admin = redis.client(); Subscriber subscriber = Subscriber.psubscribe(redis, "events:*")) {
            LongSupplier clients = () -> connectedClients(admin);
            long clientsBefore = clients.getAsLong();
            // Warm-up cycle: the first connector loads classes and starts shared client threads once per JVM.
            cycle("warm-up", subscriber);
            awaitAtMost(clients, clientsBefore, "connected_clients after the warm-up");
            long threadsBefore = threads.getThreadCount();

            long start = System.currentTimeMillis();
            for (int i = 0; i < CYCLES; i++) {
                cycle("churn-" + i, subscriber);
            }
            long cyclesMs = System.currentTimeMillis() - start;

            long clientsAfter = awaitAtMost(clients, clientsBefore, "Redis connected_clients back to " + clientsBefore);
            long threadsAfter = awaitAtMost(threads::getThreadCount, threadsBefore + THREAD_TOLERANCE,
                    "worker JVM threads back to " + threadsBefore + " (+" + THREAD_TOLERANCE + ")");
            System.out.printf(Locale.ROOT, "CHURN %d cycles in %d ms: connected_clients %d -> %d, threads %d -> %d%n",
                    CYCLES, cyclesMs, clientsBefore, clientsAfter, threadsBefore, threadsAfter);
        }
    }

    /** Creates a connector, waits until its task has published a notification of its own, deletes it. */
    private void cycle(String name, Subscriber subscriber) throws InterruptedException {
        Map<String, String> config = ConnectClusters.sinkConfig(TOPIC, redis);
        config.put("channel.template", "events:{id}");
        connect.configureConnector(name, config);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, name + " not running");
        ConnectClusters.produce(connect, TOPIC, List.<String[]>of(new String[] {"k", "{\"id\":\"" + name + "\"}"}));
        subscriber.await(list -> list.stream().anyMatch(m -> m.channel().equals("events:" + name)), TIMEOUT,
                "the notification published by " + name);
        connect.deleteConnector(name);
        connect.assertions().assertConnectorDoesNotExist(name, name + " not deleted");
    }

    /** INFO clients' connected_clients, which counts the asking connection and the subscriber too. */
    private static long connectedClients(Jedis admin) {
        for (String line : admin.info("clients").split("\r?\n")) {
            if (line.startsWith("connected_clients:")) {
                return Long.parseLong(line.substring("connected_clients:".length()).trim());
            }
        }
        throw new AssertionError("no connected_clients in INFO clients");
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
