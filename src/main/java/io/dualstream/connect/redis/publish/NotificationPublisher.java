package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;

import java.util.List;

/**
 * Sends notifications to one Redis deployment. Implementations own their connections and differ only in
 * topology (standalone today; Sentinel, Cluster or sharded {@code SPUBLISH} later); the mapping and the task
 * do not depend on which one is used. Not thread-safe: one per task.
 */
public interface NotificationPublisher extends AutoCloseable {

    /**
     * Publishes the notifications in order, pipelined, and waits for every reply.
     *
     * @return how many subscribers received them, summed over all notifications
     * @throws PublishException when Redis fails; it says how many notifications went out before the failure
     */
    long publish(List<Notification> notifications);

    /**
     * Writes the notifications in order, pipelined, and may return before Redis has answered the last of them,
     * so that the caller can do other work meanwhile. The replies must be read with {@link Replies#await()}
     * before anything else is sent. This default waits at once.
     *
     * @throws PublishException when Redis fails while the notifications are written
     */
    default Replies send(List<Notification> notifications) {
        long reached = publish(notifications);
        return () -> reached;
    }

    /** Closes connections; never throws. */
    @Override
    void close();

    /** The replies to a {@link #send(List)} still to be read. */
    @FunctionalInterface
    interface Replies {

        /**
         * Reads the replies, waiting at most the client's socket timeout.
         *
         * @return how many subscribers received the notifications, summed over all of them
         * @throws PublishException when Redis fails; it says how many of the sent notifications Redis accepted
         */
        long await();
    }
}
