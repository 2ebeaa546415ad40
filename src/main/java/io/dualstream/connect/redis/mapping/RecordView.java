package io.dualstream.connect.redis.mapping;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/**
 * The record being mapped, with its value and key turned into something {@link FieldPath} can walk:
 * a {@link Struct}, a {@link Map} or a Jackson object node. JSON text is parsed at most once per record,
 * and only when a reference needs it.
 *
 * <p>One instance is reused for every record of a task (tasks are single-threaded).
 */
final class RecordView {

    private final ObjectMapper json;
    private SinkRecord record;
    private Object valueRoot;
    private boolean keyParsed;
    private Object keyRoot;

    RecordView(ObjectMapper json) {
        this.json = json;
    }

    /** Points this view at the next record; fails if its value is not an object of any known shape. */
    void reset(SinkRecord next) {
        this.record = next;
        this.keyParsed = false;
        this.keyRoot = null;
        this.valueRoot = objectRoot(next.value());
    }

    SinkRecord record() {
        return record;
    }

    Object valueRoot() {
        return valueRoot;
    }

    /** The key as a walkable object, or {@code null} when the key is absent or not an object. */
    Object keyRoot() {
        if (!keyParsed) {
            keyParsed = true;
            Object key = record.key();
            try {
                keyRoot = key == null ? null : objectRoot(key);
            } catch (MalformedRecordException notAnObject) {
                keyRoot = null;
            }
        }
        return keyRoot;
    }

    private Object objectRoot(Object value) {
        if (value instanceof Struct || value instanceof Map) {
            return value;
        }
        if (value instanceof String text) {
            return parseObject(text, null);
        }
        if (value instanceof byte[] bytes) {
            return parseObject(null, bytes);
        }
        if (value instanceof JsonNode node && node.isObject()) {
            return node;
        }
        String type = value == null ? "null" : value.getClass().getSimpleName();
        throw new MalformedRecordException("value is of type " + type
                + ", not a JSON object, Struct or Map; use a converter that yields one (JsonConverter, "
                + "StringConverter or ByteArrayConverter with JSON text, Avro, Protobuf)");
    }

    private JsonNode parseObject(String text, byte[] bytes) {
        JsonNode node;
        try {
            node = text != null ? json.readTree(text) : json.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            // The location only: Jackson's own message can quote the payload.
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new MalformedRecordException("value is not valid JSON" + where);
        } catch (IOException e) {
            throw new MalformedRecordException("value is not valid JSON (" + e.getClass().getSimpleName() + ")");
        }
        if (node == null || !node.isObject()) {
            String kind = node == null || node.isMissingNode() ? "empty" : node.getNodeType().name().toLowerCase(Locale.ROOT);
            throw new MalformedRecordException("value is JSON " + kind + ", not a JSON object");
        }
        return node;
    }
}
