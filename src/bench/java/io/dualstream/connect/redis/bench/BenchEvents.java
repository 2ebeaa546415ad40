package io.dualstream.connect.redis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import io.dualstream.connect.redis.mapping.ChannelTemplates;
import io.dualstream.connect.redis.mapping.NotificationFields;
import io.dualstream.connect.redis.mapping.NotificationMapper;
import io.dualstream.quickstart.SampleEvents;
import io.dualstream.quickstart.SampleEvents.Event;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.sink.SinkRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The realistic events of the ITs ({@link SampleEvents}: about 450 bytes of JSON, 17 fields of which the default
 * settings publish 3) as the four value shapes a converter can hand the task.
 */
public final class BenchEvents {

    public enum Shape { MAP, STRUCT, STRING, BYTES }

    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchEvents() {
    }

    static List<Event> events(int count) {
        return SampleEvents.generate("evt", count, 7);
    }

    /** Sink records whose values have the given shape, as the matching converter would produce them. */
    public static SinkRecord[] records(Shape shape, int count) {
        List<Event> events = events(count);
        JsonConverter schemaless = new JsonConverter();
        schemaless.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false"), false);
        Schema structSchema = null;
        SinkRecord[] records = new SinkRecord[count];
        for (int i = 0; i < count; i++) {
            Event event = events.get(i);
            byte[] bytes = event.json().getBytes(StandardCharsets.UTF_8);
            Object value;
            Schema schema = null;
            switch (shape) {
                case MAP -> value = schemaless.toConnectData("bench", bytes).value();
                case STRING -> value = event.json();
                case BYTES -> value = bytes;
                case STRUCT -> {
                    JsonNode node = tree(event.json());
                    if (structSchema == null) {
                        structSchema = schemaOf(node); // every event has the same shape
                    }
                    schema = structSchema;
                    value = struct(structSchema, node);
                }
                default -> throw new IllegalArgumentException(shape.name());
            }
            records[i] = new SinkRecord("bench", i % 3, Schema.STRING_SCHEMA, event.key(), schema, value, i);
        }
        return records;
    }

    /** The connector's default mapping (notification.fields, channel.max.bytes) with these channel templates. */
    public static NotificationMapper mapper(String... channelTemplates) {
        return new NotificationMapper(channelTemplates(channelTemplates), defaultFields(),
                RedisPubSubSinkConfig.CHANNEL_MAX_BYTES_DEFAULT);
    }

    public static ChannelTemplates channelTemplates(String... templates) {
        return ChannelTemplates.parse(List.of(templates));
    }

    /** The default notification.fields. */
    public static NotificationFields defaultFields() {
        return NotificationFields.parse(Arrays.asList(RedisPubSubSinkConfig.NOTIFICATION_FIELDS_DEFAULT.split(",")));
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Schema schemaOf(JsonNode object) {
        SchemaBuilder builder = SchemaBuilder.struct();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            Schema schema;
            if (value.isObject()) {
                schema = schemaOf(value);
            } else if (value.isBoolean()) {
                schema = Schema.BOOLEAN_SCHEMA;
            } else if (value.isIntegralNumber()) {
                schema = Schema.INT64_SCHEMA;
            } else {
                schema = Schema.STRING_SCHEMA;
            }
            builder.field(field.getKey(), schema);
        }
        return builder.build();
    }

    private static Struct struct(Schema schema, JsonNode object) {
        Struct struct = new Struct(schema);
        for (org.apache.kafka.connect.data.Field field : schema.fields()) {
            JsonNode value = object.get(field.name());
            switch (field.schema().type()) {
                case STRUCT -> struct.put(field, struct(field.schema(), value));
                case BOOLEAN -> struct.put(field, value.booleanValue());
                case INT64 -> struct.put(field, value.longValue());
                default -> struct.put(field, value.textValue());
            }
        }
        struct.validate();
        return struct;
    }
}
