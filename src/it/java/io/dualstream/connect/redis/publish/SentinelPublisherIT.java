package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.testing.RedisSentinelFixture;
import io.dualstream.connect.redis.testing.RedisSentinelFixture.Node;
import io.dualstream.connect.redis.testing.Subscriber;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sentinel publisher against a real master, replica and three sentinels: it publishes to the master the
 * sentinels name, follows a graceful failover and a crash within seconds, and leaves no connection on the
 * demoted node.
 */
class SentinelPublisherIT {

    private static final String CLIENT = "sentinel-it";
    private static final List<Notification> ONE = List.of(new Notification(
            "events:user:octocat".getBytes(StandardCharsets.UTF_8), "{\"id\":\"1\"}".getBytes(StandardCharsets.UTF_8)));

    static NotificationPublisher publisher(RedisSentinelFixture sentinels) {
        return RedisTopology.of(new RedisPubSubSinkConfig(Map.of("redis.mode", "sentinel",
                "redis.uri", sentinels.sentinelUris(), "redis.sentinel.master", sentinels.masterName(),
                "redis.timeout.ms", "1000"))).publisher(CLIENT);
    }

    static long named(RedisSentinelFixture sentinels, Node node) {
        return sentinels.clientList(node).stream()
                .filter(c -> ("kafka-connect-redis-pubsub:" + CLIENT).equals(c.name()) || CLIENT.equals(c.name()))
                .count();
    }

    /** Sends one notification at a time until one reaches a subscriber of {@code node}; returns how long that took. */
    static long untilReached(NotificationPublisher publisher, Node node, Duration timeout) {
        long start = System.nanoTime();
        try (Subscriber subscriber = Subscriber.psubscribe(node.host(), node.port(), "events:*")) {
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            while (System.currentTimeMillis() < deadline) {
                PublishResult result = publisher.send(ONE).await();
                if (result.complete() && !subscriber.await(list -> !list.isEmpty(), Duration.ofMillis(50),
                        "a notification", false).isEmpty()) {
                    return (System.nanoTime() - start) / 1_000_000;
                }
            }
        }
        throw new AssertionError("no notification reached a subscriber of " + node + " within " + timeout);
    }

    @Test
    void publishesToTheMasterAndFollowsAGracefulFailoverLeavingNothingOnTheDemotedNode() {
        try (RedisSentinelFixture sentinels = RedisSentinelFixture.start();
             NotificationPublisher publisher = publisher(sentinels)) {
            Node first = sentinels.master();
            untilReached(publisher, first, Duration.ofSeconds(10));
            assertEquals(1, named(sentinels, first), "one connection, on the master");

            Node old = sentinels.requestFailover();
            Node promoted = sentinels.awaitNewMaster(old);
            long ms = untilReached(publisher, promoted, Duration.ofSeconds(20));
            System.out.printf("sentinel graceful failover: first notification on the new master %d ms after the sentinels named it%n", ms);
            assertTrue(ms < 5_000, "followed within seconds: " + ms + " ms");
            assertNotEquals(old, promoted);
            assertEquals(0, named(sentinels, old), "no connection of the connector stays on the demoted node");
            assertTrue(publisher.topologyRefreshes() >= 1);
        }
    }

    @Test
    void followsACrashOfTheMaster() {
        try (RedisSentinelFixture sentinels = RedisSentinelFixture.start();
             NotificationPublisher publisher = publisher(sentinels)) {
            untilReached(publisher, sentinels.master(), Duration.ofSeconds(10));
            Node old = sentinels.killMaster();
            long killed = System.nanoTime();
            PublishResult during = publisher.send(ONE).await();
            assertEquals(0, during.delivered(), "the dead master's share is reported undelivered: " + during);
            Node promoted = sentinels.awaitNewMaster(old);
            long named = (System.nanoTime() - killed) / 1_000_000;
            long ms = untilReached(publisher, promoted, Duration.ofSeconds(20));
            System.out.printf("sentinel crash: new master named %d ms after the kill, first notification on it %d ms later%n",
                    named, ms);
            assertTrue(ms < 5_000, "followed within seconds: " + ms + " ms");
        }
    }

    @Test
    void closeStopsTheSentinelListenersAndLeavesNoConnection() throws InterruptedException {
        try (RedisSentinelFixture sentinels = RedisSentinelFixture.start()) {
            long threadsBefore = sentinelThreads();
            NotificationPublisher publisher = publisher(sentinels);
            untilReached(publisher, sentinels.master(), Duration.ofSeconds(10));
            assertEquals(3, sentinelThreads() - threadsBefore, "Jedis listens to each of the three sentinels");
            publisher.close();
            long deadline = System.currentTimeMillis() + 10_000;
            while (sentinelThreads() > threadsBefore && System.currentTimeMillis() < deadline) {
                Thread.sleep(50); // polling interval
            }
            assertEquals(threadsBefore, sentinelThreads(), "the listener threads ended");
            for (Node node : sentinels.dataNodes()) {
                assertEquals(0, named(sentinels, node), "no connection left on " + node);
            }
            for (Node sentinel : sentinels.sentinels()) {
                assertEquals(0, named(sentinels, sentinel), "no connection left on sentinel " + sentinel);
            }
        }
    }

    private static long sentinelThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().contains("SentinelListener"))
                .count();
    }
}
