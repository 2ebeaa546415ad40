package io.dualstream.connect.redis.mapping;

import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Reference}: parsing, and what each kind of reference resolves to, observed through
 * {@link NotificationMapper#map} as a payload field {@code x=REF}.
 */
class ReferenceTest {

    private static final String TOPIC = "github.events";
    private static final int PARTITION = 3;
    private static final long OFFSET = 42L;
    private static final long TIMESTAMP = 1_700_000_000_123L;

    /** A literal channel, so that only the payload depends on the reference. */
    private static String payloadOf(String ref, SinkRecord record) {
        NotificationMapper mapper = new NotificationMapper(ChannelTemplates.parse(List.of("c")),
                NotificationFields.parse(List.of("x=" + ref)), 1024);
        return new String(Mapped.one(mapper, record).payload(), StandardCharsets.UTF_8);
    }

    private static Map<String, Object> value() {
        Map<String, Object> actor = new LinkedHashMap<>();
        actor.put("login", "octo");
        actor.put("id", 7);
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("id", "e1");
        value.put("source_id", "owner/repo");
        value.put("actor", actor);
        return value;
    }

    private static SinkRecord record(Object key, Object value, Headers headers) {
        return new SinkRecord(TOPIC, PARTITION, null, key, null, value, OFFSET, TIMESTAMP,
                TimestampType.CREATE_TIME, headers);
    }

    private static SinkRecord record(Object key) {
        return record(key, value(), new ConnectHeaders().addString("trace-id", "abc-123"));
    }

    // ---- every reference kind ----

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "source_id              | {\"x\":\"owner/repo\"}",
            "{source_id}            | {\"x\":\"owner/repo\"}",
            "value.source_id        | {\"x\":\"owner/repo\"}",
            "value.actor.login      | {\"x\":\"octo\"}",
            "actor.login            | {\"x\":\"octo\"}",
            "value.actor.id         | {\"x\":7}",
            "value.actor            | {\"x\":{\"login\":\"octo\",\"id\":7}}",
            "header.trace-id        | {\"x\":\"abc-123\"}",
            "{header.trace-id}      | {\"x\":\"abc-123\"}",
            "topic                  | {\"x\":\"github.events\"}",
            "partition              | {\"x\":3}",
            "offset                 | {\"x\":42}",
            "timestamp              | {\"x\":1700000000123}",
            "key                    | {\"x\":\"user-1\"}",
    })
    void eachReferenceKindResolvesToTheRecordPart(String ref, String expectedPayload) {
        assertEquals(expectedPayload, payloadOf(ref, record("user-1")));
    }

    @Test
    void keyFieldResolvesInAJsonStringKey() {
        assertEquals("{\"x\":\"acme\"}", payloadOf("key.tenant", record("{\"tenant\":\"acme\",\"n\":5}")));
        assertEquals("{\"x\":5}", payloadOf("key.n", record("{\"tenant\":\"acme\",\"n\":5}")));
    }

    @Test
    void keyFieldResolvesInAJsonBytesKey() {
        byte[] key = "{\"tenant\":\"acme\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals("{\"x\":\"acme\"}", payloadOf("key.tenant", record(key)));
    }

    @Test
    void keyFieldResolvesInAMapKey() {
        assertEquals("{\"x\":\"acme\"}", payloadOf("key.tenant", record(Map.of("tenant", "acme"))));
    }

    @Test
    void keyFieldResolvesInANestedStructKey() {
        Schema inner = SchemaBuilder.struct().field("region", Schema.STRING_SCHEMA).build();
        Schema keySchema = SchemaBuilder.struct().field("tenant", Schema.STRING_SCHEMA).field("loc", inner).build();
        Struct key = new Struct(keySchema).put("tenant", "acme").put("loc", new Struct(inner).put("region", "eu"));
        assertEquals("{\"x\":\"acme\"}", payloadOf("key.tenant", record(key)));
        assertEquals("{\"x\":\"eu\"}", payloadOf("key.loc.region", record(key)));
    }

    @Test
    void wholeStructKeyIsWrittenAsAnObject() {
        Schema keySchema = SchemaBuilder.struct().field("tenant", Schema.STRING_SCHEMA).build();
        Struct key = new Struct(keySchema).put("tenant", "acme");
        assertEquals("{\"x\":{\"tenant\":\"acme\"}}", payloadOf("key", record(key)));
    }

    @Test
    void wholeNumericKeyStaysANumber() {
        assertEquals("{\"x\":12}", payloadOf("key", record(12L)));
    }

    @Test
    void keyFieldOfAKeyThatIsNotAnObjectIsMissing() {
        assertEquals("{}", payloadOf("key.tenant", record("user-1")));
        assertEquals("{}", payloadOf("key.tenant", record("not json {")));
        assertEquals("{}", payloadOf("key.tenant", record(12)));
    }

    @Test
    void nullKeyIsMissingForKeyAndKeyField() {
        assertEquals("{}", payloadOf("key", record(null)));
        assertEquals("{}", payloadOf("key.tenant", record(null)));
    }

    @Test
    void headerReferenceTakesTheLastHeaderWithThatName() {
        Headers headers = new ConnectHeaders().addString("h", "first").addString("other", "o")
                .addString("h", "last");
        assertEquals("{\"x\":\"last\"}", payloadOf("header.h", record(null, value(), headers)));
    }

    @Test
    void headerNameIsEverythingAfterHeaderDot() {
        Headers headers = new ConnectHeaders().addString("a.b", "dotted");
        assertEquals("{\"x\":\"dotted\"}", payloadOf("header.a.b", record(null, value(), headers)));
    }

    @Test
    void headerNameIsCaseSensitive() {
        assertEquals("{}", payloadOf("header.Trace-Id", record(null)));
    }

    @Test
    void absentHeaderIsMissing() {
        assertEquals("{}", payloadOf("header.nope", record(null)));
    }

    @Test
    void numericHeaderStaysANumber() {
        Headers headers = new ConnectHeaders().addInt("attempt", 2);
        assertEquals("{\"x\":2}", payloadOf("header.attempt", record(null, value(), headers)));
    }

    @Test
    void recordWithoutTimestampHasTimestampMissing() {
        SinkRecord noTimestamp = new SinkRecord(TOPIC, PARTITION, null, null, null, value(), OFFSET);
        assertEquals("{}", payloadOf("timestamp", noTimestamp));
        assertEquals("{\"x\":42}", payloadOf("offset", noTimestamp));
    }

    @Test
    void metadataNamesAreNotValueFields() {
        // A value field that happens to be called "topic" is reached with value.topic, not topic.
        Map<String, Object> value = value();
        value.put("topic", "from-value");
        SinkRecord record = record(null, value, new ConnectHeaders());
        assertEquals("{\"x\":\"github.events\"}", payloadOf("topic", record));
        assertEquals("{\"x\":\"from-value\"}", payloadOf("value.topic", record));
    }

    // ---- parsing ----

    @ParameterizedTest
    @ValueSource(strings = {"source_id", "{source_id}", " {source_id} ", "value.actor.id", "key", "key.tenant",
            "header.trace-id", "topic", "partition", "offset", "timestamp"})
    void toStringIsTheReferenceWithoutBraces(String raw) {
        String expected = raw.trim().replace("{", "").replace("}", "");
        assertEquals(expected, Reference.parse(raw).toString());
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "``                 | empty reference; write a field name such as {source_id}",
            "{}                 | empty reference; write a field name such as {source_id}",
            "`{ }`              | empty reference; write a field name such as {source_id}",
            "value              | 'value' needs a field: write value.FIELD",
            "{value}            | 'value' needs a field: write value.FIELD",
            "header             | 'header' needs a name: write header.NAME",
            "{header}           | 'header' needs a name: write header.NAME",
            "a..b               | 'a..b' has an empty field name; write fields as a.b.c",
            "value.a..b         | 'a..b' has an empty field name; write fields as a.b.c",
            "key.a..b           | 'a..b' has an empty field name; write fields as a.b.c",
            ".a                 | '.a' has an empty field name; write fields as a.b.c",
            "a.                 | 'a.' has an empty field name; write fields as a.b.c",
            "value.             | '' has an empty field name; write fields as a.b.c",
            "key.               | '' has an empty field name; write fields as a.b.c",
            "source id          | 'source id' is not a reference; a reference is a field path such as source_id",
            "{value.actor id}   | is not a reference; a reference is a field path",
            "`a\tb`             | is not a reference; a reference is a field path",
            "a{b                | 'a{b' is not a reference",
            "a}b                | 'a}b' is not a reference",
            "{{a}}              | is not a reference",
    })
    void badReferenceIsRejectedWithAHelpfulMessage(String raw, String expectedMessagePart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Reference.parse(raw));
        assertTrue(e.getMessage().contains(expectedMessagePart),
                () -> "message for [" + raw + "] was: " + e.getMessage());
    }

    /**
     * 'header' alone is rejected because a header reference needs a name, and 'key.' / 'value.' are rejected
     * for their empty field name; 'header.' (an empty header name) should be rejected the same way.
     */
    @Test
    void headerWithEmptyNameIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Reference.parse("header."));
        assertTrue(e.getMessage().contains("header.NAME"), e.getMessage());
    }
}
