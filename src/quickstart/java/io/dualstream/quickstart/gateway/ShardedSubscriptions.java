package io.dualstream.quickstart.gateway;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Redis half of the gateway on a Redis Cluster whose connector publishes with {@code SPUBLISH}: sharded
 * Pub/Sub has no pattern form and one {@code SSUBSCRIBE} takes the channels of one slot only, so the gateway
 * subscribes once to every channel it knows (the quickstart's sample sources), each on its slot's master, and
 * filters per watch itself with the watch's own glob rules. A watch that matches none of those channels is refused
 * rather than left silent. When a connection drops (a master died, slots moved), every page is told, and the slot map
 * is read again and everything subscribed afresh.
 */
public final class ShardedSubscriptions implements Subscriptions {

    private static final Logger log = LoggerFactory.getLogger(ShardedSubscriptions.class);
    private static final long RECONNECT_MILLIS = 1000;

    private final List<HostAndPort> seeds;
    private final List<String> channels;
    private final Map<String, Set<Listener>> watches = new ConcurrentHashMap<>();
    private final Map<String, Watch> parsed = new ConcurrentHashMap<>();
    private final Thread reconnector;
    private ShardedSubscriber subscriber; // guarded by this; null while disconnected
    private volatile boolean closed;

    /**
     * @param seeds cluster nodes to read the slot map from (the first that answers)
     * @param channels every channel the connector can publish on
     */
    public ShardedSubscriptions(List<HostAndPort> seeds, List<String> channels) {
        this.seeds = List.copyOf(seeds);
        this.channels = List.copyOf(channels);
        this.reconnector = new Thread(this::reconnectLoop, "quickstart-gateway-reconnect");
        reconnector.setDaemon(true);
    }

    @Override
    public void start() {
        subscribe();
        reconnector.start();
    }

    private void subscribe() {
        ShardedSubscriber started = ShardedSubscriber.start(ShardMap.read(seeds, "the gateway"), channels,
                this::deliver, this::lost);
        synchronized (this) {
            if (!closed) {
                subscriber = started;
                notifyAll();
                return;
            }
        }
        started.close(); // closed while subscribing
    }

    @Override
    public synchronized CompletableFuture<Void> add(Watch watch, Listener listener) {
        if (channels.stream().noneMatch(watch::matches)) {
            throw new IllegalArgumentException("in a Redis Cluster the gateway subscribes (SSUBSCRIBE) to the "
                    + channels.size() + " channels the quickstart publishes on, and " + watch.expression()
                    + " matches none of them");
        }
        if (subscriber == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("not subscribed to the cluster; "
                    + "retrying every " + RECONNECT_MILLIS + " ms"));
        }
        parsed.putIfAbsent(watch.expression(), watch);
        watches.computeIfAbsent(watch.expression(), key -> ConcurrentHashMap.newKeySet()).add(listener);
        // Every channel is subscribed (and confirmed) already: the page hears its watch from now on.
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized void remove(Watch watch, Listener listener) {
        Set<Listener> listeners = watches.get(watch.expression());
        if (listeners != null && listeners.remove(listener) && listeners.isEmpty()) {
            watches.remove(watch.expression());
            parsed.remove(watch.expression());
        }
    }

    @Override
    public String command(Watch watch) {
        ShardedSubscriber current;
        synchronized (this) {
            current = subscriber;
        }
        int masters = current == null ? 0 : current.masters();
        return String.format(Locale.ROOT, "SSUBSCRIBE %d channels on %d masters, filtered by %s", channels.size(),
                masters, watch.expression());
    }

    private void deliver(String channel, String payload) {
        Notification notification = null;
        for (Map.Entry<String, Set<Listener>> entry : watches.entrySet()) {
            Watch watch = parsed.get(entry.getKey());
            if (watch == null || !watch.matches(channel)) {
                continue;
            }
            if (notification == null) {
                notification = Notification.live(channel, payload, System.currentTimeMillis());
                if (notification == null) {
                    log.warn("Gateway skipped a notification on {} that is not a JSON object with an id", channel);
                    return;
                }
            }
            Notification parsedOnce = notification;
            entry.getValue().forEach(listener -> listener.deliver(parsedOnce));
        }
    }

    /** A connection dropped: every page loses its watch (it reconnects and catches up from Kafka). */
    private void lost() {
        ShardedSubscriber gone;
        Map<String, Set<Listener>> dropped;
        synchronized (this) {
            gone = subscriber;
            subscriber = null;
            dropped = Map.copyOf(watches);
            watches.clear();
            parsed.clear();
            notifyAll();
        }
        if (!closed) {
            log.warn("Gateway lost its SSUBSCRIBE connections to the cluster; subscribing again");
        }
        dropped.values().forEach(listeners -> listeners.forEach(Listener::lost));
        if (gone != null) {
            Thread closer = new Thread(gone::close, "quickstart-gateway-sunsubscribe");
            closer.setDaemon(true);
            closer.start(); // not on the connection's own thread, which is the one calling here
        }
    }

    private void reconnectLoop() {
        while (!closed) {
            try {
                synchronized (this) {
                    while (subscriber != null && !closed) {
                        wait();
                    }
                }
                if (closed) {
                    return;
                }
                Thread.sleep(RECONNECT_MILLIS); // back-off before reading the slot map again
                subscribe();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Gateway could not subscribe to the cluster again: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        ShardedSubscriber current;
        synchronized (this) {
            current = subscriber;
            subscriber = null;
            notifyAll();
        }
        reconnector.interrupt();
        if (current != null) {
            current.close();
        }
        try {
            reconnector.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
