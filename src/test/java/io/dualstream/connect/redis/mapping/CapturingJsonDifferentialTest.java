package io.dualstream.connect.redis.mapping;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The capturing reader ({@link CapturingJsonReader}) against the tree it replaced ({@link TreeJsonReader}):
 * thousands of generated records, valid and broken, each mapped by both, must give byte-identical channels and payloads, or the same rejection with the
 * same message. Both mappers see the records in the same order, so the reuse of the reader's buffers across records
 * (and across broken ones) is part of what is compared. Valid records are read by {@link JsonScanner}, the rest by
 * Jackson: the generated ones check that the scanner takes nearly all valid records, so that it is what is compared.
 */
class CapturingJsonDifferentialTest {

    /** Put into generated text; error messages must never contain it. */
    private static final String SECRET = "SECRET-9b2e";

    /** Field names the generator draws from: the referenced ones come up often, so do repeats. */
    private static final String[] NAMES = {"id", "type", "source_type", "source_id", "actor", "login", "meta", "n",
        "x", "b", "a", "tenant", "deep", "zoë", "body", "id", "source_id", "actor", "login"};

    /** Configurations that together use every kind of reference, in the channel and in the payload. */
    private record Config(String template, List<String> fields) {
    }

    private static final List<Config> CONFIGS = List.of(
            new Config("events:{source_type}:{source_id}", List.of("id", "type", "source_id")),
            new Config("c:{actor.login}:{n}", List.of("id", "actor=value.actor", "login=value.actor.login",
                    "deep=value.actor.meta.x", "n", "x", "arr=value.a", "meta=value.meta.deep")),
            new Config("k:{key.tenant}:{source_id}", List.of("tenant=key.tenant", "whole=key", "kid=key.actor.login",
                    "kmeta=key.meta", "h=header.h", "topic=topic", "p=partition", "o=offset", "t=timestamp", "b",
                    "login=actor.login")),
            new Config("s:{x}:{b}:{id}", List.of("x", "b", "id", "n", "a", "zoë", "body", "meta", "type")),
            new Config("{topic}", List.of("id", "source_id")));

    @Test
    void generatedRecordsGiveIdenticalNotificationsOrIdenticalRejections() {
        Random random = new Random(20261202L);
        int published = 0;
        int rejected = 0;
        long publishedByJackson = 0;
        for (Config config : CONFIGS) {
            Pair pair = new Pair(config);
            int records = config == CONFIGS.get(0) ? 12_000 : 3_000;
            for (int i = 0; i < records; i++) {
                Generator generator = new Generator(random);
                String text = generator.record();
                Object key = generator.key();
                Object value = random.nextInt(3) == 0 ? text : generator.bytes(text);
                long jacksonBefore = pair.valueReader.jacksonReads();
                if (pair.compare(key, value, "record " + i + " of " + config)) {
                    published++;
                    publishedByJackson += pair.valueReader.jacksonReads() - jacksonBefore;
                } else {
                    rejected++;
                }
            }
        }
        // Both outcomes are exercised in quantity, so the comparison covers both.
        assertTrue(published > 8_000, "published " + published + ", rejected " + rejected);
        assertTrue(rejected > 5_000, "published " + published + ", rejected " + rejected);
        // Valid records that Jackson reads: a byte-order mark, a String with an unpaired surrogate.
        assertTrue(publishedByJackson < published / 200, publishedByJackson + " of " + published
                + " published records were read by Jackson, not by the scanner");
    }

