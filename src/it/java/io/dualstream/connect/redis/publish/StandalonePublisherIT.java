package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.testing.RedisFixture;
import io.dualstream.connect.redis.testing.Subscriber;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The standalone publisher against real redis-server processes with ACL users. */
class StandalonePublisherIT {

    private static final List<Notification> BATCH = List.of(
            new Notification(bytes("events:user:octocat"), bytes("{\"id\":\"1\"}")),
            new Notification(bytes("events:user:octocat"), bytes("{\"id\":\"2\"}")));

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static NotificationPublisher publisher(RedisFixture redis, String user, String password) {
        return publisher(redis, user, password, Map.of());
    }

    private static NotificationPublisher publisher(RedisFixture redis, String user, String password,
                                                   Map<String, String> extra) {
        Map<String, String> props = new java.util.HashMap<>(Map.of("redis.uri", redis.uri()));
        props.putAll(extra);
        if (user != null) {
            props.put("redis.username", user);
        }
        if (password != null) {
            props.put("redis.password", password);
        }
        return RedisTopology.of(new RedisPubSubSinkConfig(props)).publisher("publisher-it");
    }

    @Test
    void anAclUserWithPublishPublishesAndCountsSubscribers() {
        try (RedisFixture redis = RedisFixture.start("--user", "notifier", "on", ">s3cret", "+@connection", "+publish", "&*");
             NotificationPublisher publisher = publisher(redis, "notifier", "s3cret");
             Subscriber subscriber = Subscriber.psubscribe(redis, "events:*")) {
            assertEquals(2, publisher.send(BATCH).await().subscribersReached(), "PUBLISH replies summed: one subscriber, two messages");
            assertEquals(2, subscriber.awaitCount(2, Duration.ofSeconds(10)).size());
        }
    }

    @Test
    void aWrongPasswordFailsWithTheServersReasonAndNothingPublished() {
        try (RedisFixture redis = RedisFixture.start("--requirepass", "right");
             NotificationPublisher publisher = publisher(redis, null, "wrong")) {
            PublishResult result = publisher.send(BATCH).await();
            assertEquals(0, result.delivered());
            assertTrue(String.valueOf(result.error().getMessage()).contains("WRONGPASS"), String.valueOf(result.error()));
        }
    }

    @Test
    void aUserWithoutPublishFailsWithNopermAndRecoversOnceGranted() {
        try (RedisFixture redis = RedisFixture.start("--user", "reader", "on", ">pw", "+@connection", "&*");
             NotificationPublisher publisher = publisher(redis, "reader", "pw")) {
            PublishResult result = publisher.send(BATCH).await();
            assertEquals(0, result.delivered(), "each PUBLISH was refused: " + result);
            assertEquals(2, result.undelivered().cardinality());
            assertTrue(String.valueOf(result.error().getMessage()).contains("NOPERM"), String.valueOf(result.error()));

            try (Jedis admin = redis.client()) {
                admin.aclSetUser("reader", "+publish");
            }
            PublishResult granted = publisher.send(BATCH).await();
            assertTrue(granted.complete(), "published (to no subscriber) once the ACL allows it: " + granted);
        }
    }

    private static List<Notification> numbered(String prefix, int count) {
        List<Notification> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batch.add(new Notification(bytes("events:user:octocat"), bytes("{\"id\":\"" + prefix + i + "\"}")));
        }
        return batch;
    }

    @Test
    void sendWritesWithoutWaitingAndTheRepliesAreReadLaterInOrder() {
        try (RedisFixture redis = RedisFixture.start();
             NotificationPublisher publisher = publisher(redis, null, null, Map.of("redis.pipeline.size", "100"));
             Subscriber subscriber = Subscriber.psubscribe(redis, "events:*")) {
            NotificationPublisher.Replies first = publisher.send(numbered("a", 250));
            // The notifications reach Redis before anyone reads a reply: the last chunk was flushed.
            assertEquals(250, subscriber.awaitCount(250, Duration.ofSeconds(10)).size());
            assertThrows(IllegalStateException.class, () -> publisher.send(BATCH),
                    "nothing may be written while replies are outstanding: they would be read by the wrong batch");
            assertEquals(250, first.await().subscribersReached(), "one subscriber, 250 notifications");
            assertThrows(IllegalStateException.class, first::await, "replies are read once");

            NotificationPublisher.Replies second = publisher.send(numbered("b", 3));
            assertEquals(3, second.await().subscribersReached());
            List<Subscriber.Message> received = subscriber.awaitCount(253, Duration.ofSeconds(10));
            for (int i = 0; i < 250; i++) {
                assertEquals("{\"id\":\"a" + i + "\"}", received.get(i).payload());
            }
            assertEquals("{\"id\":\"b2\"}", received.get(252).payload());
        }
    }

    @Test
    void awaitingTheRepliesOfAFrozenRedisFailsWithinTheTimeoutAndTheNextSendReconnects() {
        try (RedisFixture redis = RedisFixture.start();
             NotificationPublisher publisher = publisher(redis, null, null, Map.of("redis.timeout.ms", "500"))) {
            publisher.send(BATCH).await(); // connected
            redis.freeze();
            NotificationPublisher.Replies frozen;
            try {
                frozen = publisher.send(BATCH);
                PublishResult result = assertTimeoutPreemptively(Duration.ofSeconds(10), frozen::await);
                assertEquals(0, result.delivered());
            } finally {
                redis.resume();
            }
            assertTrue(publisher.send(BATCH).await().complete(), "a new connection after the broken one");
        }
    }

    @Test
    void closingWithRepliesOutstandingClosesTheConnection() throws InterruptedException {
        try (RedisFixture redis = RedisFixture.start(); Jedis admin = redis.client()) {
            // (the test's own connection is one of the clients)
            long before = admin.clientList().lines().count();
            NotificationPublisher publisher = publisher(redis, null, null);
            publisher.send(BATCH);
            assertEquals(before + 1, admin.clientList().lines().count());
            publisher.close();
            long deadline = System.currentTimeMillis() + 10_000;
            while (admin.clientList().lines().count() > before && System.currentTimeMillis() < deadline) {
                Thread.sleep(50); // polling interval
            }
            assertEquals(before, admin.clientList().lines().count(), "no connection left behind");
        }
    }
}
