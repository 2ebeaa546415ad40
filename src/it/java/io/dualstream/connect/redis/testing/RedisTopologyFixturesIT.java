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

    private static String role(RedisSentinelFixture sentinel, RedisSentinelFixture.Node node) {
        try (Jedis jedis = sentinel.client(node)) {
            return RedisFixture.info(jedis, "replication").get("role");
        }
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
            try (Subscriber subscriber = Subscriber.psubscribe(replica, "events:*");
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
            try (Subscriber subscriber = Subscriber.ssubscribe(owner, channel, sibling);
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
    void aClusterWithAPasswordAndAnAclUserFormsAndRefusesAnonymousClients() {
        try (RedisClusterFixture cluster = RedisClusterFixture.builder().password("cluster-secret")
                .aclUser("notifier on >notify-secret &* +@connection +publish").start()) {
            report("cluster 3+3 with password formation", cluster.formationTime());
            RedisClusterFixture.Node master = cluster.masters().get(0);
            String channel = RedisClusterFixture.channelInSlot("events:", cluster.slots(master).get(0));
            try (Jedis anonymous = new Jedis(master.hostAndPort(), redis.clients.jedis.DefaultJedisClientConfig.builder().build())) {
                JedisDataException noAuth = assertThrows(JedisDataException.class, anonymous::ping);
                assertTrue(noAuth.getMessage().startsWith("NOAUTH"), noAuth.getMessage());
                assertEquals("OK", anonymous.auth("notifier", "notify-secret"));
                assertEquals(0, anonymous.publish(channel, "allowed"));
                JedisDataException noPerm = assertThrows(JedisDataException.class,
                        () -> RedisFixture.spublish(anonymous, channel, "not allowed"));
                assertTrue(noPerm.getMessage().startsWith("NOPERM"), noPerm.getMessage());
            }
            try (Jedis admin = cluster.client(master)) {
                assertEquals(0, RedisFixture.spublish(admin, channel, "the fixture's own clients authenticate"));
            }
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

    @Test
    void sentinelsFollowAGracefulFailoverAndACrashAndTheOldMasterRejoinsAsReplica() {
        try (RedisSentinelFixture sentinel = RedisSentinelFixture.start()) {
            report("sentinel master+replica+3 sentinels formation", sentinel.formationTime());
            assertEquals(3, sentinel.sentinelUris().split(",").length);
            assertEquals("mymaster", sentinel.masterName());
            RedisSentinelFixture.Node first = sentinel.master();
            RedisSentinelFixture.Node second = sentinel.replica();
            assertEquals(sentinel.dataNodes().get(0), first, "the first node starts as master");

            try (Subscriber onReplica = Subscriber.psubscribe(second.host(), second.port(), "events:*");
                 Jedis master = sentinel.client(first)) {
                master.publish("events:replicated", "hello");
                assertEquals("hello", onReplica.awaitCount(1, MESSAGE_TIMEOUT).get(0).payload(),
                        "a master's messages reach its replica's subscribers");
            }

            long failoverAt = System.nanoTime();
            assertEquals(first, sentinel.requestFailover());
            RedisSentinelFixture.Node promoted = sentinel.awaitNewMaster(first);
            report("sentinel SENTINEL FAILOVER -> sentinels name the new master, role:master", since(failoverAt));
            System.out.printf("[topology timing] old master's role right after the switch: %s%n", role(sentinel, first));
            // Sentinel demotes it with REPLICAOF then CLIENT KILL TYPE normal: each probe needs a new connection.
            Await.until("the old master's role:slave", RedisSentinelFixture.FAILOVER_TIMEOUT,
                    () -> "slave".equals(role(sentinel, first)));
            report("sentinel SENTINEL FAILOVER -> old master says role:slave", since(failoverAt));
            assertEquals(promoted, sentinel.awaitStable(RedisSentinelFixture.FAILOVER_TIMEOUT));
            report("sentinel SENTINEL FAILOVER -> old master demoted and linked, sentinels agree", since(failoverAt));
            assertEquals(second, promoted);
            assertEquals(second, sentinel.currentMaster());
            assertEquals(first, sentinel.replica());
            try (Jedis demoted = sentinel.client(first)) {
                assertEquals("slave", RedisFixture.info(demoted, "replication").get("role"));
            }

            long killedAt = System.nanoTime();
            RedisSentinelFixture.Node killed = sentinel.killMaster();
            RedisSentinelFixture.Node afterCrash = sentinel.awaitNewMaster(killed);
            report("sentinel master SIGKILL -> sentinels name the promoted replica", since(killedAt));
            assertEquals(second, killed);
            assertEquals(first, afterCrash);

            long restartedAt = System.nanoTime();
            sentinel.restart(killed);
            report("sentinel killed master restart -> demoted to linked replica", since(restartedAt));
            assertEquals(first, sentinel.master());
            try (Jedis rejoined = sentinel.client(killed)) {
                assertEquals("slave", RedisFixture.info(rejoined, "replication").get("role"));
            }
            assertEquals(0, sentinel.clientCount(sentinel.master()), "only replication and sentinel links remain");
        }
    }

    @Test
    void sentinelAndDataPasswordsAreSeparateAndAWrongOneIsRejected() {
        try (RedisSentinelFixture sentinel = RedisSentinelFixture.builder()
                .dataPassword("data-secret").sentinelPassword("sentinel-secret")
                .sentinelAclUser("watcher on >watch-secret +@all").start()) {
            report("sentinel with passwords formation", sentinel.formationTime());
            RedisSentinelFixture.Node aSentinel = sentinel.sentinels().get(0);
            try (Jedis anonymous = new Jedis(aSentinel.hostAndPort(), redis.clients.jedis.DefaultJedisClientConfig.builder().build())) {
                JedisDataException noAuth = assertThrows(JedisDataException.class,
                        () -> anonymous.sentinelGetMasterAddrByName("mymaster"));
                assertTrue(noAuth.getMessage().startsWith("NOAUTH"), noAuth.getMessage());
                JedisDataException wrong = assertThrows(JedisDataException.class, () -> anonymous.auth("data-secret"));
                assertTrue(wrong.getMessage().startsWith("WRONGPASS"), wrong.getMessage());
                assertEquals("OK", anonymous.auth("watcher", "watch-secret"), "an ACL user on the sentinels");
                assertEquals(List.of("127.0.0.1", Integer.toString(sentinel.master().port())),
                        anonymous.sentinelGetMasterAddrByName("mymaster"));
            }
            try (Jedis dataWithoutPassword = new Jedis(sentinel.master().hostAndPort(),
                    redis.clients.jedis.DefaultJedisClientConfig.builder().build())) {
                assertThrows(JedisDataException.class, dataWithoutPassword::ping);
            }
            RedisSentinelFixture.Node old = sentinel.master();
            assertNotEquals(old, sentinel.failover(), "sentinels fail over with auth-pass and sentinel-pass");
        }
    }
}
