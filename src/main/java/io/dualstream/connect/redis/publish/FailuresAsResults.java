package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;

import java.util.List;

/**
 * Publishers report Redis failures in their results; whatever else a client throws (a bug, an unforeseen
 * state) is a Redis failure too, never the task's: both policies go through here.
 */
final class FailuresAsResults {

    private FailuresAsResults() {
    }

    static NotificationPublisher.Replies send(NotificationPublisher redis, List<Notification> batch) {
        try {
            return redis.send(batch);
        } catch (RuntimeException e) {
            return NotificationPublisher.Replies.of(PublishResult.failed(batch.size(), e));
        }
    }

    static PublishResult await(NotificationPublisher.Replies replies, int size) {
        try {
            return replies.await();
        } catch (RuntimeException e) {
            return PublishResult.failed(size, e);
        }
    }
}
