package io.dualstream.connect.redis.testing;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.JedisShardedPubSub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A subscriber that records every message it receives, like a gateway would: {@code PSUBSCRIBE} to a pattern, or
 * {@code SSUBSCRIBE} (sharded Pub/Sub, Redis 7) to channels, on any node (a standalone server, a cluster master or
 * replica, a sentinel-managed node).
 */
public final class Subscriber implements AutoCloseable {

    /** One received message. */
    public record Message(String channel, String payload, long receivedAtMillis) {
    }

    /** What the subscriber listens with: a pattern subscription or a sharded one. */
    private interface Subscription {
        void listen(Jedis jedis);

        boolean active();

        void cancel();
    }

    private final List<Message> messages = new ArrayList<>();
    private final CountDownLatch subscribed;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final Subscription subscription;
    private final String description;
    private final Jedis jedis;
    private final Thread thread;

    private Subscriber(HostAndPort node, JedisClientConfig config, String description, int confirmations,
                       java.util.function.Function<Subscriber, Subscription> subscription) {
        this.description = description;
        this.subscribed = new CountDownLatch(confirmations);
        this.subscription = subscription.apply(this);
        jedis = new Jedis(node, config);
        thread = new Thread(() -> {
            try {
                this.subscription.listen(jedis);
            } catch (RuntimeException e) {
                // Before the confirmation: the subscription failed (MOVED, NOAUTH, refused), report it.
                // After it: the server went away; the messages received so far stay readable.
                failure.set(e);
                while (subscribed.getCount() > 0) {
                    subscribed.countDown();
                }
            }
        }, "subscriber-" + description);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * {@code PSUBSCRIBE pattern} on any node (a standalone fixture, a cluster replica...); returns once Redis has
     * confirmed the subscription.
     */
    public static Subscriber psubscribe(RedisEndpoint node, String pattern) {
        return psubscribe(node.hostAndPort(), defaultConfig(), pattern);
    }

    public static Subscriber psubscribe(String host, int port, String pattern) {
        return psubscribe(new HostAndPort(host, port), defaultConfig(), pattern);
    }

    /** {@code PSUBSCRIBE pattern} with credentials or TLS from {@code config}. */
    public static Subscriber psubscribe(HostAndPort node, JedisClientConfig config, String pattern) {
        return new Subscriber(node, config, "PSUBSCRIBE " + pattern, 1, self -> new Subscription() {
            private final JedisPubSub pubSub = new JedisPubSub() {
                @Override
                public void onPMessage(String matched, String channel, String message) {
                    self.record(channel, message);
                }

                @Override
                public void onPSubscribe(String matched, int subscribedChannels) {
                    self.subscribed.countDown();
                }
            };

            @Override
            public void listen(Jedis jedis) {
                jedis.psubscribe(pubSub, pattern);
            }

            @Override
            public boolean active() {
                return pubSub.isSubscribed();
            }

            @Override
            public void cancel() {
                pubSub.punsubscribe();
            }
        }).confirmed();
    }

    /**
     * {@code SSUBSCRIBE channels} on {@code node}, which must own their slot (in a cluster: the
     * master or a replica of it; several channels must share a slot, see hash tags). Returns once Redis has
     * confirmed every channel; a {@code MOVED} or {@code CROSSSLOT} answer fails at once.
     */
    public static Subscriber ssubscribe(RedisEndpoint node, String... channels) {
        return ssubscribe(node.hostAndPort(), defaultConfig(), channels);
    }

    public static Subscriber ssubscribe(String host, int port, String... channels) {
        return ssubscribe(new HostAndPort(host, port), defaultConfig(), channels);
    }

    /** {@code SSUBSCRIBE channels} with credentials or TLS from {@code config}. */
    public static Subscriber ssubscribe(HostAndPort node, JedisClientConfig config, String... channels) {
        return new Subscriber(node, config, "SSUBSCRIBE " + String.join(" ", channels), channels.length,
                self -> new Subscription() {
                    private final JedisShardedPubSub pubSub = new JedisShardedPubSub() {
                        @Override
                        public void onSMessage(String channel, String message) {
                            self.record(channel, message);
                        }

                        @Override
                        public void onSSubscribe(String channel, int subscribedChannels) {
                            self.subscribed.countDown();
                        }
                    };

                    @Override
                    public void listen(Jedis jedis) {
                        // Jedis has no ssubscribe on a single connection; the sharded Pub/Sub drives one itself.
                        pubSub.proceed(jedis.getConnection(), channels);
                    }

                    @Override
                    public boolean active() {
                        return pubSub.isSubscribed();
                    }

                    @Override
                    public void cancel() {
                        pubSub.sunsubscribe();
                    }
                }).confirmed();
    }

    private static JedisClientConfig defaultConfig() {
        return DefaultJedisClientConfig.builder().connectionTimeoutMillis(5000).build();
    }

    private Subscriber confirmed() {
        try {
            if (!subscribed.await(10, TimeUnit.SECONDS) || failure.get() != null) {
                close();
                throw new IllegalStateException(description + " was not confirmed", failure.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException(e);
        }
        return this;
    }

    private void record(String channel, String payload) {
        synchronized (messages) {
            messages.add(new Message(channel, payload, System.currentTimeMillis()));
            messages.notifyAll();
        }
    }

    /** Waits until at least {@code count} messages arrived; returns a copy of all received so far. */
    public List<Message> awaitCount(int count, Duration timeout) {
        return await(list -> list.size() >= count, timeout, "at least " + count + " messages");
    }

    public List<Message> await(Predicate<List<Message>> condition, Duration timeout, String what) {
        return await(condition, timeout, what, true);
    }

    /** Like {@link #await(Predicate, Duration, String)}, but returns what arrived instead of failing when told so. */
    public List<Message> await(Predicate<List<Message>> condition, Duration timeout, String what, boolean failOnTimeout) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        synchronized (messages) {
            while (!condition.test(messages)) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    if (!failOnTimeout) {
                        return new ArrayList<>(messages);
                    }
                    throw new AssertionError("Timed out after " + timeout + " waiting for " + what + "; received "
                            + messages.size() + " (" + description + ")");
                }
                try {
                    messages.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
            return new ArrayList<>(messages);
        }
    }

    /**
     * The most messages whose receive times fall within one {@code window} (sliding: a window starts at every
     * message), to check a rate at the subscriber's end.
     */
    public static int busiestWindow(List<Message> messages, Duration window) {
        long[] times = messages.stream().mapToLong(Message::receivedAtMillis).sorted().toArray();
        int busiest = 0;
        int end = 0;
        for (int start = 0; start < times.length; start++) {
            while (end < times.length && times[end] - times[start] < window.toMillis()) {
                end++;
            }
            busiest = Math.max(busiest, end - start);
        }
        return busiest;
    }

    public List<Message> received() {
        synchronized (messages) {
            return new ArrayList<>(messages);
        }
    }

    @Override
    public void close() {
        try {
            if (subscription.active()) {
                subscription.cancel();
            }
        } catch (RuntimeException ignored) {
            // Already disconnected.
        }
        try {
            jedis.close();
        } catch (RuntimeException ignored) {
            // Already disconnected.
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
