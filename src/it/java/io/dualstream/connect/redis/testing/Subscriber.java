package io.dualstream.connect.redis.testing;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one Pub/Sub subscriber of the integration tests, the quickstart's live view ({@code NotificationWatcher}) and
 * the benchmarks: {@code PSUBSCRIBE} to a pattern, or {@code SSUBSCRIBE} (sharded Pub/Sub, Redis 7) to channels, on
 * any node (a standalone server, a cluster master or replica, a sentinel-managed node), like a gateway would.
 * <p>
 * By default it keeps every message for a test to await and read. {@link #forwardTo} hands them to a sink instead
 * (long runs, the quickstart's live counts), {@link #forwardPayloadsTo} and {@link #countOnly} keep up with hundreds
 * of thousands of messages a second for the benchmarks (the payload's bytes are never decoded); {@link #count}
 * counts in every mode.
 * <p>
 * It lives in the test kit rather than in the quickstart because most of it serves tests (awaiting with a deadline,
 * failing with what arrived, a paced reader, the busiest window); the quickstart runs from the test classes, so it
 * uses this class as it is, and its own code keeps to the demo.
 */
public final class Subscriber implements AutoCloseable {

    /** One received message. */
    public record Message(String channel, String payload, long receivedAtMillis) {
    }

    /** Takes each message's payload as it arrives, on the subscriber's thread, see {@link #forwardPayloadsTo}. */
    @FunctionalInterface
    public interface PayloadListener {
        /** @param receivedNanos when it arrived, from {@link System#nanoTime()} */
        void onMessage(byte[] payload, long receivedNanos);
    }

    /** Where an arriving message goes: kept, forwarded as text, or handed on as bytes. */
    private interface Delivery {
        void deliver(byte[] channel, byte[] payload, long receivedNanos);
    }

    /** How long a resubscribing subscriber waits between attempts while Redis is down. */
    private static final long RECONNECT_PAUSE_MS = 20;

    private final List<Message> messages = new ArrayList<>();
    private final CountDownLatch subscribed;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final AtomicInteger resubscriptions = new AtomicInteger();
    private final AtomicInteger arrived = new AtomicInteger();
    private final Subscription subscription;
    private final String description;
    private final ReadPace pace;
    private final Thread thread;
    private volatile Jedis jedis;
    private volatile boolean closed;
    private volatile long endedAtMillis = -1;
    private volatile Delivery delivery = this::keep;

    /**
     * @param resubscribe whether to connect and subscribe again when the connection is lost after the first
     *                    confirmation (a gateway's behaviour); otherwise the listener ends there, as the tests of a
     *                    cut-off client need
     */
    private Subscriber(HostAndPort node, JedisClientConfig config, String description, int confirmations,
                       ReadPace pace, boolean resubscribe, Function<Subscriber, Subscription> subscription) {
        this.description = description;
        this.pace = pace;
        this.subscribed = new CountDownLatch(confirmations);
        this.subscription = subscription.apply(this);
        // The first connection is made here, so that a node that refuses it fails the caller at once.
        jedis = new Jedis(node, config);
        thread = new Thread(() -> {
            try {
                listen(node, config, resubscribe);
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

    private void listen(HostAndPort node, JedisClientConfig config, boolean resubscribe) {
        while (true) {
            try {
                subscription.listen(jedis);
                if (!resubscribe || closed) {
                    return;
                }
            } catch (RuntimeException connectionLost) {
                if (!resubscribe || closed || subscribed.getCount() > 0) {
                    throw connectionLost;
                }
            }
            // Redis went away: like a gateway, connect again until it is back, then subscribe again.
            closeQuietly(jedis);
            if (!reconnect(node, config)) {
                return;
            }
        }
    }

    /** Connects until Redis answers or {@link #close()} runs; returns whether it connected. */
    private boolean reconnect(HostAndPort node, JedisClientConfig config) {
        while (!closed) {
            Await.pause(RECONNECT_PAUSE_MS); // the retry interval while Redis is down
            try {
                jedis = new Jedis(node, config);
            } catch (RuntimeException stillDown) {
                continue;
            }
            // close() sets closed before it closes the connection it finds: either it found this one, or we stop.
            if (closed) {
                closeQuietly(jedis);
                return false;
            }
            return true;
        }
        return false;
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
        return new Subscriber(node, config, description, 1, pace, false, self -> new PatternSubscription(self, pattern))
                .confirmed();
    }

    /**
     * {@code PSUBSCRIBE pattern} that outlives Redis: when the connection is lost after the first confirmation it
     * connects and subscribes again until {@link #close()}, as a gateway does ({@link #resubscriptions()} counts
     * how often). For the benchmarks, which kill and restart Redis under a steady load.
     */
    public static Subscriber psubscribeResubscribing(String host, int port, String pattern) {
        return new Subscriber(new HostAndPort(host, port), defaultConfig(), "PSUBSCRIBE " + pattern + " resubscribing",
                1, null, true, self -> new PatternSubscription(self, pattern)).confirmed();
    }

    /**
     * {@code SSUBSCRIBE channels} on {@code node}, which must own their slots (in a cluster: the master or a replica
     * of it); one SSUBSCRIBE per slot, all on this subscriber's one connection. Returns once Redis has confirmed
     * every channel; a {@code MOVED} answer fails at once.
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
        return new Subscriber(node, config, "SSUBSCRIBE " + String.join(" ", channels), channels.length, null, false,
                self -> new ShardSubscription(self, config, channels)).confirmed();
    }

    /**
     * How often this subscriber subscribed again: after the server dropped a sharded subscription, or after Redis came
     * back for {@link #psubscribeResubscribing}.
     */
    public int resubscriptions() {
        return resubscriptions.get();
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

    /** Whether Redis confirmed every channel or pattern of the first subscription. */
    boolean allConfirmed() {
        return subscribed.getCount() == 0;
    }

    void countConfirmation() {
        subscribed.countDown();
    }

    void countResubscription() {
        resubscriptions.incrementAndGet();
    }

    /** Called by the subscription, on the listening thread, for each message. */
    void record(byte[] channel, byte[] payload) {
        delivery.deliver(channel, payload, System.nanoTime());
        arrived.incrementAndGet();
        if (pace != null) {
            pace.awaitTurn();
        }
    }

    private void keep(byte[] channel, byte[] payload, long receivedNanos) {
        synchronized (messages) {
            messages.add(new Message(text(channel), text(payload), System.currentTimeMillis()));
            messages.notifyAll();
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Hands the messages received so far, and every one after, to {@code sink} (channel, payload) instead of keeping
     * them: for runs too long to hold every message. {@code sink} is called on this subscriber's thread.
     */
    public Subscriber forwardTo(BiConsumer<String, String> sink) {
        synchronized (messages) {
            messages.forEach(m -> sink.accept(m.channel(), m.payload()));
            messages.clear();
            // Under the lock, as the switch: a message keeps its place after those handed on above.
            delivery = (channel, payload, receivedNanos) -> {
                synchronized (messages) {
                    sink.accept(text(channel), text(payload));
                }
            };
        }
        return this;
    }

    /**
     * From now on hands each payload, undecoded, with its arrival time to {@code listener} instead of keeping it (what
     * arrived before is dropped): for the benchmarks' latency probes. {@code listener} runs on this subscriber's
     * thread, before the message is counted.
     */
    public Subscriber forwardPayloadsTo(PayloadListener listener) {
        delivery = (channel, payload, receivedNanos) -> listener.onMessage(payload, receivedNanos);
        clearKept();
        return this;
    }

    /** From now on only counts the messages ({@link #count()}), keeping none (what arrived before is dropped). */
    public Subscriber countOnly() {
        delivery = (channel, payload, receivedNanos) -> { };
        clearKept();
        return this;
    }

    private void clearKept() {
        synchronized (messages) {
            messages.clear();
        }
    }

    /** Starts {@link #count()} again from 0, as before each run of a benchmark. */
    public void resetCount() {
        arrived.set(0);
    }

    /** How many messages arrived so far (since {@link #resetCount()}), whether kept, forwarded or only counted. */
    public int count() {
        return arrived.get();
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
        closed = true; // first: a reconnecting listener checks it after it connects, see reconnect()
        try {
            if (subscription.active()) {
                subscription.cancel();
            }
        } catch (RuntimeException ignored) {
            // Already disconnected.
        }
        closeQuietly(jedis);
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Jedis connection) {
        try {
            connection.close();
        } catch (RuntimeException ignored) {
            // Already disconnected.
        }
    }
}
