package io.dualstream.quickstart.gateway;

import java.util.concurrent.CompletableFuture;

/**
 * How the gateway hears Redis: pages join and leave watches, and each notification on a watch reaches every page on
 * it. {@link RedisSubscriptions} holds one SUBSCRIBE/PSUBSCRIBE per watch on a standalone Redis;
 * {@link ShardedSubscriptions} holds one SSUBSCRIBE per known channel on a Redis Cluster and filters per watch.
 */
public interface Subscriptions extends AutoCloseable {

    /** A page's end of a watch. Called on a Redis thread: must not block. */
    interface Listener {
        void deliver(Notification notification);

        /** The connection to Redis dropped: notifications may have been missed. */
        void lost();
    }

    /** Connects; returns once Redis confirmed the first subscription. */
    void start();

    /**
     * Adds a page to a watch. The future completes once Redis confirmed what the watch needs: from then on every
     * notification on the watch reaches the listener.
     */
    CompletableFuture<Void> add(Watch watch, Listener listener);

    /** Removes a page from a watch. */
    void remove(Watch watch, Listener listener);

    /** The Redis subscription that serves the watch, for the page's status line. */
    String command(Watch watch);

    @Override
    void close();
}
