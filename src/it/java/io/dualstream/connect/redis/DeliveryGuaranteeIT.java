package io.dualstream.connect.redis;

import io.dualstream.connect.redis.publish.RedisHealth;
import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.LogCapture;
import io.dualstream.connect.redis.testing.RedisFixture;
import io.dualstream.connect.redis.testing.SteadyProducer;
import io.dualstream.connect.redis.testing.Subscriber;
import io.dualstream.connect.redis.testing.TaskMetricsJmx;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

import javax.management.ObjectName;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both delivery guarantees across a Redis restart, counting what subscribers received: at-least-once loses
 * nothing (the batch waits in Connect, offsets stand still), best-effort drops what came during the outage
 * (offsets keep moving). A subscriber connected before the outage and one connected right after it together
 * stand for a gateway that reconnects.
 */
class DeliveryGuaranteeIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String PASSWORD = "sink-Pa55word";

    private static EmbeddedConnectCluster connect;

    @BeforeAll
    static void startConnect() {
        connect = ConnectClusters.start("delivery-guarantee", Map.of());
    }

    @AfterAll
    static void stopConnect() {
        connect.stop();
    }

    private static void createUser(RedisFixture redis) {
        try (Jedis admin = redis.client()) {
            admin.aclSetUser("sink", "reset", "on", ">" + PASSWORD, "+@connection", "+ping", "+publish", "&*");
        }
    }

    private static Set<Long> sequences(List<Subscriber.Message> messages) {
        Set<Long> sequences = new HashSet<>();
        messages.forEach(m -> sequences.add(SteadyProducer.sequenceOf(m.payload())));
        return sequences;
    }

    @ParameterizedTest
    @ValueSource(strings = {"at-least-once", "best-effort"})
    void acrossARedisRestart(String guarantee) throws Exception {
        boolean atLeastOnce = guarantee.equals("at-least-once");
        String name = "guarantee-" + guarantee;
        try (RedisFixture redis = RedisFixture.start()) {
            createUser(redis);
            connect.kafka().createTopic(name, 3);
            Map<String, String> config = ConnectClusters.sinkConfig(name, redis);
            config.put("delivery.guarantee", guarantee);
            config.put("redis.username", "sink");
            config.put("redis.password", PASSWORD);
            config.put("redis.timeout.ms", "1000");
            config.put("redis.retry.backoff.max.ms", "500");
            connect.configureConnector(name, config);
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "not running");
            ObjectName metrics = TaskMetricsJmx.plugin(name, 0);

            Set<Long> received = new HashSet<>();
            long produced;
            long outageMs;
            int ownLines;
            long workerRetryLines;
            try (SteadyProducer stream = new SteadyProducer(connect, name);
                 LogCapture ownLog = LogCapture.of(RedisHealth.class);
                 LogCapture workerLog = LogCapture.of("org.apache.kafka.connect.runtime.WorkerSinkTask")) {
                long killedAt;
                try (Subscriber before = Subscriber.psubscribe(redis, "events:*")) {
                    before.awaitCount(200, TIMEOUT);
                    killedAt = System.currentTimeMillis();
                    redis.kill();
                    received.addAll(sequences(before.received()));
                }
                Thread.sleep(1500); // the outage, part of the scenario
                long committedEarly = ConnectClusters.committedTotal(connect, name, name);
                Thread.sleep(1500);
                long committedLate = ConnectClusters.committedTotal(connect, name, name);
                long producedDuringOutage = stream.produced();
                if (atLeastOnce) {
                    assertEquals(committedEarly, committedLate, "at-least-once: no offset is committed for an unpublished batch");
                } else {
                    assertTrue(committedLate > committedEarly, "best-effort: offsets keep moving during the outage");
                }

                // Redis comes back without the connector's user, so the gateway can resubscribe first.
                redis.restart();
                try (Subscriber after = Subscriber.psubscribe(redis, "events:*")) {
                    createUser(redis);
                    outageMs = System.currentTimeMillis() - killedAt;
                    stream.awaitProduced(producedDuringOutage + 250, TIMEOUT);
                    produced = stream.stop();
                    after.await(list -> sequences(list).contains(produced - 1), TIMEOUT, "the last event's notification");
                    received.addAll(sequences(after.received()));
                }
                ownLines = ownLog.lines().size();
                workerRetryLines = workerLog.lines().stream().filter(l -> l.message().contains("RetriableException")).count();
            }
            ConnectClusters.awaitCommitted(connect, name, name, produced, TIMEOUT);

            long missing = produced - received.stream().filter(s -> s < produced).count();
            double dropped = TaskMetricsJmx.read(metrics, "notifications-dropped-total");
            double redelivered = TaskMetricsJmx.read(metrics, "notifications-redelivered-total");
            System.out.printf(Locale.ROOT, "GUARANTEE %s: %d produced, %d missing at the subscribers, %.0f dropped, "
                    + "%.0f handed back for redelivery; outage %d ms: %d connector log lines, %d worker retry lines%n",
                    guarantee, produced, missing, dropped, redelivered, outageMs, ownLines, workerRetryLines);
            assertTrue(ownLines <= 3, "the connector logs the outage and the recovery only: " + ownLines);
            if (atLeastOnce) {
                assertEquals(0, missing, "at-least-once: every event reached a subscriber");
                assertEquals(0.0, dropped);
                assertTrue(redelivered > 0, "the refused batches were redelivered");
            } else {
                assertTrue(missing > 0 && dropped >= missing, "best-effort: events of the outage are dropped and counted");
                assertEquals(0.0, redelivered);
            }
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "still running");
            assertNull(connect.connectorStatus(name).tasks().get(0).trace(), "the task never failed");
            connect.deleteConnector(name);
        }
    }
}
