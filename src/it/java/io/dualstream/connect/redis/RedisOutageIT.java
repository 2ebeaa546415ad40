package io.dualstream.connect.redis;

import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.GitHubEvents;
import io.dualstream.connect.redis.testing.GitHubEvents.Event;
import io.dualstream.connect.redis.testing.RedisFixture;
import io.dualstream.connect.redis.testing.Subscriber;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.dualstream.connect.redis.testing.ConnectClusters.produce;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

        List<Event> before = GitHubEvents.generate("before", 300, 1);
        try (Subscriber subscriber = Subscriber.psubscribe(redis, "events:*")) {
            produce(connect, TOPIC, records(before));
            subscriber.awaitCount(before.size(), TIMEOUT);
        }

        redis.kill();
        List<Event> during = GitHubEvents.generate("during", 300, 2);
        produce(connect, TOPIC, records(during));
        // Offsets move past the events produced while Redis is down: nothing waits for Redis.
        awaitCommitted(before.size() + during.size());
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(CONNECTOR, 1, "a Redis outage must not fail the task");

        redis.restart();
        try (Subscriber subscriber = Subscriber.psubscribe(redis, "events:*")) {
            // Keep producing small batches until notifications flow again: no connector restart is needed.
            Set<String> received = Set.of();
            long deadline = System.currentTimeMillis() + TIMEOUT.toMillis();
            int round = 0;
            while (received.isEmpty() && System.currentTimeMillis() < deadline) {
                produce(connect, TOPIC, records(GitHubEvents.generate("probe" + round++, 10, round)));
                received = subscriber.await(list -> !list.isEmpty(), Duration.ofSeconds(2), "any notification", false)
                        .stream().map(Subscriber.Message::payload).collect(Collectors.toSet());
            }
            assertTrue(!received.isEmpty(), "publishing resumed after Redis came back");

            List<Event> after = GitHubEvents.generate("after", 300, 3);
            int already = subscriber.received().size();
            produce(connect, TOPIC, records(after));
            List<Subscriber.Message> messages = subscriber.awaitCount(already + after.size(), TIMEOUT);
            Set<String> afterPayloads = after.stream().map(Event::notification).collect(Collectors.toSet());
            long afterReceived = messages.stream().filter(m -> afterPayloads.contains(m.payload())).count();
            assertEquals(after.size(), afterReceived, "every event produced after recovery is published");
        }
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(CONNECTOR, 1, "still running");
        assertNull(connect.connectorStatus(CONNECTOR).tasks().get(0).trace(), "the task never failed");
    }

    private static List<String[]> records(List<Event> events) {
        return events.stream().map(e -> new String[] {e.key(), e.json()}).toList();
    }

    private void awaitCommitted(long expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT.toMillis();
        long committed = -1;
        while (System.currentTimeMillis() < deadline) {
            committed = ConnectClusters.committedTotal(connect, CONNECTOR, TOPIC);
            if (committed >= expected) {
                return;
            }
            Thread.sleep(200); // polling interval
        }
        throw new AssertionError("committed offsets reached " + committed + " of " + expected + " while Redis was down");
    }
}
