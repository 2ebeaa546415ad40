package io.dualstream.quickstart.gateway;

import io.dualstream.connect.redis.testing.Await;
import io.dualstream.connect.redis.testing.RedisClusterFixture;
import io.dualstream.connect.redis.testing.RedisClusterFixture.Node;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The gateway's SSUBSCRIBE connections against a real cluster: when the server drops some of a connection's channels
 * ({@code sunsubscribe}, here because their slots moved away, as Valkey also does at a failover) while the others stay
 * subscribed, the gateway hears of it and can subscribe again, instead of missing those channels in silence.
 */
class ShardedSubscriberIT {

    @Test
    void aChannelTheServerUnsubscribesIsReportedLostWhileItsConnectionStaysUp() {
        try (RedisClusterFixture cluster = RedisClusterFixture.builder().masters(3).replicasPerMaster(0).start()) {
            Node from = cluster.masters().get(0);
            Node to = cluster.masters().get(1);
            List<Integer> slots = cluster.slots(from);
            // Two channels on the same master: one in a slot that moves (redis-cli moves the lowest first), one in a
            // slot that stays.
            String moving = RedisClusterFixture.channelInSlot("events:moving:", slots.get(0));
            String staying = RedisClusterFixture.channelInSlot("events:staying:", slots.get(slots.size() - 1));
            List<String> received = new CopyOnWriteArrayList<>();
            AtomicInteger lost = new AtomicInteger();
            ShardMap map;
            try (Jedis jedis = cluster.client(from)) {
                map = ShardMap.read(jedis);
            }
            try (ShardedSubscriber subscriber = ShardedSubscriber.start(map, List.of(moving, staying),
                    (channel, payload) -> received.add(channel), lost::incrementAndGet)) {
                assertEquals(1, subscriber.masters(), "both channels live on one master");
                cluster.reshard(from, to, 1);

                Await.until("the gateway to report the unsubscribed channel", Duration.ofSeconds(30),
                        (BooleanSupplier) () -> lost.get() > 0);
                assertEquals(1, lost.get(), "reported once");
                // The connection itself is still up: the channel that stayed still arrives on it.
                try (Jedis jedis = cluster.client(from)) {
                    jedis.sendCommand(Protocol.Command.SPUBLISH, staying, "still here");
                }
                Await.until("the staying channel's message", Duration.ofSeconds(10),
                        (BooleanSupplier) () -> received.contains(staying));
                assertFalse(received.contains(moving));
            }
        }
    }
}
