package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;

import java.util.List;

/**
 * Sends notifications to one Redis deployment. Each topology (standalone, cluster, sentinel) has one
 * implementation that owns its connections; the mapping, the delivery policies and the task do not depend on
 * which one is used. Not thread-safe: one per task.
 *
 * <p>Verbs: {@link #send(List)} writes a batch without waiting for Redis; {@link Replies#await()} waits for and
 * reads its replies. Neither throws for a Redis failure: what Redis did not take is reported in the
 * {@link PublishResult}.
 */
public interface NotificationPublisher extends AutoCloseable {

    /**
     * Writes the notifications, pipelined, keeping the order of notifications that share a channel, and may
     * return before Redis has answered, so that the caller can do other work meanwhile. The replies must be read
     * with {@link Replies#await()} before the next {@code send}.
     */
    Replies send(List<Notification> notifications);

    /** Whether the node to publish to has changed since the last batch (a failover), so a backoff may end early. */
    default boolean topologyChanged() {
        return false;
    }

    /** Times the publisher re-read where the data lives (cluster slot map, sentinel master); for metrics. */
    default long topologyRefreshes() {
        return 0;
    }

    /** {@code MOVED}/{@code ASK} replies followed within a batch; for metrics. */
    default long redirectsFollowed() {
        return 0;
    }

    /** Closes connections and any thread the client started; never throws. */
    @Override
    void close();

    /** The replies to a {@link #send(List)} still to be read. */
    interface Replies {

        /** Reads the replies, waiting at most the client's socket timeout per connection. Never throws for Redis failures. */
        PublishResult await();

        /** Whether {@link #await()} would return at once: nothing was sent, or writing already failed. */
        default boolean answered() {
            return false;
        }

        static Replies of(PublishResult result) {
            return new Replies() {
                @Override
                public PublishResult await() {
                    return result;
                }

                @Override
                public boolean answered() {
                    return true;
                }
            };
        }
    }
}
