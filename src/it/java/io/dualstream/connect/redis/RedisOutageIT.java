package io.dualstream.connect.redis;

import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.RedisFixture;
import io.dualstream.connect.redis.testing.SteadyProducer;
import io.dualstream.connect.redis.testing.Subscriber;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;


import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Redis is best-effort: killing it never stops the task, offsets keep committing, publishing resumes alone. */
class RedisOutageIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String TOPIC = "outage-events";
    private static final String CONNECTOR = "outage";

    private RedisFixture redis;
    private EmbeddedConnectCluster connect;

    @BeforeEach
    void start() {
        redis = RedisFixture.start();
        connect = ConnectClusters.start("redis-outage", Map.of());
        connect.kafka().createTopic(TOPIC, 3);
    }

    @AfterEach
    void stop() {
        connect.stop();
        redis.close();
    }

    @Test
    void killedRedisNeitherStopsTheTaskNorHoldsOffsetsAndPublishingResumesAfterRestart() throws Exception {
        Map<String, String> config = ConnectClusters.sinkConfig(TOPIC, redis);
        config.put("redis.timeout.ms", "1000");
        config.put("redis.retry.backoff.max.ms", "1000");
        connect.configureConnector(CONNECTOR, config);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(CONNECTOR, 1, "not running");

        try (SteadyProducer stream = new SteadyProducer(connect, TOPIC)) {
            try (Subscriber subscriber = Subscriber.psubscribe(redis, "events:*")) {
                subscriber.awaitCount(200, TIMEOUT);
            }

            redis.kill();
            long producedAtKill = stream.produced();
            stream.awaitProduced(producedAtKill + 500, TIMEOUT);
            // Offsets move past events produced while Redis is down: nothing waits for Redis.
            ConnectClusters.awaitCommitted(connect, CONNECTOR, TOPIC, producedAtKill + 500, TIMEOUT);
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(CONNECTOR, 1,
                    "a Redis outage must not fail the task");

            redis.restart();
            try (Subscriber subscriber = Subscriber.psubscribe(redis, "events:*")) {
                long producedAtRestart = stream.produced();
                // Events produced after the restart arrive, without restarting the connector.
                List<Subscriber.Message> after = subscriber.await(
                        list -> list.stream().anyMatch(m -> SteadyProducer.sequenceOf(m.payload()) > producedAtRestart + 100),
                        TIMEOUT, "a notification for an event produced after the restart");
                assertTrue(after.size() > 0);
            }
        }
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(CONNECTOR, 1, "still running");
        assertNull(connect.connectorStatus(CONNECTOR).tasks().get(0).trace(), "the task never failed");
    }
}
