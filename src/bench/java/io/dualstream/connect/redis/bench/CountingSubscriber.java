package io.dualstream.connect.redis.bench;

import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@code PSUBSCRIBE} client that only counts (and optionally inspects) what it receives, so it keeps up with
 * hundreds of thousands of messages per second. It resubscribes by itself when Redis goes away, like a gateway.
 */
final class CountingSubscriber implements AutoCloseable {

    /** Called on the subscriber thread for each message, with the receipt time from {@link System#nanoTime()}. */
    interface Listener {
        void onMessage(byte[] payload, long receivedNanos);
    }

    private final String host;
    private final int port;
    private final String pattern;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong subscriptions = new AtomicLong();
    private volatile Listener listener;
    private volatile boolean closed;
    private volatile Jedis jedis;
    private volatile BinaryJedisPubSub pubSub;
    private final Thread thread;

    CountingSubscriber(String host, int port, String pattern) {
        this.host = host;
        this.port = port;
        this.pattern = pattern;
        thread = new Thread(this::run, "bench-subscriber");
        thread.setDaemon(true);
        thread.start();
        awaitSubscriptions(1, 15_000);
    }

    private void run() {
        while (!closed) {
            try (Jedis connection = new Jedis(host, port, 0)) {
                jedis = connection;
                BinaryJedisPubSub session = new BinaryJedisPubSub() {
                    @Override
                    public void onPMessage(byte[] p, byte[] channel, byte[] message) {
                        long now = System.nanoTime();
                        Listener l = listener;
                        if (l != null) {
                            l.onMessage(message, now);
                        }
                        received.incrementAndGet();
                    }

                    @Override
                    public void onPSubscribe(byte[] p, int count) {
                        subscriptions.incrementAndGet();
                    }
                };
                pubSub = session;
                connection.psubscribe(session, pattern.getBytes(StandardCharsets.UTF_8));
            } catch (RuntimeException redisGone) {
                if (!closed) {
                    pause(20); // reconnect loop while Redis is down
                }
            }
        }
    }

    void listener(Listener listener) {
        this.listener = listener;
    }

    long received() {
        return received.get();
    }

    long subscriptions() {
        return subscriptions.get();
    }

    void resetCount() {
        received.set(0);
    }

    /** Waits until {@code count} messages arrived; returns the time it happened, or -1 on timeout. */
    long awaitCount(long count, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (received.get() < count) {
            if (System.nanoTime() > deadline) {
                return -1;
            }
            pause(1);
        }
        return System.nanoTime();
    }

    void awaitSubscriptions(long count, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (subscriptions.get() < count) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("PSUBSCRIBE " + pattern + " was not confirmed");
            }
            pause(5);
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            BinaryJedisPubSub session = pubSub;
            if (session != null && session.isSubscribed()) {
                session.punsubscribe();
            }
        } catch (RuntimeException ignored) {
            // already disconnected
        }
        Jedis connection = jedis;
        if (connection != null) {
            try {
                connection.close();
            } catch (RuntimeException ignored) {
                // already disconnected
            }
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
