package io.dualstream.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A {@code PSUBSCRIBE events:*} client, like a gateway, feeding what it receives into {@link LiveStats}. */
public final class NotificationWatcher implements AutoCloseable {

    public static final String PATTERN = "events:*";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LiveStats stats;
    private final Jedis jedis;
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private final Thread thread;
    private final JedisPubSub pubSub = new JedisPubSub() {
        @Override
        public void onPMessage(String pattern, String channel, String message) {
            stats.record(channel, eventTime(message), System.currentTimeMillis());
        }

        @Override
        public void onPSubscribe(String pattern, int subscribedChannels) {
            subscribed.countDown();
        }
    };

    public NotificationWatcher(String host, int port, LiveStats stats) {
        this.stats = stats;
        this.jedis = new Jedis(host, port, 0);
        this.thread = new Thread(() -> {
            try {
                jedis.psubscribe(pubSub, PATTERN);
            } catch (RuntimeException connectionGone) {
                // Redis went away or close() ran: the counts so far stay.
            }
        }, "quickstart-watcher");
        thread.setDaemon(true);
    }

    /** Subscribes and returns once Redis confirmed it, so no early notification is missed. */
    public void start() {
        thread.start();
        try {
            if (!subscribed.await(10, TimeUnit.SECONDS)) {
                throw new QuickstartException("PSUBSCRIBE " + PATTERN + " was not confirmed by Redis within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuickstartException("interrupted while subscribing", e);
        }
    }

    /** The Kafka record timestamp the notification carries ({@code timestamp} field), or -1. */
    static long eventTime(String notification) {
        try {
            JsonNode timestamp = JSON.readTree(notification).get("timestamp");
            return timestamp != null && timestamp.canConvertToLong() ? timestamp.asLong() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        try {
            if (pubSub.isSubscribed()) {
                pubSub.punsubscribe();
            }
        } catch (RuntimeException alreadyGone) {
            // nothing left to unsubscribe from
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        jedis.close();
    }
}
