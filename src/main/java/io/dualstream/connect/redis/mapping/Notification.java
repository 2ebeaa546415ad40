package io.dualstream.connect.redis.mapping;

/**
 * One Pub/Sub message, already encoded: the channel name and the JSON payload, both UTF-8, and the timestamp
 * of the record it stands for ({@link #NO_TIMESTAMP} when it has none), for the record-age metric.
 */
public record Notification(byte[] channel, byte[] payload, long timestamp) {

    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    public Notification(byte[] channel, byte[] payload) {
        this(channel, payload, NO_TIMESTAMP);
    }
}
