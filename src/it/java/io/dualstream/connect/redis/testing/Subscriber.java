package io.dualstream.connect.redis.testing;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A {@code PSUBSCRIBE} client that records every message it receives, like a gateway would. */
public final class Subscriber implements AutoCloseable {

    /** One received message. */
    public record Message(String channel, String payload, long receivedAtMillis) {
    }

    private final List<Message> messages = new ArrayList<>();
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private final JedisPubSub pubSub = new JedisPubSub() {
        @Override
        public void onPMessage(String pattern, String channel, String message) {
            synchronized (messages) {
                messages.add(new Message(channel, message, System.currentTimeMillis()));
                messages.notifyAll();
            }
        }

        @Override
        public void onPSubscribe(String pattern, int subscribedChannels) {
            subscribed.countDown();
        }
    };
    private final Jedis jedis;
    private final Thread thread;

    private Subscriber(RedisFixture redis, String pattern) {
        jedis = new Jedis(redis.host(), redis.port(), 0);
        thread = new Thread(() -> {
            try {
                jedis.psubscribe(pubSub, pattern);
            } catch (RuntimeException connectionGone) {
                // The server went away; the messages received so far stay readable.
            }
        }, "subscriber-" + pattern);
        thread.setDaemon(true);
        thread.start();
    }

    /** Subscribes to {@code pattern} and returns once Redis has confirmed the subscription. */
    public static Subscriber psubscribe(RedisFixture redis, String pattern) {
        Subscriber subscriber = new Subscriber(redis, pattern);
        try {
            if (!subscriber.subscribed.await(10, TimeUnit.SECONDS)) {
                subscriber.close();
                throw new IllegalStateException("PSUBSCRIBE " + pattern + " was not confirmed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return subscriber;
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
                            + messages.size());
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

    public List<Message> received() {
        synchronized (messages) {
            return new ArrayList<>(messages);
        }
    }

    @Override
    public void close() {
        try {
            if (pubSub.isSubscribed()) {
                pubSub.punsubscribe();
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
