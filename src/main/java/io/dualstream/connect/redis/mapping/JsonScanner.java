package io.dualstream.connect.redis.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads one record's JSON text, as UTF-8 bytes, and captures the fields that the mapper references
 * ({@link JsonPaths}) in one pass over the bytes, materialising nothing else.
 *
 * <p>It takes only text that is certainly one JSON object that Jackson reads: RFC 8259 JSON in well-formed UTF-8,
 * within limits far below Jackson's ({@link #MAX_DEPTH} and the others). For that text it captures what Jackson's
 * tree would hold: a repeated key is won by its last occurrence, escapes decode to the same characters, numbers are
 * captured by their text. Anything else, broken or merely unusual (an overlong UTF-8 sequence, a number of 200
 * digits, a byte-order mark), it does not judge: {@link #capture} returns false and Jackson reads the record, so
 * that every rejection, and its message, stays Jackson's.
 *
 * <p>Not thread-safe: one per reader.
 */
final class JsonScanner {

    /** Deeper nesting is left to Jackson (whose limit is 1000 levels). */
    static final int MAX_DEPTH = 128;
    /** Longer numbers are left to Jackson (whose limit is 1000 characters). */
    static final int MAX_NUMBER_LENGTH = 128;
    /** Longer names are left to Jackson (whose limit is 50,000 characters; a character takes at least a byte). */
    static final int MAX_NAME_BYTES = 1024;
    /** Longer strings are left to Jackson (whose limit is 20,000,000 characters). */
    static final int MAX_STRING_BYTES = 1 << 20;

    /** Thrown, without a stack trace, to stop at the first thing the scanner does not take. */
    private static final class NotTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotTaken() {
            super("left to Jackson", null, false, false);
        }
    }

    private static final NotTaken NOT_TAKEN_HERE = new NotTaken();

    /** Eight bytes at a time, as a long whose lowest byte is the first. */
    private static final VarHandle EIGHT_BYTES = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long QUOTES = ONES * '"';
    private static final long BACKSLASHES = ONES * '\\';
    private static final long SPACES = ONES * ' ';

    private final ObjectMapper json;
    private final JsonPaths paths;
    private final CapturedJson captured;
    /** Decoded escaped field names, to look them up by their characters. */
    private char[] name = new char[64];
    private byte[] in;
    private int end;
    /** Whether the string just scanned had an escape. */
    private boolean escaped;

    /** @param json builds the Jackson nodes of objects and arrays that a field references whole */
    JsonScanner(ObjectMapper json, JsonPaths paths, CapturedJson captured) {
        this.json = json;
        this.paths = paths;
        this.captured = captured;
    }

    /**
     * Captures the referenced fields of {@code length} bytes of JSON text. Unless {@code length} is the length of
     * the array, the byte after the text must be zero: the scanner reads up to one byte past the end where text
     * is truncated, and that byte must reject it (as the end of the array does).
     *
     * @return true when the bytes are one JSON object (whitespace around it aside) and {@link CapturedJson} holds its
     *         referenced fields; false when they are to be read by Jackson instead (what was captured is then void)
     */
    boolean capture(byte[] bytes, int length) {
        in = bytes;
        end = length;
        try {
            int i = whitespace(0);
            if (at(i) != '{') {
                return false;
            }
            captured.clear();
            return whitespace(object(i + 1, paths.root(), 1)) == length;
        } catch (NotTaken | ArrayIndexOutOfBoundsException notTaken) {
            return false;
        } finally {
            in = null;
        }
    }

    /**
     * From just after an object's '{' to just after its '}'.
     *
     * @param node the referenced paths at this object, or null when nothing in it is referenced
     */
    private int object(int i, JsonPaths.Node node, int depth) {
        if (depth > MAX_DEPTH) {
            throw NOT_TAKEN_HERE;
        }
        int c = at(i = whitespace(i));
        if (c == '}') {
            return i + 1;
        }
        while (true) {
            if (c != '"') {
                throw NOT_TAKEN_HERE;
            }
            int nameStart = i + 1;
            i = string(nameStart);
            int nameEnd = i - 1;
            if (nameEnd - nameStart > MAX_NAME_BYTES) {
                throw NOT_TAKEN_HERE;
            }
            if (at(i = whitespace(i)) != ':') {
                throw NOT_TAKEN_HERE;
            }
            i++;
            JsonPaths.Node child = node == null ? null
                    : escaped ? node.child(decodedName(nameStart, nameEnd))
                    : node.child(in, nameStart, nameEnd);
            if (child == null) {
                i = value(i, depth);
            } else {
                captured.clear(child);
                i = capture(i, child, depth);
            }
            c = at(i = whitespace(i));
            if (c == '}') {
                return i + 1;
            }
            if (c != ',') {
                throw NOT_TAKEN_HERE;
            }
            c = at(i = whitespace(i + 1));
        }
    }

    /**
     * The value of a field on a referenced path, at {@code i} or after whitespace there: captured when the path ends
     * here, else searched for the rest.
     */
    private int capture(int i, JsonPaths.Node node, int depth) {
        int c = at(i = whitespace(i));
        if (!node.referenced()) {
            // Only fields below this one are referenced: they can be in an object, not in anything else.
            return c == '{' ? object(i + 1, node, depth + 1) : value(i, depth);
        }
        int slot = node.slot();
        switch (c) {
            case '"' -> {
                int close = string(i + 1) - 1;
                captured.putText(slot, in, i + 1, close);
                return close + 1;
            }
            case '{', '[' -> {
                int after = value(i, depth);
                captured.putTree(node, tree(i, after));
                return after;
            }
            case 't' -> {
                captured.put(slot, Boolean.TRUE);
                return literal(i, "true");
            }
            case 'f' -> {
                captured.put(slot, Boolean.FALSE);
                return literal(i, "false");
            }
            case 'n' -> {
                captured.put(slot, null);
                return literal(i, "null");
            }
            default -> {
                int after = number(i);
                if (isInteger(i, after)) {
                    captured.putInteger(slot, in, i, after);
                } else {
                    captured.putDouble(slot, in, i, after);
                }
                return after;
            }
        }
    }

    /**
     * Skips the value that starts at {@code i}, or after whitespace there, inside a container at {@code depth};
     * returns where it ends.
     */
    private int value(int i, int depth) {
        int c = at(i = whitespace(i));
        if (c == '"') {
            return string(i + 1);
        }
        if (c == '{') {
            return object(i + 1, null, depth + 1);
        }
        if (c == '[') {
            return array(i + 1, depth + 1);
        }
        if (c == 't') {
            return literal(i, "true");
        }
        if (c == 'f') {
            return literal(i, "false");
        }
        if (c == 'n') {
            return literal(i, "null");
        }
        return number(i);
    }

    /** From just after an array's '[' to just after its ']'. */
    private int array(int i, int depth) {
        if (depth > MAX_DEPTH) {
            throw NOT_TAKEN_HERE;
        }
        int c = at(i = whitespace(i));
        if (c == ']') {
            return i + 1;
        }
        while (true) {
            i = value(i, depth);
            c = at(i = whitespace(i));
            if (c == ']') {
                return i + 1;
            }
            if (c != ',') {
                throw NOT_TAKEN_HERE;
            }
            i++;
        }
    }

    /**
     * From just after a string's opening quote to just after its closing one, checking its escapes and its UTF-8;
     * sets {@link #escaped}.
     */
    private int string(int i) {
        byte[] b = in;
        int limit = end - i > MAX_STRING_BYTES ? i + MAX_STRING_BYTES : end;
        boolean sawEscape = false;
        while (true) {
            // Plain ASCII sixteen bytes at a time, up to the first byte that is not: most names and ids end in the
            // first round, whatever their length, which keeps the loop's exit predictable.
            while (i + 16 <= limit) {
                long first = notPlain((long) EIGHT_BYTES.get(b, i));
                long second = notPlain((long) EIGHT_BYTES.get(b, i + 8));
                if ((first | second) != 0) {
                    i += first != 0 ? Long.numberOfTrailingZeros(first) >>> 3
                            : 8 + (Long.numberOfTrailingZeros(second) >>> 3);
                    break;
                }
                i += 16;
            }
            if (i + 16 > limit && i + 8 <= limit) {
                long notPlain = notPlain((long) EIGHT_BYTES.get(b, i));
                i += notPlain != 0 ? Long.numberOfTrailingZeros(notPlain) >>> 3 : 8;
            }
            if (i >= limit) {
                throw NOT_TAKEN_HERE;
            }
            int c = b[i];
            if (c == '"') {
                escaped = sawEscape;
                return i + 1;
            }
            if (c >= 0x20 && c != '\\') {
                i++; // plain, in the last bytes of the input
            } else if (c == '\\') {
                sawEscape = true;
                i = escape(i + 1);
            } else if (c < 0) {
                i = multiByte(i, c & 0xFF);
            } else {
                throw NOT_TAKEN_HERE; // a control character, which JSON escapes
            }
        }
    }

    /**
     * The high bit of every byte of {@code w} that is a quote, a backslash, below 0x20 or above 0x7F, and perhaps of
     * bytes after the first such one (a borrow carries upwards, and only from such a byte): the lowest bit set is
     * always the first such byte. For an ASCII byte, {@code (b ^ '"') - 1} and {@code b - 0x20} go below zero,
     * setting the high bit, exactly for a quote and for a control character; a byte above 0x7F has it already.
     */
    private static long notPlain(long w) {
        return ((w ^ QUOTES) - ONES | (w ^ BACKSLASHES) - ONES | w - SPACES | w) & HIGH_BITS;
    }

    /** From the lead byte of a UTF-8 sequence to just after it: no overlong form, no surrogate, nothing past U+10FFFF. */
    private int multiByte(int i, int lead) {
        if (lead >= 0xC2 && lead <= 0xDF) {
            continuation(i + 1);
            return i + 2;
        }
        if (lead >= 0xE0 && lead <= 0xEF) {
            int second = continuation(i + 1);
            if (lead == 0xE0 && second < 0xA0 || lead == 0xED && second > 0x9F) {
                throw NOT_TAKEN_HERE;
            }
            continuation(i + 2);
            return i + 3;
        }
        if (lead >= 0xF0 && lead <= 0xF4) {
            int second = continuation(i + 1);
            if (lead == 0xF0 && second < 0x90 || lead == 0xF4 && second > 0x8F) {
                throw NOT_TAKEN_HERE;
            }
            continuation(i + 2);
            continuation(i + 3);
            return i + 4;
        }
        throw NOT_TAKEN_HERE; // a continuation byte out of place, C0 or C1 (only ever overlong), or past F4
    }

    /** The byte at {@code i}, which must be a UTF-8 continuation byte. */
    private int continuation(int i) {
        int c = at(i) & 0xFF;
        if ((c & 0xC0) != 0x80) {
            throw NOT_TAKEN_HERE;
        }
        return c;
    }

    /** From just after a backslash to just after the escape. */
    private int escape(int i) {
        switch (at(i)) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                return i + 1;
            }
            case 'u' -> {
                for (int k = 1; k <= 4; k++) {
                    hex(at(i + k));
                }
                return i + 5;
            }
            default -> throw NOT_TAKEN_HERE;
        }
    }

    /** From a number's first byte to just after it: JSON's grammar, and no longer than {@link #MAX_NUMBER_LENGTH}. */
    private int number(int start) {
        byte[] b = in;
        int i = start;
        if (at(i) == '-') {
            i++;
        }
        int first = at(i);
        if (first == '0') {
            i++;
        } else if (first >= '1' && first <= '9') {
            i = digits(i + 1);
        } else {
            throw NOT_TAKEN_HERE;
        }
        if (i < end && b[i] == '.') {
            i = oneOrMoreDigits(i + 1);
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < end && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            i = oneOrMoreDigits(i);
        }
        if (i - start > MAX_NUMBER_LENGTH) {
            throw NOT_TAKEN_HERE;
        }
        return i;
    }

    private int oneOrMoreDigits(int i) {
        int c = at(i);
        if (c < '0' || c > '9') {
            throw NOT_TAKEN_HERE;
        }
        return digits(i + 1);
    }

    private int digits(int i) {
        byte[] b = in;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i;
    }

    /** Whether the number (valid) has neither a fraction nor an exponent. */
    private boolean isInteger(int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = in[i];
            if (c == '.' || c == 'e' || c == 'E') {
                return false;
            }
        }
        return true;
    }

    private int literal(int i, String word) {
        int length = word.length();
        for (int k = 0; k < length; k++) {
            if (at(i + k) != word.charAt(k)) {
                throw NOT_TAKEN_HERE;
            }
        }
        return i + length;
    }

    /** Skips JSON's four whitespace characters. */
    private int whitespace(int i) {
        byte[] b = in;
        while (i < end) {
            byte c = b[i];
            // Everything above the space is not whitespace: one test for the usual case.
            if (c > ' ' || c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                break;
            }
            i++;
        }
        return i;
    }

    /**
     * The byte at {@code i}, at most one past the end: there a zero byte (see {@link #capture}) or the end of the
     * array, which every caller rejects. No test against the end here, which saves a seventh of the time.
     */
    private int at(int i) {
        return in[i];
    }

    /** An object or array that a field references whole, built by Jackson from its (already checked) bytes. */
    private JsonNode tree(int from, int to) {
        try {
            return json.readTree(in, from, to - from);
        } catch (IOException e) {
            throw NOT_TAKEN_HERE;
        }
    }

    /** The characters of a name with escapes (rare), to look it up by them. */
    private String decodedName(int from, int to) {
        if (name.length < to - from) {
            name = new char[to - from];
        }
        return new String(name, 0, decode(in, from, to, name, 0));
    }

    /**
     * Decodes the content of a checked JSON string (its UTF-8 and its escapes) into {@code out} at {@code at};
     * returns how many characters it wrote, never more than {@code to - from}.
     */
    static int decode(byte[] b, int from, int to, char[] out, int at) {
        int o = at;
        int i = from;
        while (i < to) {
            int c = b[i];
            if (c >= 0 && c != '\\') {
                out[o++] = (char) c;
                i++;
            } else if (c == '\\') {
                int e = b[i + 1];
                if (e == 'u') {
                    out[o++] = (char) (hex(b[i + 2]) << 12 | hex(b[i + 3]) << 8 | hex(b[i + 4]) << 4 | hex(b[i + 5]));
                    i += 6;
                } else {
                    out[o++] = switch (e) {
                        case 'b' -> '\b';
                        case 'f' -> '\f';
                        case 'n' -> '\n';
                        case 'r' -> '\r';
                        case 't' -> '\t';
                        default -> (char) e; // " \ /
                    };
                    i += 2;
                }
            } else if ((c & 0xE0) == 0xC0) {
                out[o++] = (char) ((c & 0x1F) << 6 | b[i + 1] & 0x3F);
                i += 2;
            } else if ((c & 0xF0) == 0xE0) {
                out[o++] = (char) ((c & 0x0F) << 12 | (b[i + 1] & 0x3F) << 6 | b[i + 2] & 0x3F);
                i += 3;
            } else {
                int code = (c & 0x07) << 18 | (b[i + 1] & 0x3F) << 12 | (b[i + 2] & 0x3F) << 6 | b[i + 3] & 0x3F;
                out[o++] = Character.highSurrogate(code);
                out[o++] = Character.lowSurrogate(code);
                i += 4;
            }
        }
        return o - at;
    }

    private static int hex(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        throw NOT_TAKEN_HERE;
    }
}
