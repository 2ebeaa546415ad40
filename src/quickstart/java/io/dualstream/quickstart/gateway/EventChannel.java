package io.dualstream.quickstart.gateway;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The channel an event is published on, from the connector's {@code channel.template}
 * ({@code events:{source_type}:{source_id}}): the gateway needs it to tell which events read back from Kafka
 * belong to what a page watches. Placeholders name top-level fields of the event.
 */
public final class EventChannel {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]+)}");

    private final List<String> literals = new ArrayList<>();
    private final List<String> fields = new ArrayList<>();

    public EventChannel(String template) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        int end = 0;
        while (matcher.find()) {
            literals.add(template.substring(end, matcher.start()));
            fields.add(matcher.group(1));
            end = matcher.end();
        }
        literals.add(template.substring(end));
        if (fields.isEmpty() || literals.get(0).isEmpty()) {
            throw new IllegalArgumentException("channel.template '" + template + "' must start with a fixed prefix "
                    + "and name at least one field, like events:{source_type}:{source_id}");
        }
    }

    /** The fixed start of every channel ({@code events:}): what a page may watch. */
    public String namespace() {
        return literals.get(0);
    }

    /** The event's channel, or null when the event lacks one of the template's fields. */
    public String of(JsonNode event) {
        StringBuilder channel = new StringBuilder(literals.get(0));
        for (int i = 0; i < fields.size(); i++) {
            JsonNode value = event.get(fields.get(i));
            if (value == null || !value.isValueNode() || value.isNull()) {
                return null;
            }
            channel.append(value.asText()).append(literals.get(i + 1));
        }
        return channel.toString();
    }
}
