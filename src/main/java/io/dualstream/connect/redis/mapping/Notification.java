package io.dualstream.connect.redis.mapping;

/**
 * One Pub/Sub message, already encoded: the channel name and the JSON payload, both UTF-8.
 */
public record Notification(byte[] channel, byte[] payload) {
}
