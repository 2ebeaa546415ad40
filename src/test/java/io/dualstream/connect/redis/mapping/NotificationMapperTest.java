package io.dualstream.connect.redis.mapping;

import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link NotificationMapper}: exact channel and payload for every record shape, and malformed records. */
class NotificationMapperTest {

    /** Appears in record contents only; error messages must never contain it. */
    private static final String SECRET = "TOPSECRET-PAYLOAD-7f3a";

    private static final String DEFAULT_PAYLOAD = "{\"id\":\"e1\",\"type\":\"push\",\"source_id\":\"owner/repo\"}";
    private static final String DEFAULT_CHANNEL = "events:github:owner/repo";

    /** The fields exercised for JSON types: numbers, booleans, explicit null, a missing field, a nested field. */
    private static final List<String> TYPED_FIELDS =
            List.of("id", "seq", "count", "public", "score", "note", "missing", "login=value.actor.login");
    private static final String TYPED_PAYLOAD = "{\"id\":\"e1\",\"seq\":7,\"count\":12345678901,\"public\":true,"
            + "\"score\":0.5,\"note\":null,\"login\":\"octo\"}";

    // ---- helpers ----

    /** The mapper built from the connector's default configuration. */
    private static NotificationMapper defaultMapper() {
        RedisPubSubSinkConfig config = new RedisPubSubSinkConfig(Map.of());
        return new NotificationMapper(config.channelTemplates(), config.notificationFields(), config.channelMaxBytes());
    }

    private static NotificationMapper mapper(String template, List<String> fields, int maxChannelBytes) {
        return new NotificationMapper(ChannelTemplates.parse(List.of(template)), NotificationFields.parse(fields), maxChannelBytes);
    }

    private static NotificationMapper mapper(List<String> fields) {
        return mapper("events:{source_type}:{source_id}", fields, 1024);
    }

    private static String channel(Notification n) {
        return new String(n.channel(), StandardCharsets.UTF_8);
    }

    private static String payload(Notification n) {
        return new String(n.payload(), StandardCharsets.UTF_8);
    }

    private static SinkRecord record(Object key, Object value) {
        return record(null, key, null, value, new ConnectHeaders());
    }

    private static SinkRecord record(Schema keySchema, Object key, Schema valueSchema, Object value, Headers headers) {
        return new SinkRecord("github.events", 3, keySchema, key, valueSchema, value, 42L, 1_700_000_000_123L,
                TimestampType.CREATE_TIME, headers);
    }

    private static final Schema ACTOR_SCHEMA = SchemaBuilder.struct().name("Actor").optional()
            .field("login", Schema.STRING_SCHEMA)
            .field("id", Schema.INT64_SCHEMA)
            .build();

