package io.dualstream.quickstart.gateway;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisShardedPubSub;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * {@code SSUBSCRIBE} to a known set of channels across a Redis Cluster: one connection per master, one
 * {@code SSUBSCRIBE} per slot on it ({@link ShardMap#bySlotOwner}). Sharded Pub/Sub has no pattern form, so a
 * subscriber that wants "every channel" must know the channels; the quickstart does (its sample sources are a
 * finite set).
 */
public final class ShardedSubscriber implements AutoCloseable {

    private static final long CONFIRM_SECONDS = 10;

    private final List<Shard> shards = new ArrayList<>();
    private final CountDownLatch confirmed;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final BiConsumer<String, String> onMessage;
    private final Runnable onLost;
    private final int masters;
    private final int channels;
    private final AtomicBoolean lost = new AtomicBoolean();
    private volatile boolean closed;

    private ShardedSubscriber(Map<HostAndPort, List<List<String>>> layout, BiConsumer<String, String> onMessage,
                              Runnable onLost) {
        this.onMessage = onMessage;
        this.onLost = onLost;
        this.masters = layout.size();
        this.channels = layout.values().stream().flatMap(List::stream).mapToInt(List::size).sum();
        this.confirmed = new CountDownLatch(channels);
        layout.forEach((master, bySlot) -> shards.add(new Shard(master, bySlot)));
    }

    /**
     * Subscribes every channel on the master owning its slot and returns once Redis confirmed each of them.
     *
     * @param onMessage called with channel and payload, on the connection's thread (one per master): must not block
     * @param onLost called once when a connection drops or the server unsubscribes a channel ({@code sunsubscribe})
     *               after the subscription was confirmed (not after close)
     */
    public static ShardedSubscriber start(ShardMap map, Collection<String> channels,
                                          BiConsumer<String, String> onMessage, Runnable onLost) {
        ShardedSubscriber subscriber = new ShardedSubscriber(map.bySlotOwner(channels), onMessage, onLost);
        subscriber.shards.forEach(Shard::start);
        try {
            boolean done = subscriber.confirmed.await(CONFIRM_SECONDS, TimeUnit.SECONDS);
            if (!done || subscriber.failure.get() != null) {
                throw new IllegalStateException("SSUBSCRIBE of " + subscriber.channels + " channels on "
                        + subscriber.masters + " masters was not confirmed within " + CONFIRM_SECONDS + " s"
                        + (subscriber.failure.get() == null ? "" : ": " + subscriber.failure.get().getMessage()),
                        subscriber.failure.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            subscriber.close();
            throw new IllegalStateException("interrupted while subscribing", e);
        } catch (RuntimeException e) {
            subscriber.close();
            throw e;
        }
        return subscriber;
    }

    public int masters() {
        return masters;
    }

    public int channels() {
        return channels;
    }

    /** One master's connection and its SSUBSCRIBE commands, one per slot. */
    private final class Shard {
        private final HostAndPort master;
        private final List<List<String>> bySlot;
        private final Jedis jedis;
        private final Thread thread;
        private final JedisShardedPubSub pubSub = new JedisShardedPubSub() {
            private boolean restSent;

            @Override
            public void onSMessage(String channel, String message) {
                onMessage.accept(channel, message);
            }

            @Override
            public void onSSubscribe(String channel, int subscribedChannels) {
                if (!restSent) {
                    // The connection is in subscriber mode only once the first command is confirmed; the other
                    // slots' commands follow on it from here (Jedis writes them, this thread keeps reading).
                    restSent = true;
                    bySlot.subList(1, bySlot.size()).forEach(sameSlot -> ssubscribe(sameSlot.toArray(String[]::new)));
                }
                confirmed.countDown();
            }

            @Override
            public void onSUnsubscribe(String channel, int subscribedChannels) {
                // Not asked for (close() sets closed first): the server dropped the channel, because its slot moved
                // away or, on Valkey, because this node changed role. The other channels on this connection go on,
                // so the connection's end alone would not tell; subscribe everything again from a fresh slot map.
                connectionLost();
            }
        };

        Shard(HostAndPort master, List<List<String>> bySlot) {
            this.master = master;
            this.bySlot = bySlot;
            this.jedis = new Jedis(master, DefaultJedisClientConfig.builder()
                    .connectionTimeoutMillis(2000).socketTimeoutMillis(0).build());
            this.thread = new Thread(this::listen, "quickstart-ssubscribe-" + master.getPort());
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void listen() {
            try {
                pubSub.proceed(jedis.getConnection(), bySlot.get(0).toArray(String[]::new));
            } catch (RuntimeException e) {
                if (confirmed.getCount() > 0) {
                    // Before every confirmation: SSUBSCRIBE failed (refused, MOVED, CROSSSLOT); start() reports it.
                    failure.compareAndSet(null, new IllegalStateException("SSUBSCRIBE on " + master + ": "
                            + e.getMessage(), e));
                    while (confirmed.getCount() > 0) {
                        confirmed.countDown();
                    }
                    return;
                }
            }
            connectionLost(); // the master went away, or Redis unsubscribed every channel
        }

        private void connectionLost() {
            if (!closed && confirmed.getCount() == 0 && lost.compareAndSet(false, true)) {
                onLost.run();
            }
        }

        void close() {
            try {
                if (pubSub.isSubscribed()) {
                    pubSub.sunsubscribe();
                }
            } catch (RuntimeException alreadyGone) {
                // the connection is being torn down anyway
            }
            jedis.close();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        shards.forEach(Shard::close);
    }
}
