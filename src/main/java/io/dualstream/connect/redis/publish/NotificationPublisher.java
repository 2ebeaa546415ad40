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
     * Publishes the notifications in order, pipelined.
     *
     * @return how many subscribers received them, summed over all notifications
     * @throws PublishException when Redis fails; it says how many notifications went out before the failure
     */
    long publish(List<Notification> notifications);

    /** Closes connections; never throws. */
    @Override
    void close();
}
