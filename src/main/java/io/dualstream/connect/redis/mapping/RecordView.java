package io.dualstream.connect.redis.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.Map;

/**
 * The record being mapped, with its value and key turned into something {@link FieldPath} can walk:
 * a {@link Struct}, a {@link Map}, a Jackson object node, or for JSON text the fields its references need
 * ({@link JsonTextReader}). JSON text is read at most once per record; the key only when a reference needs it.
 *
 * <p>One instance is reused for every record of a task (tasks are single-threaded).
 */
final class RecordView {

    private final JsonTextReader valueJson;
    private final JsonTextReader keyJson;
    private SinkRecord record;
    private Object valueRoot;
    private boolean keyParsed;
    private Object keyRoot;

    RecordView(JsonTextReader valueJson, JsonTextReader keyJson) {
        this.valueJson = valueJson;
        this.keyJson = keyJson;
    }

    /** Points this view at the next record; fails if its value is not an object of any known shape. */
    void reset(SinkRecord next) {
        this.record = next;
        this.keyParsed = false;
        this.keyRoot = null;
        this.valueRoot = objectRoot(next.value(), valueJson);
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
                keyRoot = key == null ? null : objectRoot(key, keyJson);
            } catch (MalformedRecordException notAnObject) {
                keyRoot = null;
            }
        }
        return keyRoot;
    }

    private static Object objectRoot(Object value, JsonTextReader json) {
        if (value instanceof Struct || value instanceof Map) {
            return value;
        }
        if (value instanceof String text) {
            return json.readObject(text);
        }
        if (value instanceof byte[] bytes) {
            return json.readObject(bytes);
        }
        if (value instanceof JsonNode node && node.isObject()) {
            return node;
        }
        String type = value == null ? "null" : value.getClass().getSimpleName();
        throw new MalformedRecordException("value is of type " + type
                + ", not a JSON object, Struct or Map; use a converter that yields one (JsonConverter, "
                + "StringConverter or ByteArrayConverter with JSON text, Avro, Protobuf)");
    }
}
