package io.dualstream.connect.redis.publish;

import org.apache.kafka.common.utils.Time;

/**
 * notification.max.rate, chosen once at start: how many records a {@code put()} may take on, and the publisher
 * that keeps to the rate. Unlimited pacing takes every record and publishes as fast as Redis answers.
 */
public interface Pacing {

    Pacing UNLIMITED = new Pacing() {
        @Override
        public int admissible(int notificationsPerRecord) {
            return Integer.MAX_VALUE;
        }

        @Override
        public NotificationPublisher pace(NotificationPublisher publisher) {
            return publisher;
        }
    };

    /** @param perSecond notifications per second; 0 for {@link #UNLIMITED} */
    static Pacing of(int perSecond, Time time) {
        return perSecond == 0 ? UNLIMITED : new RatePacing(perSecond, time);
    }

    /**
     * How many records of the next batch can be published before put() has waited its most (at least one), if
     * each record becomes {@code notificationsPerRecord} notifications. The task hands the rest back to Kafka.
     */
    int admissible(int notificationsPerRecord);

    /** The publisher that every batch goes through. */
    NotificationPublisher pace(NotificationPublisher publisher);
}
