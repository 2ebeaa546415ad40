package io.dualstream.connect.redis.testing;

import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.JedisShardedPubSub;
import redis.clients.jedis.exceptions.JedisMovedDataException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
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
    private final AtomicInteger resubscriptions = new AtomicInteger();
    private final Subscription subscription;
    private final String description;
    private final ReadPace pace;
    private final Jedis jedis;
    private final Thread thread;
    private volatile long endedAtMillis = -1;
    private BiConsumer<String, String> forward; // guarded by messages

    private Subscriber(HostAndPort node, JedisClientConfig config, String description, int confirmations,
                       ReadPace pace, java.util.function.Function<Subscriber, Subscription> subscription) {
        this.description = description;
        this.pace = pace;
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
            } finally {
                endedAtMillis = System.currentTimeMillis();
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
        return psubscribe(node, config, pattern, null);
    }

    /**
     * {@code PSUBSCRIBE pattern} by a slow reader, as a gateway that cannot keep up with a burst: it takes at most
     * {@code messagesPerSecond} messages a second off its connection (after each message its thread waits for the
     * next one's turn; a stall is not made up for by more than 50 ms of messages at once). What Redis sends faster
     * waits in the socket buffers, then in Redis's output buffer for this client ({@code omem} in CLIENT LIST),
     * which {@code client-output-buffer-limit pubsub} bounds. The connection is named {@code clientName}.
     */
    public static Subscriber psubscribeReadingAtMost(RedisEndpoint node, String pattern, String clientName,
                                                     int messagesPerSecond) {
        JedisClientConfig config = DefaultJedisClientConfig.builder().connectionTimeoutMillis(5000)
                .clientName(clientName).build();
        return psubscribe(node.hostAndPort(), config, pattern, new ReadPace(messagesPerSecond));
    }

    private static Subscriber psubscribe(HostAndPort node, JedisClientConfig config, String pattern, ReadPace pace) {
        String description = "PSUBSCRIBE " + pattern + (pace == null ? "" : " at most " + pace.perSecond + "/s");
        return new Subscriber(node, config, description, 1, pace, self -> new Subscription() {
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

    /**
     * {@code SSUBSCRIBE channels} with credentials or TLS from {@code config}. Like a gateway must, it subscribes again
     * when the server drops the subscription ({@code sunsubscribe}): Valkey does so to the subscribers of a replica
     * it promotes, and every server when the channel's slot moves away, in which case the {@code MOVED} answer names
     * the node to subscribe at. A {@code MOVED} answer to the first subscription still fails at once.
     */
    public static Subscriber ssubscribe(HostAndPort node, JedisClientConfig config, String... channels) {
        return new Subscriber(node, config, "SSUBSCRIBE " + String.join(" ", channels), channels.length, null,
                self -> new ShardSubscription(self, config, channels)).confirmed();
    }

    /** How often the server dropped a sharded subscription and this subscriber subscribed again. */
    public int resubscriptions() {
        return resubscriptions.get();
    }

    /** A sharded subscription that outlives {@code sunsubscribe} from the server, see {@link #ssubscribe}. */
    private static final class ShardSubscription implements Subscription {
        private final Subscriber self;
        private final JedisClientConfig config;
        private final String[] channels;
        private volatile boolean cancelled;
        private volatile JedisShardedPubSub current;
        /** The connection to the node a MOVED answer named, once the slot has moved. */
        private volatile Connection moved;

        ShardSubscription(Subscriber self, JedisClientConfig config, String[] channels) {
            this.self = self;
            this.config = config;
            this.channels = channels;
        }

        private JedisShardedPubSub newPubSub() {
            return new JedisShardedPubSub() {
                @Override
                public void onSMessage(String channel, String message) {
                    self.record(channel, message);
                }

                @Override
                public void onSSubscribe(String channel, int subscribedChannels) {
                    self.subscribed.countDown();
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
                    current.proceed(connection, channels);
                } catch (JedisMovedDataException slotMoved) {
                    if (self.subscribed.getCount() > 0) {
                        throw slotMoved; // the first subscription went to the wrong node: a test's mistake to report
                    }
                    closeMoved();
                    moved = new Connection(slotMoved.getTargetNode(), config);
                    connection = moved;
                    continue;
                }
                if (!cancelled) {
                    self.resubscriptions.incrementAndGet();
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
            JedisShardedPubSub pubSub = current;
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
            if (forward != null) {
                forward.accept(channel, payload);
            } else {
                messages.add(new Message(channel, payload, System.currentTimeMillis()));
                messages.notifyAll();
            }
        }
        if (pace != null) {
            pace.awaitTurn();
        }
    }

    /**
     * Hands the messages received so far, and every one after, to {@code sink} (channel, payload) instead of keeping
     * them: for runs too long to hold every message. {@code sink} is called on this subscriber's thread.
     */
    public Subscriber forwardTo(BiConsumer<String, String> sink) {
        synchronized (messages) {
            messages.forEach(m -> sink.accept(m.channel(), m.payload()));
            messages.clear();
            forward = sink;
        }
        return this;
    }

    /** How many messages arrived so far (without copying them). */
    public int count() {
        synchronized (messages) {
            return messages.size();
        }
    }

    /** Whether the subscription still listens: its connection has not been closed under it (nor by {@link #close()}). */
    public boolean listening() {
        return thread.isAlive();
    }

    /** When the listener ended ({@link System#currentTimeMillis()}), or -1 while it listens. */
    public long endedAtMillis() {
        return endedAtMillis;
    }

    /**
     * Waits until the listener ends, as it does when Redis closes the connection; returns what it ended with (Jedis's
     * exception for a closed connection, null for an unsubscribe). Fails when it still listens after {@code timeout}.
     */
    public RuntimeException awaitEnd(Duration timeout) {
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (thread.isAlive()) {
            throw new AssertionError(description + " still listening after " + timeout + "; received " + count());
        }
        return failure.get();
    }

    /** Holds the listening thread to at most {@code perSecond} messages a second. */
    private static final class ReadPace {
        /** How far behind its schedule the reader may fall and still catch up at full speed. */
        private static final long MAX_LAG_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
        private static final long MIN_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

        private final int perSecond;
        private final long intervalNanos;
        private boolean started;
        private long dueNanos;

        ReadPace(int perSecond) {
            if (perSecond <= 0) {
                throw new IllegalArgumentException("messages per second must be positive: " + perSecond);
            }
            this.perSecond = perSecond;
            this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        }

        /** Called by the listening thread after each message: waits until the next one may be read. */
        void awaitTurn() {
            long now = System.nanoTime();
            if (!started || now - dueNanos > MAX_LAG_NANOS) {
                started = true;
                dueNanos = now;
            }
            dueNanos += intervalNanos;
            long wait = dueNanos - now;
            // Waits shorter than a millisecond add up until one is worth sleeping for.
            if (wait >= MIN_SLEEP_NANOS) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait); // the simulated slowness of the reader, not synchronisation
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
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