    @Test
    void namedEdgeCasesGiveIdenticalOutcomes() {
        String deep999 = "[".repeat(998) + "]".repeat(998);
        String deep1000 = "[".repeat(999) + "]".repeat(999);
        String deep1001 = "[".repeat(1000) + "]".repeat(1000);
        List<String> cases = List.of(
                "{\"source_type\":\"s\",\"source_id\":\"i\",\"id\":\"a\",\"id\":\"b\"}",
                "{\"source_type\":\"s\",\"source_id\":\"i\",\"actor\":{\"login\":\"x\"},\"actor\":{\"id\":1}}",
                "{\"source_type\":\"s\",\"source_id\":\"i\",\"actor\":{\"login\":\"x\"},\"actor\":5}",
                "{\"source_type\":\"s\",\"source_id\":\"i\",\"actor\":5,\"actor\":{\"login\":\"y\",\"login\":\"z\"}}",
                "{\"actor\":{\"login\":\"l\",\"a\":1,\"a\":2,\"login\":\"m\"},\"n\":-0,\"x\":1e2,\"b\":true}",
                "{\"actor\":[{\"login\":\"l\"}],\"n\":12345678901234567890123,\"x\":-0.0,\"b\":false}",
                "{\"actor\":{\"login\":\"\"},\"n\":1}",
                "{\"actor\":{\"login\":null},\"n\":1}",
                "{\"actor\":{\"login\":{}},\"n\":1}",
                "{\"actor\":{\"login\":\"a\"},\"n\":1.50}",
                "{\"actor\":{\"login\":\"a\"},\"n\":1e400}",
                "{\"actor\":{\"login\":\"a\"},\"n\":-1e400}",
                "{\"actor\":{\"login\":\"a\"},\"n\":4.9e-325}",
                "{\"actor\":{\"login\":\"a\"},\"n\":9223372036854775808}",
                "{\"actor\":{\"login\":\"a\"},\"n\":-9223372036854775809}",
                "{\"actor\":{\"login\":\"a\"},\"n\":2147483648}",
                "{\"actor\":{\"login\":\"a\"},\"n\":0e5,\"x\":-0.0E-0,\"b\":1E+2}",
                "{\"actor\":{\"login\":\"a\"},\"n\":-0,\"x\":0,\"b\":-0.5}",
                "{\"actor\":{\"login\":\"a\"},\"n\":" + "1".repeat(128) + ",\"x\":" + "1".repeat(129) + "}",
                "{\"actor\":{\"login\":\"a\"},\"n\":" + "9".repeat(1000) + "}",
                "{\"actor\":{\"login\":\"a\"},\"n\":" + "9".repeat(1001) + "}",
                "{\"actor\":{\"login\":\"a\"},\"n\":1,\"deep\":" + deep999 + "}",
                "{\"actor\":{\"login\":\"a\"},\"n\":1,\"deep\":" + deep1000 + "}",
                "{\"actor\":{\"login\":\"a\"},\"n\":1,\"deep\":" + deep1001 + "}",
                "{\"actor\":{\"login\":\"a\"},\"n\":1,\"a\":" + deep1001 + "}",
                "{\"actor\":{\"login\":\"\\ud83d\\ude00 \\u00e9\\/\\\"\\\\\\b\\f\\n\\r\\t\\u0001\"},\"n\":\"\\ud800\"}",
                "{\"actor\":{\"login\":\"\uD83D\uDE00 zo\u00eb \u4e2d\"},\"n\":\"\u2028\"}",
                "{\"\\u0061ctor\":{\"l\\u006fgin\":\"escaped names\"},\"n\":1}",
                " \t\r\n{ \"actor\" : { \"login\" : \"ws\" } , \"n\" : 2 } \r\n\t ",
                "{\"actor\":{\"login\":\"a\"},\"n\":1} x",
                "{\"actor\":{\"login\":\"a\"},\"n\":1} 5",
                "{\"actor\":{\"login\":\"a\"},\"n\":1}{}",
                "{\"actor\":{\"login\":\"a\"},\"n\":1}}",
                "{\"actor\":{\"login\":\"a\"},\"n\":1",
                "{\"actor\":{\"login\":\"a\"},\"n\":",
                "{\"actor\":{\"login\":\"a",
                "{\"actor\":{\"login\":\"a\"},\"n\":01}",
                "{\"actor\":{\"login\":\"a\"},\"n\":NaN}",
                "{\"actor\":{\"login\":\"a\"},\"n\":1,}",
                "{\"actor\":{\"login\":\"a\" \"n\":1}",
                "{'actor':1}",
                "{actor:1}",
                "{\"actor\":{\"login\":\"a\tb\"},\"n\":1}",
                "{\"actor\":{\"login\":\"a\"},\"n\":1, \"body\":\"\\x\"}",
                "{\"actor\":{\"login\":\"a\"},\"n\":1 /* comment */}",
                "\uFEFF{\"actor\":{\"login\":\"bom\"},\"n\":1}",
                "[1,2,3]", "[1,2", "\"" + SECRET + "\"", "\"" + SECRET, "12345", "-1.5e3", "true", "null", "", "   ",
                "[] []", "1 2", "{}", "{} ", "{\"n\":" + SECRET + "}");
        for (Config config : CONFIGS) {
            Pair pair = new Pair(config);
            for (String text : cases) {
                pair.compare(null, text, "String " + abbreviate(text) + " with " + config);
                pair.compare(null, text.getBytes(StandardCharsets.UTF_8), "bytes " + abbreviate(text) + " with " + config);
            }
            // Inputs only bytes can be: invalid UTF-8 (in a skipped string, in a captured one, in a name), other encodings.
            for (byte[] bytes : List.of(
                    withByte("{\"actor\":{\"login\":\"a\"},\"n\":1,\"body\":\"__\"}", "__", 0xC3, 0x28),
                    withByte("{\"actor\":{\"login\":\"__\"},\"n\":1}", "__", 0xE2, 0x28),
                    withByte("{\"actor\":{\"login\":\"a\"},\"__\":1}", "__", 0xFF, 0x41),
                    withByte("{\"actor\":{\"login\":\"a\"},\"n\":1,\"body\":\"__\"}", "__", 0xF0, 0x9F),
                    withByte("{\"actor\":{\"login\":\"a\"},\"n\":1,\"body\":\"__\"}", "__", 0x80, 0x80),
                    withByte("{\"actor\":{\"login\":\"a\"},\"n\":1,\"body\":\"__\"}", "__", 0xED, 0xA0),
                    withByte("{\"actor\":{\"login\":\"a\"},\"n\":1}__", "__", 0xC3, 0xA9),
                    withByte("{\"actor\":{\"login\":\"__\"},\"n\":1}", "__", 0xC0, 0x80),
                    withByte("{\"actor\":{\"login\":\"a\"},\"n\":1,\"body\":\"__\"}", "__", 0xC1, 0xBF),
                    withByte("{\"actor\":{\"login\":\"a\"},\"__\":1}", "__", 0xC0, 0xAE),
                    withByte("{\"actor\":{\"login\":\"x___\"},\"n\":1}", "___", 0xED, 0xA0, 0x80),
                    withByte("{\"actor\":{\"login\":\"x____\"},\"n\":1}", "____", 0xF4, 0x90, 0x80, 0x80),
                    withByte("{\"actor\":{\"login\":\"x___\"},\"n\":1}", "___", 0xE0, 0x80, 0xAF),
                    withByte("__{\"actor\":{\"login\":\"a\"},\"n\":1}", "__", 0xEF, 0xBB),
                    "{\"actor\":{\"login\":\"utf16\"},\"n\":1}".getBytes(StandardCharsets.UTF_16BE),
                    "{\"actor\":{\"login\":\"utf16\"},\"n\":1}".getBytes(StandardCharsets.UTF_16LE),
                    "{\"actor\":{\"login\":\"utf16\"},\"n\":1}".getBytes(StandardCharsets.UTF_16),
                    "{\"actor\":{\"login\":\"utf32\"},\"n\":1}".getBytes(Charset.forName("UTF-32BE")),
                    new byte[] {0}, new byte[] {'{', 0, '}'})) {
                pair.compare(null, bytes, "bytes " + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 40))
                        + " with " + config);
            }
            // A String with an unpaired surrogate, which UTF-8 cannot carry.
            pair.compare(null, "{\"actor\":{\"login\":\"a\uD800b\"},\"n\":\"\uDC00\",\"source_id\":\"x\uD800\"}",
                    "String with unpaired surrogates with " + config);
            // Keys: JSON objects, broken JSON and plain text, as String and bytes.
            for (String key : List.of("{\"tenant\":\"acme\",\"actor\":{\"login\":\"k\"},\"meta\":[1]}", "{\"tenant\":\"a\"",
                    "plain-key", "[\"tenant\"]", "{\"tenant\":\"\"}", "{\"tenant\":7,\"tenant\":\"last\"}")) {
                String value = "{\"source_id\":\"s\",\"actor\":{\"login\":\"a\"},\"n\":1}";
                pair.compare(key, value, "key " + key + " with " + config);
                pair.compare(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8),
                        "byte key " + key + " with " + config);
            }
        }
    }

    /** The text as UTF-8 with the (ASCII) marker replaced by as many bytes. */
    private static byte[] withByte(String text, String marker, int... replacement) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int at = text.indexOf(marker);
        for (int i = 0; i < marker.length(); i++) {
            bytes[at + i] = (byte) replacement[i];
        }
        return bytes;
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "... (" + text.length() + " chars)";
    }

    /** The production mapper and the oracle for one configuration, fed the same records in the same order. */
    private static final class Pair {
        private final CapturingJsonReader valueReader;
        private final NotificationMapper capturing;
        private final NotificationMapper tree;
        private long offset;

        Pair(Config config) {
            ChannelTemplates template = ChannelTemplates.parse(List.of(config.template()));
            NotificationFields fields = NotificationFields.parse(config.fields());
            ObjectMapper json = new ObjectMapper();
            valueReader = new CapturingJsonReader(json,
                    NotificationMapper.referencedPaths(template, fields, Reference::valuePath));
            capturing = new NotificationMapper(template, fields, 4096, json, valueReader, new CapturingJsonReader(json,
                    NotificationMapper.referencedPaths(template, fields, Reference::keyPath)));
            tree = new NotificationMapper(template, fields, 4096, new ObjectMapper(), new TreeJsonReader(),
                    new TreeJsonReader());
        }

        /** Maps one record with both; true when it was published. */
        boolean compare(Object key, Object value, String what) {
            long at = offset++;
            String expected = outcome(tree, record(key, value, at));
            String actual = outcome(capturing, record(key, value, at));
            if (!expected.equals(actual)) {
                fail(what + "\n  tree:      " + expected + "\n  capturing: " + actual);
            }
            assertFalse(actual.startsWith("MALFORMED") && actual.contains(SECRET), actual);
            return actual.startsWith("PUBLISHED");
        }

        private static SinkRecord record(Object key, Object value, long offset) {
            ConnectHeaders headers = new ConnectHeaders();
            headers.addString("h", "header-" + offset);
            return new SinkRecord("diff", (int) (offset % 3), null, key, null, value, offset, 1_700_000_000_000L + offset,
                    TimestampType.CREATE_TIME, headers);
        }

        private static String outcome(NotificationMapper mapper, SinkRecord record) {
            try {
                Notification n = Mapped.one(mapper, record);
                // Hex: byte for byte, whatever the bytes are.
                return "PUBLISHED " + HexFormat.of().formatHex(n.channel()) + " " + HexFormat.of().formatHex(n.payload())
                        + " (" + new String(n.payload(), StandardCharsets.UTF_8) + ")";
            } catch (MalformedRecordException e) {
                return "MALFORMED " + e.getMessage();
            } catch (RuntimeException e) {
                return "FAILED " + e;
            }
        }
    }

    /** Random JSON text in the shapes records take, and ways it breaks. */
    private static final class Generator {
        private final Random random;
        private final StringBuilder out = new StringBuilder();

        Generator(Random random) {
            this.random = random;
        }

        String record() {
            out.setLength(0);
            int shape = random.nextInt(100);
            if (shape < 3) {
                value(0); // any root value, object or not
            } else {
                object(0, true);
            }
            String text = out.toString();
            int breakage = random.nextInt(100);
            if (breakage < 6) {
                return text.substring(0, random.nextInt(text.length() + 1)); // truncated anywhere
            }
            if (breakage < 9) {
                return text + pick(" x", "}", "{}", " 1", "  \n", "\"s\"", ",", "]", " {\"id\":1}", "\u0000");
            }
            if (breakage < 11) {
                int at = random.nextInt(text.length() + 1);
                return text.substring(0, at) + pick(",", "}", "{", "\"", ":", "[", "\\", "\u0001", "\t", "x", "\uD800")
                        + text.substring(at);
            }
            if (breakage < 12) {
                return pick("\uFEFF", " ", "\n", "\t") + text;
            }
            return text;
        }

        /** The text as UTF-8, sometimes with a byte that breaks the encoding. */
        byte[] bytes(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 0 && random.nextInt(20) == 0) {
                bytes[random.nextInt(bytes.length)] = (byte) pickInt(0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF8, 0xFF);
            }
            return bytes;
        }

        Object key() {
            return switch (random.nextInt(6)) {
                case 0 -> null;
                case 1 -> "plain-" + random.nextInt(100);
                case 2 -> {
                    String key = record();
                    yield random.nextBoolean() ? key : key.getBytes(StandardCharsets.UTF_8);
                }
                default -> "{\"tenant\":" + (random.nextInt(5) == 0 ? "\"\"" : "\"t" + random.nextInt(9) + "\"")
                        + ",\"actor\":{\"login\":\"k\"}}";
            };
        }

        private void object(int depth, boolean root) {
            out.append('{');
            ws();
            int fields = root ? 3 + random.nextInt(10) : random.nextInt(5);
            if (root) {
                // What the channel templates reference, mostly usable, so that most records are published.
                idField("source_type");
                idField("source_id");
                if (random.nextInt(3) > 0) {
                    out.append("\"actor\":{\"login\":");
                    identifier();
                    out.append(random.nextBoolean() ? ",\"id\":7}," : "},");
                }
                for (String name : List.of("n", "x", "b", "id")) {
                    if (random.nextInt(3) > 0) {
                        idField(name);
                    }
                }
            }
            for (int i = 0; i < fields; i++) {
                field(NAMES[random.nextInt(NAMES.length)], depth);
            }
            trimComma();
            out.append('}');
        }

        /** A field that the channel can use most of the time: a short string or number. */
        private void idField(String name) {
            out.append('"').append(name).append("\":");
            identifier();
            out.append(',');
        }

        private void identifier() {
            int kind = random.nextInt(10);
            if (kind < 6) {
                string(pick("gh", "owner/repo", "zo\u00eb", "\uD83D\uDE00x", "a\\\"b", "42") + random.nextInt(50));
            } else if (kind < 9) {
                out.append(number());
            } else {
                value(1);
            }
        }

        private void field(String name, int depth) {
            ws();
            string(random.nextInt(10) == 0 ? escaped(name) : name);
            ws();
            out.append(':');
            ws();
            value(depth + 1);
            ws();
            out.append(',');
        }

        private void trimComma() {
            if (out.charAt(out.length() - 1) == ',') {
                out.setLength(out.length() - 1);
            }
        }

        private void value(int depth) {
            int kind = random.nextInt(depth > 4 ? 8 : 11);
            switch (kind) {
                case 0, 1, 2 -> string(text());
                case 3, 4 -> out.append(number());
                case 5 -> out.append(random.nextBoolean() ? "true" : "false");
                case 6 -> out.append("null");
                case 7 -> string("");
                case 8, 9 -> object(depth, false);
                default -> array(depth);
            }
        }

        private void array(int depth) {
            out.append('[');
            int items = random.nextInt(4);
            for (int i = 0; i < items; i++) {
                ws();
                value(depth + 1);
                ws();
                out.append(',');
            }
            trimComma();
            out.append(']');
        }

        /** Writes a JSON string whose content is already escaped as JSON text. */
        private void string(String escapedContent) {
            out.append('"').append(escapedContent).append('"');
        }

        private String escaped(String name) {
            StringBuilder escaped = new StringBuilder();
            for (char c : name.toCharArray()) {
                escaped.append(random.nextBoolean() ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
            return escaped.toString();
        }

        /** JSON string content (escaped as JSON text): ASCII, unicode, escapes, the secret, sometimes long. */
        private String text() {
            StringBuilder text = new StringBuilder();
            int parts = random.nextInt(6);
            for (int i = 0; i < parts; i++) {
                text.append(switch (random.nextInt(16)) {
                    case 0 -> "zo\u00eb";
                    case 1 -> "\u4e2d\u6587";
                    case 2 -> "\uD83D\uDE00";
                    case 3 -> "\\ud83d\\ude00";
                    case 4 -> "\\ud800";
                    case 5 -> pick("\\n", "\\t", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\r", "\\u0000", "\\u001f", "\\u00e9");
                    case 6 -> SECRET;
                    case 7 -> "a".repeat(random.nextInt(40) == 0 ? 9_000 : 40);
                    case 8 -> "owner/repo-" + random.nextInt(1000);
                    case 9 -> " ";
                    case 10 -> "\u2028\u00a0";
                    default -> "v" + random.nextInt(100);
                });
            }
            return text.toString();
        }

        private String number() {
            return switch (random.nextInt(14)) {
                case 0 -> "0";
                case 1 -> "-0";
                case 2 -> Integer.toString(random.nextInt());
                case 3 -> Long.toString(random.nextLong());
                case 4 -> "123456789012345678901234567890";
                case 5 -> "-98765432109876543210";
                case 6 -> Double.toString(random.nextDouble() * 1000);
                case 7 -> pick("1.5", "-0.0", "1e2", "1E+2", "1.0e-5", "0.10", "2.5E-3", "100.000");
                case 8 -> pick("1e400", "-1e400", "5e-400", "1.7976931348623157e308");
                case 9 -> "0." + random.nextInt(1_000_000);
                case 10 -> "-" + random.nextInt(1000) + "." + random.nextInt(1000) + "e" + (random.nextInt(40) - 20);
                case 11 -> "9223372036854775807";
                case 12 -> "9223372036854775808";
                default -> Integer.toString(random.nextInt(100));
            };
        }

        private void ws() {
            if (random.nextInt(6) == 0) {
                out.append(pick(" ", "\n", "\t", "\r\n", "  "));
            }
        }

        private String pick(String... options) {
            return options[random.nextInt(options.length)];
        }

        private int pickInt(int... options) {
            return options[random.nextInt(options.length)];
        }
    }

}
