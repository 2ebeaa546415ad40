package io.dualstream.quickstart.gateway;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Redis half of the gateway: one connection holding one SUBSCRIBE or PSUBSCRIBE per distinct watch, counted
 * by the pages watching it and dropped when the last one leaves; each notification is parsed once and handed to
 * every page on that watch. When the connection drops, every page is told (they reconnect and catch up from
 * Kafka: Pub/Sub kept nothing for them) and the gateway dials Redis again.
 */
public final class RedisSubscriptions implements Subscriptions {

    private static final Logger log = LoggerFactory.getLogger(RedisSubscriptions.class);
    /** Keeps the connection in subscriber mode while no page watches anything. Nothing publishes on it. */
    static final String IDLE_CHANNEL = "quickstart-gateway:idle";
    private static final long RECONNECT_MILLIS = 1000;

    private static final class Subscription {
        final Set<Listener> listeners = ConcurrentHashMap.newKeySet();
        final CompletableFuture<Void> confirmed = new CompletableFuture<>();
    }

    private final String host;
    private final int port;
    private final Thread thread;
    private final CountDownLatch firstConnect = new CountDownLatch(1);
    private final Map<String, Subscription> active = new ConcurrentHashMap<>();
    /** Per watch, the subscriptions whose SUBSCRIBE Redis has not confirmed yet, in the order they were sent. */
    private final Map<String, Deque<Subscription>> unconfirmed = new HashMap<>(); // guarded by this
    private JedisPubSub connection; // guarded by this; null while disconnected
    private volatile boolean closed;

    public RedisSubscriptions(String host, int port) {
        this.host = host;
        this.port = port;
        this.thread = new Thread(this::run, "quickstart-gateway-redis");
        thread.setDaemon(true);
    }

    /** Connects and returns once Redis confirmed the connection's first subscription. */
    @Override
    public void start() {
        thread.start();
        try {
            if (!firstConnect.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the gateway could not subscribe to Redis at " + host + ":" + port
                        + " within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while subscribing to Redis", e);
        }
    }

    /**
     * Adds a page to a watch, subscribing when it is the first. The future completes once Redis confirmed the
     * subscription: from then on every notification on the watch reaches the listener.
     */
    @Override
    public synchronized CompletableFuture<Void> add(Watch watch, Listener listener) {
        if (connection == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected to Redis at " + host + ":"
                    + port + "; retrying every " + RECONNECT_MILLIS + " ms"));
        }
        Subscription subscription = active.get(watch.expression());
        if (subscription == null) {
            subscription = new Subscription();
            active.put(watch.expression(), subscription);
            unconfirmed.computeIfAbsent(watch.expression(), key -> new ArrayDeque<>()).add(subscription);
            if (watch.pattern()) {
                connection.psubscribe(watch.expression());
            } else {
                connection.subscribe(watch.expression());
            }
        }
        subscription.listeners.add(listener);
        return subscription.confirmed;
    }

    /** Removes a page from a watch, unsubscribing when it was the last. */
    @Override
    public synchronized void remove(Watch watch, Listener listener) {
        Subscription subscription = active.get(watch.expression());
        if (subscription == null || !subscription.listeners.remove(listener) || !subscription.listeners.isEmpty()) {
            return;
        }
        active.remove(watch.expression());
        if (connection != null) {
            if (watch.pattern()) {
                connection.punsubscribe(watch.expression());
            } else {
                connection.unsubscribe(watch.expression());
            }
        }
    }

    @Override
    public String command(Watch watch) {
        return watch.command();
    }

    private void run() {
        while (!closed) {
            try (Jedis jedis = new Jedis(host, port, 0)) {
                jedis.subscribe(new PubSub(), IDLE_CHANNEL);
            } catch (RuntimeException e) {
                if (!closed) {
                    log.warn("Gateway lost its Redis subscription at {}:{}: {}", host, port, e.toString());
                }
            }
            disconnected();
            try {
                Thread.sleep(RECONNECT_MILLIS); // back-off before dialling Redis again
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void connected(JedisPubSub pubSub) {
        connection = pubSub;
        firstConnect.countDown();
    }

    /** Every page loses its watch; their next request subscribes afresh on the next connection. */
    private void disconnected() {
        Map<String, Subscription> dropped;
        synchronized (this) {
            connection = null;
            dropped = Map.copyOf(active);
            active.clear();
            unconfirmed.clear();
        }
        for (Subscription subscription : dropped.values()) {
            subscription.confirmed.completeExceptionally(new IllegalStateException("Redis connection lost"));
            subscription.listeners.forEach(Listener::lost);
        }
    }

    private synchronized void confirmed(String watch) {
        Deque<Subscription> waiting = unconfirmed.get(watch);
        Subscription subscription = waiting == null ? null : waiting.poll();
        if (waiting != null && waiting.isEmpty()) {
            unconfirmed.remove(watch);
        }
        if (subscription != null) {
            subscription.confirmed.complete(null);
        }
    }

    private void deliver(String watch, String channel, String payload) {
        Subscription subscription = active.get(watch);
        if (subscription == null) {
            return; // unsubscribed a moment ago
        }
        Notification notification = Notification.live(channel, payload, System.currentTimeMillis());
        if (notification == null) {
            log.warn("Gateway skipped a notification on {} that is not a JSON object with an id", channel);
            return;
        }
        subscription.listeners.forEach(listener -> listener.deliver(notification));
    }

    private final class PubSub extends JedisPubSub {
        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            if (IDLE_CHANNEL.equals(channel)) {
                connected(this);
            } else {
                confirmed(channel);
            }
        }

        @Override
        public void onPSubscribe(String pattern, int subscribedChannels) {
            confirmed(pattern);
        }

        @Override
        public void onMessage(String channel, String message) {
            deliver(channel, channel, message);
        }

        @Override
        public void onPMessage(String pattern, String channel, String message) {
            deliver(pattern, channel, message);
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            if (connection != null) {
                try {
                    connection.unsubscribe();
                    connection.punsubscribe();
                } catch (RuntimeException alreadyGone) {
                    // the connection is being torn down anyway
                }
            }
        }
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
