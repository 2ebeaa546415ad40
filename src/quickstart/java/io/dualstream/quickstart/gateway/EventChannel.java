package io.dualstream.quickstart.gateway;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The channel an event is published on, from the connector's {@code channel.template}
 * ({@code events:{source_type}:{source_id}}): the gateway needs it to tell which events read back from Kafka
 * belong to what a page watches. It reads templates whose placeholders name top-level fields of the event, as
 * config/quickstart-sink.json's does; the connector's other references (key, headers, nested fields, record
 * metadata, doubled braces) are refused at start rather than matching nothing.
 */
public final class EventChannel {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
    private static final Pattern FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> METADATA = Set.of("key", "topic", "partition", "offset", "timestamp");

    private final List<String> literals = new ArrayList<>();
    private final List<String> fields = new ArrayList<>();

    public EventChannel(String template) {
        if (template.contains(",")) {
            throw new IllegalArgumentException("channel.template '" + template + "': the gateway reads one template, "
                    + "the per-source channel; aggregate channels are not what a page watches");
        }
        if (template.contains("{{") || template.contains("}}")) {
            throw new IllegalArgumentException("channel.template '" + template + "': the gateway does not read "
                    + "doubled (literal) braces");
        }
        Matcher matcher = PLACEHOLDER.matcher(template);
        int end = 0;
        while (matcher.find()) {
            if (!FIELD.matcher(matcher.group(1)).matches() || METADATA.contains(matcher.group(1))) {
                throw new IllegalArgumentException("channel.template '" + template + "': the gateway reads only "
                        + "placeholders naming a top-level field of the event, not {" + matcher.group(1) + "}");
            }
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
