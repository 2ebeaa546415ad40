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
import org.junit.jupiter.params.provider.NullAndEmptySource;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ChannelTemplate}: parsing and rendering, observed through {@link NotificationMapper#map}. */
class ChannelTemplateTest {

    private static String channelOf(String template, SinkRecord record) {
        NotificationMapper mapper = new NotificationMapper(ChannelTemplates.parse(List.of(template)),
                NotificationFields.parse(List.of("id")), 1024);
        return new String(Mapped.one(mapper, record).channel(), StandardCharsets.UTF_8);
    }

    private static Map<String, Object> value() {
        Map<String, Object> actor = new LinkedHashMap<>();
        actor.put("login", "octo");
        actor.put("id", 7);
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("id", "e1");
        value.put("source_type", "github");
        value.put("source_id", "owner/repo");
        value.put("seq", 12345678901L);
        value.put("public", true);
        value.put("ratio", 0.5);
        value.put("actor", actor);
        return value;
    }

    private static SinkRecord record(Object key, Object value) {
        Headers headers = new ConnectHeaders().addString("trace-id", "abc-123").addInt("attempt", 2);
        return new SinkRecord("github.events", 3, null, key, null, value, 42L, 1_700_000_000_123L,
                TimestampType.CREATE_TIME, headers);
    }

    // ---- literal braces: Redis Cluster hash tags ----

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "events:{{{source_type}}}:{source_id} | events:{github}:owner/repo",
            "{{tenant}}:{source_id}               | {tenant}:owner/repo",
            "a{{b}}c                              | a{b}c",
            "}}{source_type}{{                    | }github{",
    })
    void doubledBracesAreLiteralBraces(String template, String channel) {
        assertEquals(channel, channelOf(template, record(null, value())));
    }

    @Test
    void theHashTagDecidesTheClusterSlot() {
        String a = channelOf("events:{{{source_type}}}:{source_id}", record(null, value()));
        String b = channelOf("events:{{{source_type}}}:other", record(null, value()));
        assertEquals(redis.clients.jedis.util.JedisClusterCRC16.getSlot(a),
                redis.clients.jedis.util.JedisClusterCRC16.getSlot(b), "both hash on {github}");
    }

    @Test
    void aSampleReplacesEveryReferenceAndKeepsLiteralBraces() {
        assertEquals("events:{probe}:probe", ChannelTemplate.parse("events:{{{source_type}}}:{source_id}").sample("probe"));
    }

    // ---- rendering every reference kind ----

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "events:{source_type}:{source_id}    | events:github:owner/repo",
            "c:{value.source_id}                 | c:owner/repo",
            "c:{value.actor.login}               | c:octo",
            "c:{actor.login}                     | c:octo",
            "c:{value.actor.id}                  | c:7",
            "c:{seq}                             | c:12345678901",
            "c:{public}                          | c:true",
            "c:{ratio}                           | c:0.5",
            "c:{key}                             | c:user-1",
            "c:{header.trace-id}                 | c:abc-123",
            "c:{header.attempt}                  | c:2",
            "c:{topic}                           | c:github.events",
            "c:{partition}                       | c:3",
            "c:{offset}                          | c:42",
            "c:{timestamp}                       | c:1700000000123",
            "{topic}{partition}-{offset}         | github.events3-42",
            "{source_id}                         | owner/repo",
            "all-events                          | all-events",
    })
    void rendersEachReferenceKind(String template, String expectedChannel) {
        assertEquals(expectedChannel, channelOf(template, record("user-1", value())));
    }

    @Test
    void rendersKeyFieldOfAStructKey() {
        Schema keySchema = SchemaBuilder.struct().field("tenant", Schema.STRING_SCHEMA).build();
        Struct key = new Struct(keySchema).put("tenant", "acme");
        assertEquals("t:acme:owner/repo", channelOf("t:{key.tenant}:{source_id}", record(key, value())));
    }

    @Test
    void rendersKeyFieldOfAJsonKey() {
        assertEquals("t:acme", channelOf("t:{key.tenant}", record("{\"tenant\":\"acme\"}", value())));
    }

    @Test
    void rendersJsonScalarsAsTheirText() {
        String json = "{\"n\":7,\"big\":12345678901,\"b\":false,\"s\":\"x y\"}";
        assertEquals("7|12345678901|false|x y", channelOf("{n}|{big}|{b}|{s}", record(null, json)));
    }

    @Test
    void rendersNonAsciiTextAsUtf8() {
        Map<String, Object> value = value();
        value.put("source_id", "zoë/ünïcode");
        NotificationMapper mapper = new NotificationMapper(ChannelTemplates.parse(List.of("events:{source_id}")),
                NotificationFields.parse(List.of("id")), 1024);
        byte[] channel = Mapped.one(mapper, record(null, value)).channel();
        assertEquals("events:zoë/ünïcode", new String(channel, StandardCharsets.UTF_8));
        assertEquals("events:zoë/ünïcode".getBytes(StandardCharsets.UTF_8).length, channel.length);
    }

    @Test
    void toStringIsTheTemplateAsWritten() {
        assertEquals("events:{source_type}:{source_id}",
                ChannelTemplate.parse("events:{source_type}:{source_id}").toString());
    }

    // ---- references that cannot be rendered ----

    @Test
    void missingReferenceIsMalformedAndNamed() {
        MalformedRecordException e = assertThrows(MalformedRecordException.class,
                () -> channelOf("events:{source_type}:{nope}", record(null, value())));
        assertEquals("channel.template reference {nope} is missing from the record", e.getMessage());
    }

    @Test
    void nullKeyIsMalformedWhenTheTemplateUsesIt() {
        MalformedRecordException e = assertThrows(MalformedRecordException.class,
                () -> channelOf("t:{key}", record(null, value())));
        assertEquals("channel.template reference {key} is missing from the record", e.getMessage());
    }

    @Test
    void missingHeaderIsMalformedAndNamed() {
        MalformedRecordException e = assertThrows(MalformedRecordException.class,
                () -> channelOf("t:{header.tenant}", record(null, value())));
        assertEquals("channel.template reference {header.tenant} is missing from the record", e.getMessage());
    }

    @Test
    void objectReferenceIsMalformed() {
        MalformedRecordException e = assertThrows(MalformedRecordException.class,
                () -> channelOf("t:{actor}", record(null, value())));
        assertTrue(e.getMessage().startsWith("channel.template reference {actor} is "), e.getMessage());
        assertTrue(e.getMessage().endsWith(", not a string, number or boolean"), e.getMessage());
    }

    // ---- bad templates ----

    @ParameterizedTest
    @NullAndEmptySource
    void emptyTemplateIsRejected(String template) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChannelTemplate.parse(template));
        assertEquals("the template is empty; use for example events:{source_type}:{source_id}", e.getMessage());
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "events:{source_id                 | '{' at position 7 is not closed with '}'",
            "{                                 | '{' at position 0 is not closed with '}'",
            "events:source_id}                 | '}' at position 16 has no matching '{'",
            "events:}{source_id}               | '}' at position 7 has no matching '{'",
            "{a}}                              | '}' at position 3 has no matching '{'",
            "events:{a{b}}                     | '{' at position 7 is not closed before the next '{'",
            "events:{}                         | empty reference; write a field name such as {source_id}",
            "events:{value}                    | 'value' needs a field: write value.FIELD",
            "events:{header}                   | 'header' needs a name: write header.NAME",
            "events:{a..b}                     | 'a..b' has an empty field name; write fields as a.b.c",
            "events:{value.}                   | has an empty field name; write fields as a.b.c",
            "events:{source id}                | 'source id' is not a reference; a reference is a field path",
            "events:{source_type}:{value.a b}  | 'value.a b' is not a reference",
    })
    void badTemplateIsRejectedWithAHelpfulMessage(String template, String expectedMessagePart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChannelTemplate.parse(template));
        assertTrue(e.getMessage().contains(expectedMessagePart),
                () -> "message for [" + template + "] was: " + e.getMessage());
    }

    // ---- several templates (fan-out), optional ones ----

    private static List<String> channelsOf(List<String> templates, SinkRecord record) {
        NotificationMapper mapper = new NotificationMapper(ChannelTemplates.parse(templates),
                NotificationFields.parse(List.of("id")), 1024);
        List<Notification> notifications = Mapped.all(mapper, record);
        assertTrue(notifications.stream().allMatch(n -> n.payload() == notifications.get(0).payload()),
                "one payload, shared by the channels of a record");
        return notifications.stream().map(n -> new String(n.channel(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void aRecordGoesToEachDistinctChannelInTemplateOrder() {
        assertEquals(List.of("events:github:owner/repo", "events:github", "events:all"), channelsOf(
                List.of("events:{source_type}:{source_id}", "events:{source_type}", "events:all", "events:{value.source_type}"),
                record(null, value())));
    }

    @ParameterizedTest(name = "tenant {0}")
    @CsvSource(value = {"missing", "null", "empty"})
    void anOptionalTemplateIsLeftOutWhenItsReferenceIsAbsent(String absence) {
        Map<String, Object> value = value();
        if (!absence.equals("missing")) {
            value.put("tenant", absence.equals("null") ? null : "");
        }
        List<String> templates = List.of("events:{source_id}", "?tenant:{tenant}:{source_id}");
        assertEquals(List.of("events:owner/repo"), channelsOf(templates, record(null, value)));
        String json = "{\"source_id\":\"owner/repo\"" + (absence.equals("missing") ? ""
                : absence.equals("null") ? ",\"tenant\":null" : ",\"tenant\":\"\"") + "}";
        assertEquals(List.of("events:owner/repo"), channelsOf(templates, record(null, json)), "from JSON text too");
        value.put("tenant", "acme");
        assertEquals(List.of("events:owner/repo", "tenant:acme:owner/repo"), channelsOf(templates, record(null, value)));
    }

    @Test
    void anOptionalTemplateWhoseReferenceIsAnObjectStillMakesTheRecordMalformed() {
        List<String> templates = List.of("events:{source_id}", "?actor:{actor}");
        MalformedRecordException e = assertThrows(MalformedRecordException.class,
                () -> channelsOf(templates, record(null, value())));
        assertTrue(e.getMessage().contains("{actor}"), e.getMessage());
    }

    @Test
    void aRequiredTemplateThatCannotRenderMakesTheRecordMalformedAndNothingIsPublishedForIt() {
        NotificationMapper mapper = new NotificationMapper(ChannelTemplates.parse(List.of("events:all", "events:{tenant}")),
                NotificationFields.parse(List.of("id")), 1024);
        List<Notification> batch = new java.util.ArrayList<>();
        MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> mapper.map(record(null, value()), batch));
        assertEquals("channel.template reference {tenant} is missing from the record", e.getMessage());
        assertEquals(List.of(), batch, "not even events:all");
    }

    @Test
    void theChannelLengthLimitNamesTheTemplateThatExceedsIt() {
        NotificationMapper mapper = new NotificationMapper(ChannelTemplates.parse(List.of("e:{id}", "long:{source_id}")),
                NotificationFields.parse(List.of("id")), 12);
        MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> Mapped.all(mapper, record(null, value())));
        assertEquals("channel is 15 bytes, more than channel.max.bytes=12 (template long:{source_id})", e.getMessage());
    }

    @Test
    void severalTemplatesReadAsWritten() {
        ChannelTemplates templates = ChannelTemplates.parse(List.of("events:{source_id}", "?t:{tenant}"));
        assertEquals("events:{source_id},?t:{tenant}", templates.toString());
        assertEquals(List.of("events:probe", "t:probe"), templates.samples("probe"));
    }
}
