package io.dualstream.connect.redis;

import io.dualstream.connect.redis.testing.Await;
import io.dualstream.connect.redis.testing.ClientInfo;
import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.RedisClusterFixture;
import io.dualstream.connect.redis.testing.RedisSentinelFixture;
import io.dualstream.connect.redis.testing.ShardSubscribers;
import io.dualstream.connect.redis.testing.SteadyProducer;
import io.dualstream.connect.redis.testing.Subscriber;
import io.dualstream.connect.redis.testing.TaskMetricsJmx;
import io.dualstream.quickstart.SampleEvents;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged plugin, loaded from a worker's plugin.path, against real Redis Clusters and Sentinel sets:
 * exact notifications, a master killed, slots resharded and sentinel failovers, all mid-stream.
 */
class PackagedTopologiesIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern ID = Pattern.compile("\"id\":\"(seq-\\d+-\\d+)\"");
    private static EmbeddedConnectCluster connect;

    @BeforeAll
    static void startWorker() {
        connect = ConnectClusters.start("packaged-topologies",
                Map.of("plugin.path", ConnectClusters.installPackagedPlugin().toString()));
    }

    @AfterAll
    static void stopWorker() {
        if (connect != null) {
            connect.stop();
        }
    }

    private static Map<String, String> sink(String topic, String tasks) {
        return ConnectClusters.sinkConfig(topic, Map.of(
                "tasks.max", tasks,
                "value.converter", "org.apache.kafka.connect.storage.StringConverter",
                "redis.timeout.ms", "1000",
                "redis.retry.backoff.max.ms", "1000"));
    }

    /** A cluster sink publishing with SPUBLISH, at least once. */
    private static Map<String, String> spublishAtLeastOnce(String topic, String tasks, String seeds) {
        Map<String, String> config = sink(topic, tasks);
        config.put("redis.mode", "cluster");
        config.put("redis.uri", seeds);
        config.put("redis.publish.command", "SPUBLISH");
        config.put("delivery.guarantee", "at-least-once");
        return config;
    }

    /** The ids of the first {@code produced} events of a {@link SteadyProducer}. */
    private static Set<String> producedIds(long produced) {
        return ids(SteadyProducer.events(produced), new HashSet<>(SampleEvents.allChannels()));
    }

    private static String idOf(String payload) {
        Matcher m = ID.matcher(payload);
        return m.find() ? m.group(1) : payload;
    }

    /** Per channel, the first sight of each event comes in production order (duplicates from retries allowed). */
    private static void assertOrderPerChannel(List<Subscriber.Message> messages) {
        Map<String, Long> last = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (Subscriber.Message m : messages) {
            if (!seen.add(m.channel() + "|" + m.payload())) {
                continue;
            }
            long seq = SteadyProducer.sequenceOf(m.payload());
            Long before = last.put(m.channel(), seq);
            assertTrue(before == null || before < seq, "order on " + m.channel() + ": " + before + " then " + seq);
        }
    }

    private static void awaitAllReceived(Set<String> expected, java.util.function.Supplier<List<Subscriber.Message>> received,
                                         String what) {
        long deadline = System.currentTimeMillis() + TIMEOUT.toMillis();
        Set<String> missing = new HashSet<>(expected);
        while (System.currentTimeMillis() < deadline) {
            missing = new HashSet<>(expected);
            for (Subscriber.Message m : received.get()) {
                missing.remove(idOf(m.payload()));
            }
            if (missing.isEmpty()) {
                return;
            }
            Await.pause(200);
        }
        throw new AssertionError(what + ": " + missing.size() + " of " + expected.size() + " events never arrived, e.g. "
                + missing.stream().limit(5).toList());
    }

    @Test
    void clusterSpublishAtLeastOnceLosesNothingWhenAMasterIsKilled() throws Exception {
        String topic = "cluster-events";
        String name = "cluster-spublish";
        connect.kafka().createTopic(topic, 3);
        try (RedisClusterFixture cluster = RedisClusterFixture.start();
             ShardSubscribers subscribers = ShardSubscribers.onReplicas(cluster, SampleEvents.allChannels())) {
            // One seed, which may be the master that dies: the layout read at start is enough to go on.
            Map<String, String> config = spublishAtLeastOnce(topic, "3", cluster.seedUri());
            connect.configureConnector(name, config);
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 3, "not running");

            long produced;
            try (SteadyProducer producer = new SteadyProducer(connect, topic)) {
                producer.awaitProduced(1000, TIMEOUT);
                RedisClusterFixture.Node victim = cluster.masterForChannel("events:user:user0");
                cluster.kill(victim);
                long killedAt = System.currentTimeMillis();
                cluster.awaitFailover(victim);
                System.out.printf(Locale.ROOT, "cluster: %s killed, slots served again after %d ms%n", victim,
                        System.currentTimeMillis() - killedAt);
                producer.awaitProduced(producer.produced() + 1000, TIMEOUT);
                connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 3, "a task died with the master");
                produced = producer.stop();
            }
            awaitAllReceived(producedIds(produced), subscribers::received, "across the master's death");
            System.out.printf(Locale.ROOT, "cluster: the shard subscribers were dropped and subscribed again %d times%n",
                    subscribers.resubscriptions());
            ConnectClusters.awaitCommitted(connect, name, topic, produced, TIMEOUT);
            assertOrderPerChannel(subscribers.received());
        }
        connect.deleteConnector(name);
    }

    @Test
    void clusterSpublishFollowsFiveHundredSlotsReshardedMidStream() throws Exception {
        String topic = "reshard-events";
        String name = "cluster-reshard";
        connect.kafka().createTopic(topic, 1);
        try (RedisClusterFixture cluster = RedisClusterFixture.start()) {
            // redis-cli moves the source's lowest slots: take a master whose lowest 500 hold some of the channels
            // (with 75 channels a given 500-slot range holds none about one time in ten).
            RedisClusterFixture.Node from = null;
            Set<String> moved = new HashSet<>();
            Set<String> staying = new HashSet<>();
            for (RedisClusterFixture.Node master : cluster.masters()) {
                Set<Integer> moving = new HashSet<>(cluster.slots(master).subList(0, 500));
                moved.clear();
                staying.clear();
                for (String channel : SampleEvents.allChannels()) {
                    (moving.contains(RedisClusterFixture.slot(channel)) ? moved : staying).add(channel);
                }
                if (!moved.isEmpty()) {
                    from = master;
                    break;
                }
            }
            assertTrue(from != null, "some channels live in the slots that move");
            RedisClusterFixture.Node source = from;
            RedisClusterFixture.Node to = cluster.masters().stream().filter(m -> !m.equals(source)).findFirst().orElseThrow();
            Map<String, String> config = spublishAtLeastOnce(topic, "1", cluster.seedUris());
            try (ShardSubscribers onStaying = ShardSubscribers.onReplicas(cluster, staying)) {
                connect.configureConnector(name, config);
                connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "not running");
                long resubscribedAt;
                long produced;
                try (SteadyProducer producer = new SteadyProducer(connect, topic)) {
                    producer.awaitProduced(500, TIMEOUT);
                    long start = System.currentTimeMillis();
                    cluster.reshard(from, to, 500);
                    System.out.printf(Locale.ROOT, "cluster: 500 slots resharded in %d ms while publishing%n",
                            System.currentTimeMillis() - start);
                    // The old owner unsubscribed the moved channels' subscribers (sunsubscribe); as a gateway
                    // would, they subscribe again where the slots are now.
                    try (ShardSubscribers onMoved = ShardSubscribers.onReplicas(cluster, moved)) {
                        resubscribedAt = producer.produced();
                        producer.awaitProduced(resubscribedAt + 1000, TIMEOUT);
                        produced = producer.stop();
                        // Events produced a batch after the new subscriptions stood must all arrive there.
                        List<SampleEvents.Event> later = SteadyProducer.events(produced)
                                .subList((int) resubscribedAt + 25, (int) produced);
                        awaitAllReceived(ids(later, moved), onMoved::received, "on the moved channels, at their new owner");
                        assertTrue(!ids(later, moved).isEmpty(), "events were published on moved channels");
                        assertEquals(to.port(), cluster.masterForChannel(moved.iterator().next()).port());
                    }
                }
                awaitAllReceived(ids(SteadyProducer.events(produced), staying), onStaying::received,
                        "on the channels that did not move, before, during and after the reshard");
                ConnectClusters.awaitCommitted(connect, name, topic, produced, TIMEOUT);
                assertOrderPerChannel(onStaying.received());
            }
        }
        connect.deleteConnector(name);
    }

    private static Set<String> ids(List<SampleEvents.Event> events, Set<String> channels) {
        Set<String> ids = new LinkedHashSet<>();
        for (SampleEvents.Event event : events) {
            if (channels.contains(event.channel())) {
                ids.add(event.id());
            }
        }
        return ids;
    }

    @Test
    void clusterPublishIsBroadcastAndASubscriberOnAReplicaGetsEveryNotification() throws Exception {
        String topic = "cluster-broadcast";
        String name = "cluster-publish";
        connect.kafka().createTopic(topic, 1);
        try (RedisClusterFixture cluster = RedisClusterFixture.start()) {
            RedisClusterFixture.Node replica = cluster.replicas().get(0);
            try (Subscriber subscriber = Subscriber.psubscribe(replica.host(), replica.port(), "events:*")) {
                Map<String, String> config = sink(topic, "1");
                config.put("redis.mode", "cluster");
                config.put("redis.uri", cluster.seedUri());
                connect.configureConnector(name, config);
                connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "not running");
                List<SampleEvents.Event> events = SampleEvents.generate("b", 300, 11);
                ConnectClusters.produce(connect, topic, events.stream().map(e -> new String[] {e.key(), e.json()}).toList());
                List<Subscriber.Message> received = subscriber.awaitCount(events.size(), TIMEOUT);
                for (int i = 0; i < events.size(); i++) {
                    assertEquals(events.get(i).channel(), received.get(i).channel());
                    assertEquals(events.get(i).notification(), received.get(i).payload());
                }
            }
        }
        connect.deleteConnector(name);
    }

    @Test
    void sentinelAtLeastOnceFollowsAGracefulFailoverAndACrashWithoutLosingAnEvent() throws Exception {
        String topic = "sentinel-events";
        String name = "sentinel-sink";
        connect.kafka().createTopic(topic, 1);
        try (RedisSentinelFixture sentinels = RedisSentinelFixture.start()) {
            RedisSentinelFixture.Node first = sentinels.master();
            Map<String, String> config = sink(topic, "1");
            config.put("redis.uri", "redis-sentinel://" + sentinels.sentinelUris().replace("redis://", "")
                    + "#" + sentinels.masterName());
            config.put("delivery.guarantee", "at-least-once");
            connect.configureConnector(name, config);
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "not running");
            List<SampleEvents.Event> afterSwitch;
            List<SampleEvents.Event> afterCrash;
            long produced;
            // Sentinel disconnects every Pub/Sub client of the nodes it reconfigures (CLIENT KILL TYPE pubsub), so
            // that they subscribe again where the master is now: a gateway does so; these subscribers do too.
            try (SteadyProducer producer = new SteadyProducer(connect, topic);
                 Subscriber before = Subscriber.psubscribe(first.host(), first.port(), "events:*")) {
                producer.awaitProduced(500, TIMEOUT);
                RedisSentinelFixture.Node promoted = sentinels.failover();
                try (Subscriber onPromoted = Subscriber.psubscribe(promoted.host(), promoted.port(), "events:*")) {
                    long from = producer.produced() + 25;
                    producer.awaitProduced(from + 500, TIMEOUT);
                    Await.until("no connection of the connector on the demoted " + first, TIMEOUT,
                            (java.util.function.BooleanSupplier) () -> named(sentinels, first, name) == 0);
                    long to = producer.produced();
                    afterSwitch = SteadyProducer.events(to).subList((int) from, (int) to);
                    awaitAllReceived(ids(afterSwitch), onPromoted::received, "on the new master after the graceful failover");
                }
                RedisSentinelFixture.Node crashed = sentinels.killMaster();
                RedisSentinelFixture.Node next = sentinels.awaitNewMaster(crashed);
                try (Subscriber onNext = Subscriber.psubscribe(next.host(), next.port(), "events:*")) {
                    long from = producer.produced() + 25;
                    producer.awaitProduced(from + 1000, TIMEOUT);
                    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "a task died with the master");
                    produced = producer.stop();
                    afterCrash = SteadyProducer.events(produced).subList((int) from, (int) produced);
                    awaitAllReceived(ids(afterCrash), onNext::received, "on the new master after the crash");
                }
                assertTrue(!before.received().isEmpty(), "the first master's subscriber got the first events");
            }
            ConnectClusters.awaitCommitted(connect, name, topic, produced, TIMEOUT);
            // Redis took every event: nothing dropped, all published (retries may publish some twice).
            javax.management.ObjectName metrics = TaskMetricsJmx.plugin(name, 0);
            assertTrue(TaskMetricsJmx.read(metrics, "notifications-published-total") >= produced,
                    "every event was published");
            assertEquals(0.0, TaskMetricsJmx.read(metrics, "notifications-dropped-total"));
            assertTrue(TaskMetricsJmx.read(metrics, "topology-refreshes-total") >= 2, "both switches followed");
        }
        connect.deleteConnector(name);
    }

    private static Set<String> ids(List<SampleEvents.Event> events) {
        return ids(events, new HashSet<>(SampleEvents.allChannels()));
    }

    private static long named(RedisSentinelFixture sentinels, RedisSentinelFixture.Node node, String connector) {
        return sentinels.clientList(node).stream().map(ClientInfo::name)
                .filter(("kafka-connect-redis-pubsub:" + connector)::equals).count();
    }
}
