package io.dualstream.quickstart.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;

/**
 * One notification as the page gets it: its channel, the notification itself, and which stream it came by:
 * {@code redis} (live, as the connector published it) or {@code kafka} (read back from the topic when the page
 * connected). The JSON is built once, however many pages it goes to.
 */
public record Notification(String id, String channel, String json) {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A notification as Redis delivered it; null when it is not a JSON object with an {@code id}. */
    static Notification live(String channel, String payload, long receivedAtMillis) {
        JsonNode notification;
        try {
            notification = JSON.readTree(payload);
        } catch (IOException e) {
            return null;
        }
        if (!(notification instanceof ObjectNode) || !notification.path("id").isValueNode()) {
            return null;
        }
        return of(channel, "redis", (ObjectNode) notification, receivedAtMillis);
    }

    /**
     * The notification the connector published (or will publish) for this record, rebuilt from the event with the
     * fields config/quickstart-sink.json asks for: id, type, source_id and the record's coordinates and timestamp.
     */
    static Notification fromKafka(String channel, JsonNode event, ConsumerRecord<String, String> record,
                                  long readAtMillis) {
        ObjectNode notification = JSON.createObjectNode();
        notification.set("id", event.get("id"));
        notification.set("type", event.path("type"));
        notification.set("source_id", event.path("source_id"));
        notification.put("topic", record.topic());
        notification.put("partition", record.partition());
        notification.put("offset", record.offset());
        notification.put("timestamp", record.timestamp());
        return of(channel, "kafka", notification, readAtMillis);
    }

    private static Notification of(String channel, String via, ObjectNode notification, long atMillis) {
        ObjectNode row = JSON.createObjectNode();
        row.put("channel", channel);
        row.put("via", via);
        row.put("receivedAt", atMillis);
        row.set("notification", notification);
        return new Notification(notification.get("id").asText(), channel, row.toString());
    }
}
