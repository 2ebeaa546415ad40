package io.dualstream.connect.redis;

import io.dualstream.connect.redis.publish.RedisHealth;
import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.LogCapture;
import io.dualstream.connect.redis.testing.RedisFixture;
import io.dualstream.connect.redis.testing.SteadyProducer;
import io.dualstream.connect.redis.testing.Subscriber;
import io.dualstream.connect.redis.testing.TaskMetricsJmx;
import jakarta.ws.rs.core.Response;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ClientKillParams;

import javax.management.ObjectName;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of Redis fault against a running connector (best-effort): the task stays RUNNING, put() stays
 * bounded, offsets keep committing, failures are counted (read through JMX), the log stays short, and
 * publishing resumes by itself within seconds of Redis being healthy. Measured numbers are printed as
 * {@code FAULT ...} lines.
 */
class RedisFaultsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String PASSWORD = "sink-Pa55word";
    private static final String OTHER_PASSWORD = "other-Pa55word";
    private static final int REDIS_TIMEOUT_MS = 1000;
    /** A lasting fault is held this long: four times the Redis timeout. */
    private static final long FAULT_MS = 4000;

    private static EmbeddedConnectCluster connect;

    @BeforeAll
    static void startConnect() {
        connect = ConnectClusters.start("redis-faults", Map.of());
    }

    @AfterAll
    static void stopConnect() {
        connect.stop();
    }

    /** The connector's ACL user: just enough to connect and publish. */
    private static void createUser(RedisFixture redis, String password) {
        try (Jedis admin = redis.client()) {
            admin.aclSetUser("sink", "reset", "on", ">" + password, "+@connection", "+ping", "+publish", "&*");
        }
    }

    enum Fault {
        KILLED_AND_RESTARTED(true) {
            void inject(RedisFixture redis) {
                redis.kill();
            }

            void heal(RedisFixture redis) {
                redis.restart();
                createUser(redis, PASSWORD);
            }
        },
        FROZEN_LONGER_THAN_THE_TIMEOUT(true) {
            void inject(RedisFixture redis) {
                redis.freeze();
            }

            void heal(RedisFixture redis) {
                redis.resume();
            }
        },
        RESTARTED_WITH_ANOTHER_PASSWORD(true) {
            void inject(RedisFixture redis) {
                redis.restart();
                createUser(redis, OTHER_PASSWORD);
            }

            void heal(RedisFixture redis) {
                // The operator puts the old password back (updating redis.password in the connector works too).
                createUser(redis, PASSWORD);
            }
        },
        CONNECTION_KILLED_BY_THE_SERVER(false) {
            void inject(RedisFixture redis) {
                try (Jedis admin = redis.client()) {
                    assertTrue(admin.clientKill(ClientKillParams.clientKillParams().user("sink")) > 0, "the connector's connection was killed");
                }
            }

            void heal(RedisFixture redis) {
                // Nothing to heal: the next batch reconnects.
            }
        },
        PUBLISH_DENIED_BY_ACL(true) {
            void inject(RedisFixture redis) {
                try (Jedis admin = redis.client()) {
                    admin.aclSetUser("sink", "-publish");
                }
            }

            void heal(RedisFixture redis) {
                try (Jedis admin = redis.client()) {
                    admin.aclSetUser("sink", "+publish");
                }
            }
        };

        /** Whether the fault lasts until healed (versus a one-off event). */
        final boolean lasting;

        Fault(boolean lasting) {
            this.lasting = lasting;
        }

        abstract void inject(RedisFixture redis);

        abstract void heal(RedisFixture redis);
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void theTaskRidesOutTheFaultAndResumesByItself(Fault fault) throws Exception {
        String name = fault.name().toLowerCase(Locale.ROOT).replace('_', '-');
        try (RedisFixture redis = RedisFixture.start()) {
            createUser(redis, PASSWORD);
            connect.kafka().createTopic(name, 3);
            Map<String, String> config = ConnectClusters.sinkConfig(name, redis);
            config.put("redis.username", "sink");
            config.put("redis.password", PASSWORD);
            config.put("redis.timeout.ms", Integer.toString(REDIS_TIMEOUT_MS));
            config.put("redis.retry.backoff.max.ms", "1000");
            connect.configureConnector(name, config);
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "not running");
            ObjectName metrics = TaskMetricsJmx.plugin(name, 0);

            try (SteadyProducer stream = new SteadyProducer(connect, name);
                 LogCapture log = LogCapture.of(RedisHealth.class)) {
                try (Subscriber healthy = Subscriber.psubscribe(redis, "events:*")) {
                    healthy.awaitCount(100, TIMEOUT);
                }
                assertEquals(1.0, TaskMetricsJmx.read(metrics, "redis-available"));
                double failuresBefore = TaskMetricsJmx.read(metrics, "publish-failures-total");
                double droppedBefore = TaskMetricsJmx.read(metrics, "notifications-dropped-total");
                int linesBefore = log.lines().size();
                long producedAtFault = stream.produced();

                long faultAt = System.currentTimeMillis();
                fault.inject(redis);
                awaitTrue(() -> TaskMetricsJmx.read(metrics, "publish-failures-total") > failuresBefore,
                        "the failure is counted");
                // Nothing waits for Redis: offsets move past events produced during the fault.
                ConnectClusters.awaitCommitted(connect, name, name, producedAtFault + 250, TIMEOUT);
                if (fault.lasting) {
                    assertEquals(0.0, TaskMetricsJmx.read(metrics, "redis-available"), "Redis is reported unavailable");
                    long left = FAULT_MS - (System.currentTimeMillis() - faultAt);
                    if (left > 0) {
                        Thread.sleep(left); // how long the fault lasts, part of the scenario
                    }
                    assertTrue(TaskMetricsJmx.read(metrics, "notifications-dropped-total") > droppedBefore,
                            "notifications produced during the fault are dropped and counted");
                }
                connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "the fault must not fail the task");

                long healAt = System.currentTimeMillis();
                fault.heal(redis);
                long resumeMs;
                try (Subscriber after = Subscriber.psubscribe(redis, "events:*")) {
                    long producedAtHeal = stream.produced();
                    after.await(list -> list.stream().anyMatch(m -> SteadyProducer.sequenceOf(m.payload()) >= producedAtHeal),
                            TIMEOUT, "a notification for an event produced after Redis was healthy again");
                    resumeMs = System.currentTimeMillis() - healAt;
                }
                awaitTrue(() -> TaskMetricsJmx.read(metrics, "redis-available") == 1.0, "Redis is reported available again");
                long outageMs = System.currentTimeMillis() - faultAt;

                double longestPut = TaskMetricsJmx.read(TaskMetricsJmx.sinkTask(name, 0), "put-batch-max-time-ms");
                double longestPipeline = TaskMetricsJmx.read(metrics, "pipeline-latency-max");
                List<LogCapture.Line> lines = log.lines().subList(linesBefore, log.lines().size());
                System.out.printf(Locale.ROOT, "FAULT %s: longest put() %.0f ms, longest pipeline %.0f ms, resumed %d ms "
                                + "after healing, %d log lines over %d ms, %.0f failures counted%n", fault, longestPut,
                        longestPipeline, resumeMs, lines.size(), outageMs,
                        TaskMetricsJmx.read(metrics, "publish-failures-total") - failuresBefore);

                // One attempt waits at most redis.timeout.ms to connect and again for the replies.
                assertTrue(longestPut <= 2 * REDIS_TIMEOUT_MS + 1000, "longest put() " + longestPut + " ms");
                assertTrue(resumeMs < 10_000, "resumed after " + resumeMs + " ms");
                // First failure with its cause, recovery; a summary only every 30 s.
                assertTrue(lines.size() <= 3, lines.toString());
                assertTrue(lines.stream().anyMatch(l -> l.message().contains("is unavailable")), lines.toString());
                assertTrue(lines.stream().anyMatch(l -> l.message().contains("available again")), lines.toString());
                assertFalse(lines.toString().contains(PASSWORD) || lines.toString().contains(OTHER_PASSWORD));
            }
            assertNull(connect.connectorStatus(name).tasks().get(0).trace(), "the task never failed");
            connect.deleteConnector(name);
        }
    }

    @Test
    void restValidationReportsAWrongPasswordWithoutShowingIt() throws Exception {
        try (RedisFixture redis = RedisFixture.start()) {
            createUser(redis, PASSWORD);
            Map<String, String> config = ConnectClusters.sinkConfig("rest", redis);
            config.put("redis.username", "sink");
            config.put("redis.password", OTHER_PASSWORD);
            String body = "{" + String.join(",", config.entrySet().stream()
                    .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"").toList()) + "}";

            Response response = connect.requestPut(connect.endpointForResource(
                    "connector-plugins/RedisPubSubSinkConnector/config/validate"), body);
            String json = String.valueOf(response.getEntity());

            assertEquals(200, response.getStatus(), json);
            assertTrue(json.contains("WRONGPASS"), json);
            assertFalse(json.contains(OTHER_PASSWORD), json);
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT.toMillis();
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(100); // polling interval
        }
    }
}
