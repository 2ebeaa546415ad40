package io.dualstream.connect.redis.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

import java.util.Map;

/**
 * A compiled dotted path ({@code actor.login}) into a Struct, a Map, a JSON object or the fields captured from
 * JSON text ({@link CapturedJson}).
 */
final class FieldPath {

    private final String[] segments;

    private FieldPath(String[] segments) {
        this.segments = segments;
    }

    /** @throws IllegalArgumentException when a segment is empty */
    static FieldPath parse(String dotted) {
        String[] segments = dotted.split("\\.", -1);
        for (String segment : segments) {
            if (segment.isEmpty()) {
                throw new IllegalArgumentException("'" + dotted + "' has an empty field name; write fields as a.b.c");
            }
        }
        return new FieldPath(segments);
    }

    String[] segments() {
        return segments;
    }

    /** The value at this path, {@code null} for an explicit null, or {@link Reference#MISSING}. */
    Object lookup(Object root) {
        if (root instanceof CapturedJson captured) {
            return captured.valueAt(this);
        }
        Object current = root;
        for (String segment : segments) {
            if (current instanceof Struct struct) {
                Field field = struct.schema().field(segment);
                if (field == null) {
                    return Reference.MISSING;
                }
                current = struct.get(field);
            } else if (current instanceof Map<?, ?> map) {
                current = map.get(segment);
                if (current == null && !map.containsKey(segment)) {
                    return Reference.MISSING;
                }
            } else if (current instanceof JsonNode node) {
                current = node.get(segment);
                if (current == null) {
                    return Reference.MISSING;
                }
            } else {
                return Reference.MISSING;
            }
        }
        if (current instanceof JsonNode node && node.isNull()) {
            return null;
        }
        return current;
    }

    @Override
    public String toString() {
        return String.join(".", segments);
    }
}
