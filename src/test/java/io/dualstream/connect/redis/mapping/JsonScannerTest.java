package io.dualstream.connect.redis.mapping;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link JsonScanner} takes and what it leaves to Jackson. That what it takes is read as Jackson reads it is
 * {@link CapturingJsonDifferentialTest}'s part; here, that it takes the usual records and leaves everything it
 * must not judge: broken JSON, and valid text past its limits or outside strict UTF-8.
 */
class JsonScannerTest {

    private static final List<FieldPath> REFERENCED = List.of(FieldPath.parse("id"), FieldPath.parse("actor.login"),
            FieldPath.parse("zoë"), FieldPath.parse("meta"));

    private final JsonPaths paths = JsonPaths.of(REFERENCED);
    private final CapturedJson captured = new CapturedJson(paths);
    private final JsonScanner scanner = new JsonScanner(new ObjectMapper(), paths, captured);

    @Test
    void takesValidObjectsAndCapturesTheReferencedFields() {
        assertTakes("{\"id\":\"e-1\",\"actor\":{\"id\":7,\"login\":\"dev\"},\"n\":[1,{\"a\":null}],\"b\":true}");
        assertEquals("e-1", text("id"));
        assertEquals("dev", text("actor.login"));

        assertTakes(" \t\r\n{ \"id\" : -12.5e+3 , \"actor\" : { } } \n");
        assertEquals("-12500.0", text("id"));
        assertSame(Reference.MISSING, captured.valueAt(REFERENCED.get(1)));

        assertTakes("{\"id\":\"\\u00e9\\n\\\"\\/\\ud83d\\ude00\",\"\\u0061ctor\":{\"log\\u0069n\":\"esc\"},\"zoë\":\"中\"}");
        assertEquals("é\n\"/\uD83D\uDE00", text("id"));
        assertEquals("esc", text("actor.login"));
        assertEquals("中", text("zoë"));

        assertTakes("{\"meta\":{\"deep\":[1,2]},\"id\":1,\"id\":\"last\"}");
        assertEquals("last", text("id"));
        assertEquals("{\"deep\":[1,2]}", captured.valueAt(REFERENCED.get(3)).toString());

        assertTakes("{}");
        assertTakes("{\"id\":\"" + "x".repeat(5000) + "\",\"e\":\"\uD83D\uDE00 ok \u2028\"}");
    }

    @Test
    void leavesBrokenJsonToJackson() {
        for (String broken : List.of("", "   ", "[1]", "\"s\"", "5", "{", "{\"id\":1", "{\"id\":1}x", "{\"id\":1}{}",
                "{\"id\":1,}", "{\"id\" 1}", "{id:1}", "{'id':1}", "{\"id\":01}", "{\"id\":1.}", "{\"id\":.5}",
                "{\"id\":+1}", "{\"id\":-}", "{\"id\":1e}", "{\"id\":NaN}", "{\"id\":tru}", "{\"id\":nul}",
                "{\"id\":\"a\tb\"}", "{\"id\":\"\\x\"}", "{\"id\":\"\\u12g4\"}", "{\"id\":1 /* c */}",
                "{\"id\":[1,]}", "{\"id\":[1 2]}", "{\"id\":\"unterminated}")) {
            assertLeaves(broken.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void leavesWhatItDoesNotJudgeToJackson() {
        // Valid JSON for Jackson, past the scanner's limits, or outside strict UTF-8 (Jackson decides those).
        assertLeaves(("{\"id\":" + "9".repeat(JsonScanner.MAX_NUMBER_LENGTH + 1) + "}").getBytes(StandardCharsets.UTF_8));
        String deep = "[".repeat(JsonScanner.MAX_DEPTH) + "]".repeat(JsonScanner.MAX_DEPTH);
        assertLeaves(("{\"x\":" + deep + "}").getBytes(StandardCharsets.UTF_8));
        assertLeaves(("{\"" + "k".repeat(JsonScanner.MAX_NAME_BYTES + 1) + "\":1}").getBytes(StandardCharsets.UTF_8));
        assertLeaves(("{\"x\":\"" + "s".repeat(JsonScanner.MAX_STRING_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8));
        assertLeaves(HexFormat.of().parseHex("efbbbf7b7d")); // a byte-order mark before {}
        assertLeaves(HexFormat.of().parseHex("7b2278223a22c080227d")); // overlong NUL, C0 80
        assertLeaves(HexFormat.of().parseHex("7b2278223a22eda080227d")); // a surrogate, ED A0 80
        assertLeaves(HexFormat.of().parseHex("7b2278223a22f4908080227d")); // past U+10FFFF
        assertLeaves(HexFormat.of().parseHex("7b2278223a22e282227d")); // a sequence cut short
        assertLeaves(HexFormat.of().parseHex("7b2278223a2280227d")); // a continuation byte alone
        assertLeaves("{\"a\":\"b\"}".getBytes(StandardCharsets.UTF_16BE));
        // At the limits themselves, it still takes them.
        assertTakes("{\"id\":" + "9".repeat(JsonScanner.MAX_NUMBER_LENGTH) + "}");
        String limit = "[".repeat(JsonScanner.MAX_DEPTH - 1) + "]".repeat(JsonScanner.MAX_DEPTH - 1);
        assertTakes("{\"x\":" + limit + "}");
    }

    @Test
    void readsTheGivenLengthOfABufferWithAZeroAfterIt() {
        byte[] buffer = "{\"id\":\"a\"}_{\"id\":\"b\"}".getBytes(StandardCharsets.UTF_8);
        buffer[10] = 0;
        assertTrue(scanner.capture(buffer, 10));
        assertEquals("a", text("id"));
        for (int truncated = 0; truncated < 10; truncated++) {
            byte[] copy = buffer.clone();
            copy[truncated] = 0;
            assertFalse(scanner.capture(copy, truncated), "taken when cut to " + truncated);
        }
    }

    @Test
    void leavesTextCutShortAnywhereToJackson() {
        String whole = "{\"id\":\"\\u00e9 zoë\",\"actor\":{\"login\":null,\"n\":[-1.5e3,true,false]},\"x\":\"中\"}";
        byte[] bytes = whole.getBytes(StandardCharsets.UTF_8);
        assertTrue(scanner.capture(bytes, bytes.length));
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length); // the array ends where the text does
            assertLeaves(cut);
        }
    }

    private void assertTakes(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        assertTrue(scanner.capture(bytes, bytes.length), () -> "not taken: " + json);
    }

    private void assertLeaves(byte[] bytes) {
        assertFalse(scanner.capture(bytes, bytes.length),
                () -> "taken: " + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 60)));
    }

    private String text(String path) {
        return ScalarText.of(captured.valueAt(REFERENCED.stream().filter(p -> p.toString().equals(path)).findFirst()
                .orElseThrow()));
    }
}
