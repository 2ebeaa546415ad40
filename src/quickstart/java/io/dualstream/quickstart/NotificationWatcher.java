package io.dualstream.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualstream.connect.redis.testing.Subscriber;

import java.io.IOException;

/**
 * The live view's {@code PSUBSCRIBE events:*} client, like a gateway: the test kit's {@link Subscriber} (the
 * quickstart runs from the test classes), feeding what it receives into {@link LiveStats}.
 */
public final class NotificationWatcher implements AutoCloseable {

    public static final String PATTERN = "events:*";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String host;
    private final int port;
    private final LiveStats stats;
    private Subscriber subscriber;

    public NotificationWatcher(String host, int port, LiveStats stats) {
        this.host = host;
        this.port = port;
        this.stats = stats;
    }

    /** Subscribes and returns once Redis confirmed it, so no early notification is missed. */
    public void start() {
        try {
            subscriber = Subscriber.psubscribe(host, port, PATTERN);
        } catch (IllegalStateException notConfirmed) {
            throw new QuickstartException("PSUBSCRIBE " + PATTERN + " was not confirmed by Redis within 10 s",
                    notConfirmed);
        }
        // When Redis goes away the subscriber ends quietly: the counts so far stay.
        subscriber.forwardTo((channel, message) -> stats.record(channel, eventTime(message),
                System.currentTimeMillis()));
    }

    /** The Kafka record timestamp the notification carries ({@code timestamp} field), or -1. */
    static long eventTime(String notification) {
        try {
            JsonNode timestamp = JSON.readTree(notification).get("timestamp");
            return timestamp != null && timestamp.canConvertToLong() ? timestamp.asLong() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        if (subscriber != null) {
            subscriber.close();
        }
    }
}