    private static final Schema EVENT_SCHEMA = SchemaBuilder.struct().name("Event")
            .field("source_id", Schema.STRING_SCHEMA)   // deliberately not in configured order
            .field("type", Schema.STRING_SCHEMA)
            .field("id", Schema.STRING_SCHEMA)
            .field("source_type", Schema.STRING_SCHEMA)
            .field("seq", Schema.INT32_SCHEMA)
            .field("count", Schema.INT64_SCHEMA)
            .field("public", Schema.BOOLEAN_SCHEMA)
            .field("score", Schema.FLOAT64_SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .field("actor", ACTOR_SCHEMA)
            .build();

    private static Struct eventStruct() {
        return new Struct(EVENT_SCHEMA)
                .put("source_id", "owner/repo")
                .put("type", "push")
                .put("id", "e1")
                .put("source_type", "github")
                .put("seq", 7)
                .put("count", 12345678901L)
                .put("public", true)
                .put("score", 0.5)
                .put("note", null)
                .put("actor", new Struct(ACTOR_SCHEMA).put("login", "octo").put("id", 99L));
    }

    private static Map<String, Object> eventMap() {
        Map<String, Object> actor = new LinkedHashMap<>();
        actor.put("login", "octo");
        actor.put("id", 99L);
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("source_id", "owner/repo");
        value.put("type", "push");
        value.put("id", "e1");
        value.put("source_type", "github");
        value.put("seq", 7);
        value.put("count", 12345678901L);
        value.put("public", true);
        value.put("score", 0.5);
        value.put("note", null);
        value.put("actor", actor);
        return value;
    }

    private static final String EVENT_JSON = "{\"source_id\":\"owner/repo\",\"type\":\"push\",\"id\":\"e1\","
            + "\"source_type\":\"github\",\"seq\":7,\"count\":12345678901,\"public\":true,\"score\":0.5,"
            + "\"note\":null,\"actor\":{\"login\":\"octo\",\"id\":99},\"body\":\"" + SECRET + "\"}";

    /** The same event in each value shape the mapper accepts. */
    static Stream<Arguments> eventShapes() {
        return Stream.of(
                Arguments.of("Struct", EVENT_SCHEMA, eventStruct()),
                Arguments.of("Map", null, eventMap()),
                Arguments.of("JSON String", null, EVENT_JSON),
                Arguments.of("JSON byte[]", null, EVENT_JSON.getBytes(StandardCharsets.UTF_8)));
    }

    // ---- the default configuration, each shape ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventShapes")
    void defaultConfigGivesExactChannelAndPayload(String shape, Schema schema, Object value) {
        Notification n = Mapped.one(defaultMapper(), record(null, null, schema, value, new ConnectHeaders()));
        assertEquals(DEFAULT_CHANNEL, channel(n));
        assertEquals(DEFAULT_PAYLOAD, payload(n));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventShapes")
    void fieldOrderIsAsConfiguredNotAsInTheRecord(String shape, Schema schema, Object value) {
        Notification n = Mapped.one(mapper(List.of("type", "source_id", "id")), record(null, null, schema, value, new ConnectHeaders()));
        assertEquals("{\"type\":\"push\",\"source_id\":\"owner/repo\",\"id\":\"e1\"}", payload(n));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventShapes")
    void numbersAndBooleansStayJsonTypesMissingIsLeftOutNullIsWritten(String shape, Schema schema, Object value) {
        Notification n = Mapped.one(mapper(TYPED_FIELDS), record(null, null, schema, value, new ConnectHeaders()));
        assertEquals(TYPED_PAYLOAD, payload(n));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventShapes")
    void nestedObjectIsWrittenWhole(String shape, Schema schema, Object value) {
        Notification n = Mapped.one(mapper(List.of("actor=value.actor")), record(null, null, schema, value, new ConnectHeaders()));
        assertEquals("{\"actor\":{\"login\":\"octo\",\"id\":99}}", payload(n));
    }

    @Test
    void structNumericTypesAreWrittenAsJsonNumbers() {
        Schema schema = SchemaBuilder.struct()
                .field("i8", Schema.INT8_SCHEMA).field("i16", Schema.INT16_SCHEMA)
                .field("f32", Schema.FLOAT32_SCHEMA).field("f64", Schema.FLOAT64_SCHEMA)
                .field("neg", Schema.INT64_SCHEMA).field("no", Schema.BOOLEAN_SCHEMA)
                .build();
        Struct value = new Struct(schema).put("i8", (byte) -3).put("i16", (short) 300).put("f32", 1.5f)
                .put("f64", -2.25).put("neg", Long.MIN_VALUE).put("no", false);
        Notification n = Mapped.one(mapper("c", List.of("i8", "i16", "f32", "f64", "neg", "no"), 1024), record(null, null, schema, value, new ConnectHeaders()));
        assertEquals("{\"i8\":-3,\"i16\":300,\"f32\":1.5,\"f64\":-2.25,\"neg\":-9223372036854775808,\"no\":false}",
                payload(n));
    }

    @Test
    void nestedFieldUnderANullStructIsLeftOut() {
        Struct value = eventStruct().put("actor", null);
        Notification n = Mapped.one(mapper(List.of("id", "login=value.actor.login", "actor=value.actor")), record(null, null, EVENT_SCHEMA, value, new ConnectHeaders()));
        assertEquals("{\"id\":\"e1\",\"actor\":null}", payload(n));
    }

    @Test
    void nestedMapsAreWalked() {
        Map<String, Object> value = eventMap();
        value.put("meta", Map.of("origin", Map.of("region", "eu-west-1")));
        Notification n = Mapped.one(mapper(List.of("region=value.meta.origin.region", "none=value.meta.origin.none")), record(null, value));
        assertEquals("{\"region\":\"eu-west-1\"}", payload(n));
    }

    @Test
    void jsonPayloadKeepsNonAsciiAndEscapesQuotes() {
        String json = "{\"source_type\":\"gh\",\"source_id\":\"zoë\",\"id\":\"say \\\"hi\\\"\",\"type\":\"ü\"}";
        Notification n = Mapped.one(defaultMapper(), record(null, json));
        assertEquals("events:gh:zoë", channel(n));
        assertEquals("{\"id\":\"say \\\"hi\\\"\",\"type\":\"ü\",\"source_id\":\"zoë\"}", payload(n));
    }

    // ---- name=REF entries ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventShapes")
    void nameEqualsReferenceEntries(String shape, Schema schema, Object value) {
        Headers headers = new ConnectHeaders().addString("trace-id", "abc-123");
        SinkRecord record = record(null, "{\"tenant\":\"acme\"}", schema, value, headers);
        Notification n = Mapped.one(mapper(List.of("id", "partition=partition", "tenant=key.tenant", "trace=header.trace-id",
                "actor=value.actor.login", "topic=topic", "offset=offset", "ts=timestamp")), record);
        assertEquals("{\"id\":\"e1\",\"partition\":3,\"tenant\":\"acme\",\"trace\":\"abc-123\",\"actor\":\"octo\","
                + "\"topic\":\"github.events\",\"offset\":42,\"ts\":1700000000123}", payload(n));
        assertEquals(DEFAULT_CHANNEL, channel(n));
    }

    @Test
    void entriesAreTrimmed() {
        Notification n = Mapped.one(mapper(List.of(" id ", " p = partition ")), record(null, eventMap()));
        assertEquals("{\"id\":\"e1\",\"p\":3}", payload(n));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventShapes")
    void nullKeyIsFineWhenNotReferenced(String shape, Schema schema, Object value) {
        Notification n = Mapped.one(defaultMapper(), record(null, null, schema, value, new ConnectHeaders()));
        assertEquals(DEFAULT_PAYLOAD, payload(n));
    }

    @Test
    void unparsableKeyIsFineWhenNotReferenced() {
        Notification n = Mapped.one(defaultMapper(), record("{not json", eventMap()));
        assertEquals(DEFAULT_PAYLOAD, payload(n));
    }

    @Test
    void keyFieldOfNullKeyIsLeftOutOfThePayload() {
        Notification n = Mapped.one(mapper(List.of("id", "tenant=key.tenant")), record(null, eventMap()));
        assertEquals("{\"id\":\"e1\"}", payload(n));
    }

    // ---- reuse across records ----

    @Test
    void mapperCanBeReusedAndEarlierNotificationsAreNotOverwritten() {
        NotificationMapper mapper = defaultMapper();
        Notification first = Mapped.one(mapper, record(null, EVENT_JSON));
        assertThrows(MalformedRecordException.class, () -> Mapped.one(mapper, record(null, "[1]")));
        Notification second = Mapped.one(mapper, record(null,
                "{\"id\":\"e2\",\"type\":\"pr\",\"source_type\":\"gl\",\"source_id\":\"g/p\"}"));
        assertEquals(DEFAULT_CHANNEL, channel(first));
        assertEquals(DEFAULT_PAYLOAD, payload(first));
        assertEquals("events:gl:g/p", channel(second));
        assertEquals("{\"id\":\"e2\",\"type\":\"pr\",\"source_id\":\"g/p\"}", payload(second));
    }

    @Test
    void keyOfThePreviousRecordIsNotReused() {
        NotificationMapper mapper = mapper(List.of("tenant=key.tenant"));
        assertEquals("{\"tenant\":\"acme\"}", payload(Mapped.one(mapper, record("{\"tenant\":\"acme\"}", eventMap()))));
        assertEquals("{}", payload(Mapped.one(mapper, record(null, eventMap()))));
        assertEquals("{\"tenant\":\"beta\"}", payload(Mapped.one(mapper, record(Map.of("tenant", "beta"), eventMap()))));
    }

    @Test
    void aRecordThatFailsHalfWayThroughThePayloadDoesNotCorruptTheNext() {
        // The mapper reuses one JSON generator: a failure inside the payload object must not leave it open.
        NotificationMapper mapper = mapper(List.of("id", "odd", "type"));
        Map<String, Object> broken = new LinkedHashMap<>(eventMap());
        broken.put("odd", new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("cannot be written");
            }
        });
        assertThrows(IllegalStateException.class, () -> Mapped.one(mapper, record(null, broken)));
        Notification next = Mapped.one(mapper, record(null, EVENT_JSON));
        assertEquals(DEFAULT_CHANNEL, channel(next));
        assertEquals("{\"id\":\"e1\",\"type\":\"push\"}", payload(next));
    }

    @Test
    void consecutivePayloadsHaveNothingBetweenThem() {
        NotificationMapper mapper = defaultMapper();
        for (int i = 0; i < 3; i++) {
            assertEquals(DEFAULT_PAYLOAD, payload(Mapped.one(mapper, record(null, EVENT_JSON))));
            assertEquals(DEFAULT_PAYLOAD, payload(Mapped.one(mapper, record(null, eventMap()))));
        }
    }

    @Test
    void jsonTextScalarsKeepTheirExactFormAndContainersAreWrittenWhole() {
        NotificationMapper mapper = mapper(List.of("big", "exp", "neg", "t", "f", "n", "obj", "arr"));
        String value = "{\"source_type\":\"s\",\"source_id\":\"i\",\"big\":123456789012345678901234567890,"
                + "\"exp\":1.5E300,\"neg\":-7,\"t\":true,\"f\":false,\"n\":null,\"obj\":{\"a\":[1,\"x\"]},"
                + "\"arr\":[{\"b\":2.25}]}";
        assertEquals("{\"big\":123456789012345678901234567890,\"exp\":1.5E300,\"neg\":-7,\"t\":true,\"f\":false,"
                + "\"n\":null,\"obj\":{\"a\":[1,\"x\"]},\"arr\":[{\"b\":2.25}]}", payload(Mapped.one(mapper, record(null, value))));
    }

    @Test
    void channelTextThatTurnsNonAsciiAfterAnAsciiPrefixIsEncodedWhole() {
        NotificationMapper mapper = defaultMapper();
        Notification n = Mapped.one(mapper, record(null, mapWith("source_id", "abc\u00e9d\uD83D\uDE00")));
        assertEquals("events:gh:abc\u00e9d\uD83D\uDE00", channel(n));
        assertEquals("events:gh:abc\u00e9d\uD83D\uDE00".getBytes(StandardCharsets.UTF_8).length, n.channel().length);
    }

    // ---- malformed values ----

    private static MalformedRecordException malformed(NotificationMapper mapper, Schema schema, Object value) {
        MalformedRecordException e = assertThrows(MalformedRecordException.class,
                () -> Mapped.one(mapper, record(null, null, schema, value, new ConnectHeaders())));
        assertFalse(e.getMessage().contains(SECRET), () -> "message leaks the record: " + e.getMessage());
        return e;
    }

    private static void assertMessageContains(MalformedRecordException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "expected '" + part + "' in: " + e.getMessage());
        }
    }

    @Test
    void valueThatIsNotJsonIsMalformed() {
        MalformedRecordException e = malformed(defaultMapper(), null, SECRET + " not json");
        assertMessageContains(e, "value is not valid JSON", "line 1");
    }

    @Test
    void bytesThatAreNotJsonAreMalformed() {
        MalformedRecordException e = malformed(defaultMapper(), null, ("{\"id\": " + SECRET + "}").getBytes(StandardCharsets.UTF_8));
        assertMessageContains(e, "value is not valid JSON");
    }

    @Test
    void truncatedJsonIsMalformed() {
        MalformedRecordException e = malformed(defaultMapper(), null, "{\"id\":\"" + SECRET);
        assertMessageContains(e, "value is not valid JSON");
    }

    @Test
    void jsonArrayIsMalformed() {
        MalformedRecordException e = malformed(defaultMapper(), null, "[\"" + SECRET + "\"]");
        assertEquals("value is JSON array, not a JSON object", e.getMessage());
    }

    @Test
    void jsonStringIsMalformed() {
        MalformedRecordException e = malformed(defaultMapper(), null, "\"" + SECRET + "\"");
        assertEquals("value is JSON string, not a JSON object", e.getMessage());
    }

    @Test
    void jsonNumberIsMalformed() {
        MalformedRecordException e = malformed(defaultMapper(), null, "12345");
        assertEquals("value is JSON number, not a JSON object", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void emptyTextIsMalformed(String text) {
        MalformedRecordException e = malformed(defaultMapper(), null, text);
        assertEquals("value is JSON empty, not a JSON object", e.getMessage());
    }

    @Test
    void integerValueIsMalformed() {
        MalformedRecordException e = malformed(defaultMapper(), Schema.INT32_SCHEMA, 987654321);
        assertMessageContains(e, "value is of type Integer", "not a JSON object, Struct or Map", "converter");
        assertFalse(e.getMessage().contains("987654321"), e.getMessage());
    }

    @Test
    void listValueIsMalformed() {
        MalformedRecordException e = malformed(defaultMapper(), null, List.of(SECRET));
        assertMessageContains(e, "not a JSON object, Struct or Map");
    }

    // ---- malformed channel references ----

    static Stream<Arguments> valuesWithSourceId() {
        // source_type is present, source_id is set to each bad kind, and the body carries SECRET.
        return Stream.of(
                Arguments.of("missing (JSON)", "{\"source_type\":\"gh\",\"body\":\"" + SECRET + "\"}",
                        "channel.template reference {source_id} is missing from the record"),
                Arguments.of("object (JSON)", "{\"source_type\":\"gh\",\"source_id\":{\"a\":\"" + SECRET + "\"}}",
                        "channel.template reference {source_id} is JSON object, not a string, number or boolean"),
                Arguments.of("array (JSON)", "{\"source_type\":\"gh\",\"source_id\":[\"" + SECRET + "\"]}",
                        "channel.template reference {source_id} is JSON array, not a string, number or boolean"),
                Arguments.of("null (JSON)", "{\"source_type\":\"gh\",\"source_id\":null,\"b\":\"" + SECRET + "\"}",
                        "channel.template reference {source_id} is null, not a string, number or boolean"),
                Arguments.of("empty string (JSON)", "{\"source_type\":\"gh\",\"source_id\":\"\",\"b\":\"" + SECRET + "\"}",
                        "channel.template reference {source_id} is an empty string"),
                Arguments.of("missing (Map)", mapWith("source_id", MISSING_MARK),
                        "channel.template reference {source_id} is missing from the record"),
                Arguments.of("object (Map)", mapWith("source_id", Map.of("a", SECRET)),
                        "channel.template reference {source_id} is "),
                Arguments.of("array (Map)", mapWith("source_id", List.of(SECRET)),
                        "channel.template reference {source_id} is "),
                Arguments.of("null (Map)", mapWith("source_id", null),
                        "channel.template reference {source_id} is null, not a string, number or boolean"),
                Arguments.of("empty string (Map)", mapWith("source_id", ""),
                        "channel.template reference {source_id} is an empty string"));
    }

    private static final Object MISSING_MARK = new Object();

    private static Map<String, Object> mapWith(String field, Object value) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("source_type", "gh");
        map.put("body", SECRET);
        if (value != MISSING_MARK) {
            map.put(field, value);
        }
        return map;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valuesWithSourceId")
    void badChannelFieldIsMalformedAndNamesTheReference(String kind, Object value, String expectedMessagePart) {
        MalformedRecordException e = malformed(defaultMapper(), null, value);
        assertMessageContains(e, expectedMessagePart);
    }

    @Test
    void structChannelFieldThatIsAStructIsMalformed() {
        Schema inner = SchemaBuilder.struct().field("a", Schema.STRING_SCHEMA).build();
        Schema schema = SchemaBuilder.struct().field("source_type", Schema.STRING_SCHEMA).field("source_id", inner).build();
        Struct value = new Struct(schema).put("source_type", "gh").put("source_id", new Struct(inner).put("a", SECRET));
        MalformedRecordException e = malformed(defaultMapper(), schema, value);
        assertEquals("channel.template reference {source_id} is Struct, not a string, number or boolean", e.getMessage());
    }

    @Test
    void structChannelFieldThatIsNullIsMalformed() {
        Schema schema = SchemaBuilder.struct().field("source_type", Schema.STRING_SCHEMA)
                .field("source_id", Schema.OPTIONAL_STRING_SCHEMA).field("body", Schema.STRING_SCHEMA).build();
        Struct value = new Struct(schema).put("source_type", "gh").put("body", SECRET);
        MalformedRecordException e = malformed(defaultMapper(), schema, value);
        assertEquals("channel.template reference {source_id} is null, not a string, number or boolean", e.getMessage());
    }

    @Test
    void structChannelFieldThatIsAbsentFromTheSchemaIsMalformed() {
        Schema schema = SchemaBuilder.struct().field("source_type", Schema.STRING_SCHEMA)
                .field("body", Schema.STRING_SCHEMA).build();
        Struct value = new Struct(schema).put("source_type", "gh").put("body", SECRET);
        MalformedRecordException e = malformed(defaultMapper(), schema, value);
        assertEquals("channel.template reference {source_id} is missing from the record", e.getMessage());
    }

    // ---- channel.max.bytes ----

    @Test
    void channelAtTheLimitIsAccepted() {
        // "events:gh:" is 10 bytes; 22 more make 32.
        String sourceId = "a".repeat(22);
        Notification n = Mapped.one(mapper("events:{source_type}:{source_id}", List.of("id"), 32), record(null, Map.of("source_type", "gh", "source_id", sourceId)));
        assertEquals(32, n.channel().length);
    }

    @Test
    void channelOverTheLimitIsMalformedWithoutQuotingIt() {
        String sourceId = SECRET + "a".repeat(22 - SECRET.length() + 1);
        NotificationMapper mapper = mapper("events:{source_type}:{source_id}", List.of("id"), 32);
        MalformedRecordException e = malformed(mapper, null, Map.of("source_type", "gh", "source_id", sourceId));
        assertEquals("channel is 33 bytes, more than channel.max.bytes=32", e.getMessage());
    }

    @Test
    void channelLimitCountsUtf8BytesNotCharacters() {
        // "events:gh:" (10 bytes) + 11 x "é" (2 bytes each) = 21 characters, 32 bytes.
        NotificationMapper mapper = mapper("events:{source_type}:{source_id}", List.of("id"), 31);
        MalformedRecordException e = malformed(mapper, null, Map.of("source_type", "gh", "source_id", "é".repeat(11)));
        assertEquals("channel is 32 bytes, more than channel.max.bytes=31", e.getMessage());
        Notification ok = Mapped.one(mapper("events:{source_type}:{source_id}", List.of("id"), 32), record(null, Map.of("source_type", "gh", "source_id", "é".repeat(11))));
        assertEquals(32, ok.channel().length);
        assertTrue(Arrays.equals(("events:gh:" + "é".repeat(11)).getBytes(StandardCharsets.UTF_8), ok.channel()));
    }
}
