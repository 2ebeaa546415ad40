package io.dualstream.connect.redis.testing;

import redis.clients.jedis.BinaryJedisShardedPubSub;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link Subscriber}'s {@code SSUBSCRIBE}, which outlives {@code sunsubscribe} from the server, see {@link Subscriber#ssubscribe}. */
final class ShardSubscription implements Subscription {
    private final Subscriber self;
    private final JedisClientConfig config;
    /** The channels by slot, in order: one SSUBSCRIBE each (one command takes the channels of one slot only). */
    private final List<byte[][]> bySlot;
    private volatile boolean cancelled;
    private volatile BinaryJedisShardedPubSub current;
    /** The connection to the node a MOVED answer named, once the slot has moved. */
    private volatile Connection moved;

    ShardSubscription(Subscriber self, JedisClientConfig config, String[] channels) {
        this.self = self;
        this.config = config;
        Map<Integer, List<byte[]>> slots = new LinkedHashMap<>();
        for (String channel : channels) {
            byte[] name = channel.getBytes(StandardCharsets.UTF_8);
            slots.computeIfAbsent(JedisClusterCRC16.getSlot(name), s -> new ArrayList<>()).add(name);
        }
        this.bySlot = slots.values().stream().map(c -> c.toArray(byte[][]::new)).toList();
    }

    private BinaryJedisShardedPubSub newPubSub() {
        return new BinaryJedisShardedPubSub() {
            private boolean otherSlotsSent;

            @Override
            public void onSMessage(byte[] channel, byte[] message) {
                self.record(channel, message);
            }

            @Override
            public void onSSubscribe(byte[] channel, int subscribedChannels) {
                // proceed() sends the first slot's SSUBSCRIBE; the others go on the same connection once it has
                // taken, from this (the listening) thread, which alone writes to it.
                if (!otherSlotsSent) {
                    otherSlotsSent = true;
                    bySlot.subList(1, bySlot.size()).forEach(this::ssubscribe);
                }
                self.countConfirmation();
            }
        };
    }

    @Override
    public void listen(Jedis jedis) {
        // Jedis has no ssubscribe on a single connection; the sharded Pub/Sub drives one itself, and returns once
        // no channel is subscribed any more.
        Connection connection = jedis.getConnection();
        while (!cancelled) {
            current = newPubSub();
            try {
                current.proceed(connection, bySlot.get(0));
            } catch (JedisMovedDataException slotMoved) {
                if (!self.allConfirmed()) {
                    throw slotMoved; // the first subscription went to the wrong node: a test's mistake to report
                }
                closeMoved();
                moved = new Connection(slotMoved.getTargetNode(), config);
                connection = moved;
                continue;
            }
            if (!cancelled) {
                self.countResubscription();
            }
        }
    }

    @Override
    public boolean active() {
        return !cancelled;
    }

    @Override
    public void cancel() {
        cancelled = true;
        BinaryJedisShardedPubSub pubSub = current;
        if (pubSub != null && pubSub.isSubscribed()) {
            pubSub.sunsubscribe();
        }
        closeMoved();
    }

    private void closeMoved() {
        if (moved != null) {
            moved.close();
        }
    }
}

