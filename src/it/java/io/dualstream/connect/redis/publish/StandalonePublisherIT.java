package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.testing.RedisFixture;
import io.dualstream.connect.redis.testing.Subscriber;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
        Map<String, String> props = new java.util.HashMap<>(Map.of("redis.uri", redis.uri()));
        if (user != null) {
            props.put("redis.username", user);
        }
        if (password != null) {
            props.put("redis.password", password);
        }
        return PublisherFactory.create(new RedisPubSubSinkConfig(props), "publisher-it");
    }

    @Test
    void anAclUserWithPublishPublishesAndCountsSubscribers() {
        try (RedisFixture redis = RedisFixture.start("--user", "notifier", "on", ">s3cret", "+@connection", "+publish", "&*");
             NotificationPublisher publisher = publisher(redis, "notifier", "s3cret");
             Subscriber subscriber = Subscriber.psubscribe(redis, "events:*")) {
            assertEquals(2, publisher.publish(BATCH), "PUBLISH replies summed: one subscriber, two messages");
            assertEquals(2, subscriber.awaitCount(2, Duration.ofSeconds(10)).size());
        }
    }

    @Test
    void aWrongPasswordFailsWithTheServersReasonAndNothingPublished() {
        try (RedisFixture redis = RedisFixture.start("--requirepass", "right");
             NotificationPublisher publisher = publisher(redis, null, "wrong")) {
            PublishException e = assertThrows(PublishException.class, () -> publisher.publish(BATCH));
            assertEquals(0, e.published());
            assertTrue(String.valueOf(e.getCause().getMessage()).contains("WRONGPASS"), String.valueOf(e.getCause()));
        }
    }

    @Test
    void aUserWithoutPublishFailsWithNopermAndRecoversOnceGranted() {
        try (RedisFixture redis = RedisFixture.start("--user", "reader", "on", ">pw", "+@connection", "&*");
             NotificationPublisher publisher = publisher(redis, "reader", "pw")) {
            PublishException e = assertThrows(PublishException.class, () -> publisher.publish(BATCH));
            assertEquals(0, e.published());
            assertTrue(String.valueOf(e.getCause().getMessage()).contains("NOPERM"), String.valueOf(e.getCause()));

            try (Jedis admin = redis.client()) {
                admin.aclSetUser("reader", "+publish");
            }
            assertEquals(0, publisher.publish(BATCH), "published (to no subscriber) once the ACL allows it");
        }
    }
}
