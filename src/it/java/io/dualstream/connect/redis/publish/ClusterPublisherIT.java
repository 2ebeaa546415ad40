package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.testing.Await;
import io.dualstream.connect.redis.testing.RedisClusterFixture;
import io.dualstream.connect.redis.testing.RedisClusterFixture.Node;
import io.dualstream.connect.redis.testing.Subscriber;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster publisher against a real 3-master, 3-replica cluster: where each notification goes, what a dead
 * master costs (exactly its share), and that resharding and promotions are followed. The tests that kill or
 * reshard run last, on their own cluster.
 */
class ClusterPublisherIT {

    private static final String CLIENT = "cluster-it";
    private static RedisClusterFixture cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterFixture.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static NotificationPublisher publisher(RedisClusterFixture cluster, String command) {
        return RedisTopology.of(new RedisPubSubSinkConfig(Map.of("redis.mode", "cluster",
                "redis.uri", cluster.seedUri(), "redis.publish.command", command, "redis.timeout.ms", "1000", "redis.retry.backoff.ms", "50",
                "redis.retry.backoff.max.ms", "500"))).publisher(CLIENT);
    }

    /** {@code perChannel} notifications on each of {@code channels}, interleaved: c0#0, c1#0, ..., c0#1, ... */
    static List<Notification> interleaved(List<String> channels, int perChannel, String tag) {
        List<Notification> batch = new ArrayList<>();
        for (int i = 0; i < perChannel; i++) {
            for (String channel : channels) {
                batch.add(new Notification(bytes(channel), bytes("{\"id\":\"" + tag + i + "\"}")));
            }
        }
        return batch;
    }

