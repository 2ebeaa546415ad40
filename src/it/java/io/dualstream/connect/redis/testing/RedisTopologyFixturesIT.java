package io.dualstream.connect.redis.testing;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster and sentinel fixtures do what the topology tests rely on. Formation and failover times are printed
 * (in the failsafe report's output) so that they can be quoted.
 */
class RedisTopologyFixturesIT {

    private static final Duration MESSAGE_TIMEOUT = Duration.ofSeconds(10);

    private static void report(String what, Duration took) {
        System.out.printf("[topology timing] %s: %d ms%n", what, took.toMillis());
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Test
    void aClusterFormsWithThreeMastersAndThreeLinkedReplicasAndBroadcastsPublish() {
        try (RedisClusterFixture cluster = RedisClusterFixture.start()) {
            report("cluster 3+3 formation", cluster.formationTime());
            assertEquals(3, cluster.masters().size());
            assertEquals(3, cluster.replicas().size());
            assertEquals(3, cluster.seedUris().split(",").length);
            for (RedisClusterFixture.Node master : cluster.masters()) {
                assertEquals(1, cluster.replicasOf(master).size(), "one replica for " + master);
            }
            assertEquals(RedisClusterFixture.SLOTS,
                    cluster.masters().stream().mapToInt(m -> cluster.slots(m).size()).sum());

            RedisClusterFixture.Node replica = cluster.replicas().get(0);
            RedisClusterFixture.Node otherMaster = cluster.masters().stream()
                    .filter(m -> cluster.replicasOf(m).stream().noneMatch(replica::equals))
                    .findFirst().orElseThrow();
            try (Subscriber subscriber = Subscriber.psubscribe(replica.host(), replica.port(), "events:*");
                 Jedis publisher = cluster.client(otherMaster)) {
                publisher.publish("events:user:1", "broadcast");
                List<Subscriber.Message> received = subscriber.awaitCount(1, MESSAGE_TIMEOUT);
                assertEquals("events:user:1", received.get(0).channel());
                assertEquals("broadcast", received.get(0).payload());
                assertTrue(cluster.clientList(replica).stream().anyMatch(c -> c.cmd().equals("psubscribe")),
                        "the subscriber shows in CLIENT LIST");
            }
        }
    }

    @Test
    void spublishOnTheOwningMasterReachesAnSsubscribeThereAndElsewhereIsMoved() {
        try (RedisClusterFixture cluster = RedisClusterFixture.start()) {
            String channel = "events:{user:42}:a";
            String sibling = "events:{user:42}:b";
            RedisClusterFixture.Node owner = cluster.masterForChannel(channel);
            assertEquals(owner, cluster.masterForSlot(RedisClusterFixture.slot(sibling)), "hash tags share a slot");
            try (Jedis probe = cluster.client(owner)) {
                assertEquals(RedisClusterFixture.slot(channel), probe.clusterKeySlot(channel), "CRC16 as Redis computes it");
            }
            try (Subscriber subscriber = Subscriber.ssubscribe(owner.host(), owner.port(), channel, sibling);
                 Jedis publisher = cluster.client(owner)) {
                assertEquals(1, RedisFixture.spublish(publisher, channel, "one"));
                assertEquals(1, RedisFixture.spublish(publisher, sibling, "two"));
                List<Subscriber.Message> received = subscriber.awaitCount(2, MESSAGE_TIMEOUT);
                assertEquals(List.of("one", "two"), received.stream().map(Subscriber.Message::payload).toList());
                assertEquals(sibling, received.get(1).channel());
            }
            RedisClusterFixture.Node other = cluster.masters().stream().filter(m -> !m.equals(owner)).findFirst().orElseThrow();
            try (Jedis wrong = cluster.client(other)) {
                JedisDataException moved = assertThrows(JedisDataException.class, () -> RedisFixture.spublish(wrong, channel, "x"));
                assertTrue(moved.getMessage().contains("MOVED"), moved.getMessage());
            }
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> Subscriber.ssubscribe(other.host(), other.port(), channel));
            assertTrue(String.valueOf(refused.getCause()).contains("MOVED"), String.valueOf(refused.getCause()));
        }
    }

    @Test
    void aKilledMasterIsReplacedByItsReplicaAndRejoinsAsAReplicaWhenRestarted() {
        try (RedisClusterFixture cluster = RedisClusterFixture.start()) {
            RedisClusterFixture.Node victim = cluster.masters().get(0);
            RedisClusterFixture.Node itsReplica = cluster.replicasOf(victim).get(0);
            int slot = cluster.slots(victim).get(0);

            long killedAt = System.nanoTime();
            cluster.kill(victim);
            RedisClusterFixture.Node promoted = cluster.awaitFailover(victim);
            report("cluster master SIGKILL -> every slot served again", since(killedAt));

            assertEquals(itsReplica, promoted);
            assertEquals(promoted, cluster.masterForSlot(slot));
            assertEquals(2, cluster.replicas().size());
            try (Jedis jedis = cluster.client(promoted)) {
                assertEquals(0, RedisFixture.spublish(jedis, RedisClusterFixture.channelInSlot("events:", slot), "served")); // no MOVED: the slot is here now
            }

            long restartedAt = System.nanoTime();
            cluster.restart(victim);
            report("cluster killed master restart -> linked replica", since(restartedAt));
            assertTrue(cluster.replicasOf(promoted).contains(victim), "the old master follows its replacement");
        }
    }

    @Test
    void reshardingMovesSlotsWhileTheCallerWaitsOrPublishes() {
        try (RedisClusterFixture cluster = RedisClusterFixture.start()) {
            RedisClusterFixture.Node from = cluster.masters().get(0);
            RedisClusterFixture.Node to = cluster.masters().get(1);
            int before = cluster.slots(to).size();
            int firstMoved = cluster.slots(from).get(0);

            long started = System.nanoTime();
            RedisClusterFixture.Reshard reshard = cluster.startReshard(from, to, 100);
            int published = 0;
            try (Jedis jedis = cluster.client(to)) {
                while (!reshard.done()) {
                    jedis.publish("events:during-reshard", Integer.toString(published++));
                }
            }
            reshard.await(RedisClusterFixture.FORM_TIMEOUT);
            report("cluster reshard of 100 slots", since(started));

            assertEquals(before + 100, cluster.slots(to).size());
            assertEquals(to, cluster.masterForSlot(firstMoved), "redis-cli moves the lowest slots first");
            assertTrue(published > 0, "the test could publish while redis-cli was moving slots");
        }
    }
}