    /** One channel per master (and so per slot range), found by trying names. */
    static List<String> channelsOnEveryMaster(RedisClusterFixture cluster, int perMaster) {
        Map<Integer, List<String>> byMaster = new LinkedHashMap<>();
        for (int i = 0; byMaster.values().stream().mapToInt(List::size).sum() < perMaster * cluster.masters().size(); i++) {
            String channel = "events:repo:r" + i;
            List<String> list = byMaster.computeIfAbsent(cluster.masterForChannel(channel).port(), p -> new ArrayList<>());
            if (list.size() < perMaster) {
                list.add(channel);
            }
        }
        return byMaster.values().stream().flatMap(List::stream).toList();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<Subscriber> ssubscribeEach(RedisClusterFixture cluster, List<String> channels) {
        List<Subscriber> subscribers = new ArrayList<>();
        for (String channel : channels) {
            Node master = cluster.masterForChannel(channel);
            subscribers.add(Subscriber.ssubscribe(master.host(), master.port(), channel));
        }
        return subscribers;
    }

    private static void closeAll(List<Subscriber> subscribers) {
        subscribers.forEach(Subscriber::close);
    }

    @Test
    void spublishSendsEachNotificationToItsChannelsMasterInOrder() {
        List<String> channels = channelsOnEveryMaster(cluster, 4);
        List<Subscriber> subscribers = ssubscribeEach(cluster, channels);
        try (NotificationPublisher publisher = publisher(cluster, "SPUBLISH")) {
            List<Notification> batch = interleaved(channels, 250, "s");
            PublishResult result = publisher.send(batch).await();
            assertTrue(result.complete(), result.toString());
            assertEquals(batch.size(), result.subscribersReached(), "each SPUBLISH reached its channel's one subscriber");
            for (int c = 0; c < channels.size(); c++) {
                List<Subscriber.Message> got = subscribers.get(c).awaitCount(250, Duration.ofSeconds(20));
                for (int i = 0; i < 250; i++) {
                    assertEquals(channels.get(c), got.get(i).channel());
                    assertEquals("{\"id\":\"s" + i + "\"}", got.get(i).payload(), "order kept on " + channels.get(c));
                }
            }
            Set<Integer> mastersUsed = channels.stream().map(ch -> cluster.masterForChannel(ch).port()).collect(Collectors.toSet());
            assertEquals(cluster.masters().size(), mastersUsed.size(), "the batch really spanned every master");
        } finally {
            closeAll(subscribers);
        }
    }

    @Test
    void publishIsBroadcastSoASubscriberOnAReplicaSeesEverything() {
        Node replica = cluster.replicas().get(0);
        try (Subscriber subscriber = Subscriber.psubscribe(replica.host(), replica.port(), "events:*");
             NotificationPublisher publisher = publisher(cluster, "PUBLISH")) {
            List<Notification> batch = interleaved(List.of("events:user:a", "events:repo:b", "events:org:c"), 100, "p");
            PublishResult result = publisher.send(batch).await();
            assertTrue(result.complete(), result.toString());
            List<Subscriber.Message> got = subscriber.awaitCount(300, Duration.ofSeconds(20));
            assertEquals(batch.stream().map(n -> new String(n.payload(), StandardCharsets.UTF_8)).toList(),
                    got.stream().map(Subscriber.Message::payload).toList(), "one node, one connection: batch order");
        }
    }

    @Test
    void closeLeavesNoConnectionOnAnyNode() {
        NotificationPublisher publisher = publisher(cluster, "SPUBLISH");
        assertTrue(publisher.send(interleaved(channelsOnEveryMaster(cluster, 1), 3, "c")).await().complete());
        for (Node master : cluster.masters()) {
            assertTrue(named(cluster, master) >= 1, "a named connection on every master while publishing");
        }
        publisher.close();
        for (Node node : cluster.nodes()) {
            assertEquals(0, named(cluster, node), "no connection of the connector left on " + node);
        }
    }

    static long named(RedisClusterFixture cluster, Node node) {
        return cluster.clientList(node).stream()
                .filter(c -> ("kafka-connect-redis-pubsub:" + CLIENT).equals(c.name()) || CLIENT.equals(c.name()))
                .count();
    }

    @Test
    void aDeadMastersShareIsReportedExactlyAndPublishingResumesAfterThePromotion() {
        try (RedisClusterFixture own = RedisClusterFixture.start();
             NotificationPublisher publisher = publisher(own, "SPUBLISH")) {
            List<String> channels = channelsOnEveryMaster(own, 3);
            List<Notification> batch = interleaved(channels, 20, "k");
            assertTrue(publisher.send(batch).await().complete());

            Node victim = own.masterForChannel(channels.get(0));
            own.kill(victim);
            PublishResult result = publisher.send(batch).await();
            BitSet expected = new BitSet();
            for (int i = 0; i < batch.size(); i++) {
                if (channels.indexOf(new String(batch.get(i).channel(), StandardCharsets.UTF_8)) < 3) {
                    expected.set(i); // the first three channels are the victim's
                }
            }
            assertEquals(expected, result.undelivered(), "exactly the dead master's notifications: " + result);

            own.awaitFailover(victim);
            long promoted = System.nanoTime();
            long deadline = System.currentTimeMillis() + 30_000;
            PublishResult after;
            do {
                after = publisher.send(batch).await();
            } while (!after.complete() && System.currentTimeMillis() < deadline);
            assertTrue(after.complete(), "publishing resumed after the promotion: " + after);
            System.out.printf("cluster failover: complete batches again %d ms after the promotion was visible%n",
                    (System.nanoTime() - promoted) / 1_000_000);
            assertTrue(publisher.topologyRefreshes() > 0, "the slot map was re-read");
        }
    }

    @Test
    void aMasterThatDiesBeforeItWasEverDialledIsFollowedToo() {
        try (RedisClusterFixture own = RedisClusterFixture.start();
             NotificationPublisher publisher = publisher(own, "SPUBLISH")) {
            // The layout is read at start; no connection to any master is opened yet.
            List<String> channels = channelsOnEveryMaster(own, 2);
            Node victim = own.masterForChannel(channels.get(0));
            List<String> victims = channels.stream().filter(c -> own.masterForChannel(c).equals(victim)).toList();
            own.kill(victim);
            List<Notification> batch = interleaved(victims, 5, "d");
            PublishResult during = publisher.send(batch).await();
            assertEquals(0, during.delivered(), "the dead master's whole share: " + during);

            own.awaitFailover(victim);
            // What ends a best-effort backoff early: asked while backing off, it re-reads the slot map.
            long changedBy = System.currentTimeMillis() + 10_000;
            boolean changed = false;
            while (!changed && System.currentTimeMillis() < changedBy) {
                changed = publisher.topologyChanged();
                Await.pause(50);
            }
            assertTrue(changed, "the dead master's slots were seen to move");
            PublishResult after = publisher.send(batch).await();
            assertTrue(after.complete(), "the promoted replica took its slots' notifications: " + after);
            assertTrue(publisher.topologyRefreshes() > 0, "the slot map was re-read");
        }
    }

    @Test
    void resharedSlotsAreFollowedWithinTheBatch() {
        try (RedisClusterFixture own = RedisClusterFixture.start();
             NotificationPublisher publisher = publisher(own, "SPUBLISH")) {
            Node from = own.masters().get(0);
            Node to = own.masters().get(1);
            List<Integer> moving = own.slots(from).subList(0, 500);
            List<String> channels = new ArrayList<>();
            for (int slot : List.of(moving.get(0), moving.get(250), moving.get(499))) {
                channels.add(RedisClusterFixture.channelInSlot("events:repo:", slot));
            }
            List<Notification> batch = interleaved(channels, 10, "m");
            assertTrue(publisher.send(batch).await().complete(), "slot map read before the reshard");

            own.reshard(from, to, 500);
            List<Subscriber> subscribers = ssubscribeEach(own, channels);
            try {
                PublishResult result = publisher.send(batch).await();
                assertTrue(result.complete(), "MOVED followed within the batch: " + result);
                assertTrue(publisher.redirectsFollowed() > 0, "the old owner answered MOVED");
                for (int c = 0; c < channels.size(); c++) {
                    List<Subscriber.Message> got = subscribers.get(c).awaitCount(10, Duration.ofSeconds(20));
                    for (int i = 0; i < 10; i++) {
                        assertEquals("{\"id\":\"m" + i + "\"}", got.get(i).payload(), "order kept across the redirect");
                    }
                }
                assertEquals(to.port(), own.masterForChannel(channels.get(0)).port());
            } finally {
                closeAll(subscribers);
            }
        }
    }
}
