package io.dualstream.connect.redis.mapping;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;

/**
 * Reads JSON text in one pass of Jackson's streaming parser and captures only the fields that the mapper
 * references ({@link JsonPaths}): their scalars, and the objects or arrays that a field references whole. Everything
 * else is skipped as it is parsed, without building a tree or a Map.
 *
 * <p>Every record gets exactly the outcome that Jackson's {@code readTree} (with trailing tokens rejected) gave:
 * the same values, a repeated key won by its last occurrence, and the same rejections (not an object, truncated,
 * trailing content, invalid UTF-8, nesting past Jackson's limit), with the same message.
 *
 * <p>Two parsers do the reading:
 * <ul>
 *   <li>one non-blocking UTF-8 parser, kept for the task and fed record after record (a blocking parser cannot be
 *       reused, and creating one costs more than the rest of the mapping allocates); {@code String} values are
 *       encoded into a reused buffer for it;</li>
 *   <li>for a record that the fed parser cannot read as one clean object (whatever is wrong with it), and for the
 *       few inputs it does not take (a byte-order mark, a string with an unpaired surrogate), a fresh blocking parser
 *       of the kind {@code readTree} used, running the same capture, so that the outcome and the error location
 *       are exactly those of before. A rejected record also retires the fed parser, whose state is then unknown.</li>
 * </ul>
 *
 * <p>Not thread-safe: one per task (and per value or key).
 */
final class StreamingJsonReader implements JsonTextReader {

    /**
     * The fed parser is replaced after this many records: its symbol table keeps every field name it has seen,
     * which must not grow without bound when records carry ever new names (ids as keys). Replacing it costs about
     * what one record's tree used to.
     */
    private static final int RECORDS_PER_PARSER = 10_000;

    private final ObjectMapper json;
    private final JsonPaths paths;
    private final CapturedJson captured;
    /** A {@code String} value as characters, then as UTF-8 for the fed parser. */
    private char[] chars = new char[512];
    private final ByteSink utf8 = new ByteSink(512);
    private WholeRecordParser fed;
    private int fedRecords;

    /** @param json parses, and builds the Jackson nodes of subtrees referenced whole (it must not reject trailing tokens) */
    StreamingJsonReader(ObjectMapper json, JsonPaths paths) {
        this.json = json;
        this.paths = paths;
        this.captured = new CapturedJson(paths);
    }

    @Override
    public Object readObject(String text) {
        int length = text.length();
        if (chars.length < length) {
            chars = new char[Math.max(length, 2 * chars.length)];
        }
        // getChars is one bulk copy; encoding from the array is much faster than String.charAt per character.
        text.getChars(0, length, chars, 0);
        utf8.reset();
        boolean feedable = length > 0 && chars[0] != '\uFEFF' && utf8.writeUtf8Exactly(chars, length);
        if (feedable && readFed(utf8.array(), utf8.size())) {
            return captured;
        }
        try {
            return readAlone(json.getFactory().createParser(text));
        } catch (IOException e) {
            throw notJson(e);
        }
    }

    @Override
    public Object readObject(byte[] bytes) {
        // A byte-order mark (or another encoding) is for the blocking parser's encoding detection.
        boolean feedable = bytes.length > 0 && bytes[0] != (byte) 0xEF;
        if (feedable && readFed(bytes, bytes.length)) {
            return captured;
        }
        try {
            return readAlone(json.getFactory().createParser(bytes));
        } catch (IOException e) {
            throw notJson(e);
        }
    }

    /** Reads the whole record with the fed parser; false when that is not one clean JSON object. */
    private boolean readFed(byte[] bytes, int length) {
        try {
            WholeRecordParser parser = fedParser();
            parser.feed(bytes, length);
            captured.clear();
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                captureObject(parser, paths.root(), false);
                if (parser.endsCleanly(bytes, length)) {
                    return true;
                }
            }
        } catch (IOException e) {
            // Whatever it is, the parser of its own says it as before.
        }
        retireFedParser();
        return false;
    }

    private WholeRecordParser fedParser() throws IOException {
        if (fed != null && fedRecords >= RECORDS_PER_PARSER) {
            retireFedParser();
        }
        if (fed == null) {
            fed = new WholeRecordParser(json.getFactory().createNonBlockingByteArrayParser());
            fedRecords = 0;
        }
        fedRecords++;
        return fed;
    }

    private void retireFedParser() {
        WholeRecordParser retired = fed;
        fed = null;
        if (retired != null) {
            try {
                retired.close();
            } catch (IOException ignored) {
                // Closing only hands buffers back.
            }
        }
    }

    /** One record with a parser of its own: the outcome and messages of Jackson's {@code readTree}. */
    private Object readAlone(JsonParser parser) {
        try (parser) {
            captured.clear();
            JsonToken first = parser.nextToken();
            if (first == JsonToken.START_OBJECT) {
                captureObject(parser, paths.root(), true);
                rejectTrailingTokens(parser);
                return captured;
            }
            if (first == null) {
                throw notAnObject("empty");
            }
            // Not an object: read it to the end as readTree did, so that broken JSON is reported as such.
            skip(parser, first, true);
            rejectTrailingTokens(parser);
            throw notAnObject(kindOf(first));
        } catch (IOException e) {
            throw notJson(e);
        }
    }

    private static void rejectTrailingTokens(JsonParser parser) throws IOException {
        if (parser.nextToken() != null) {
            throw new TrailingTokens(parser.currentTokenLocation());
        }
    }

    /**
     * Captures the referenced fields of the object whose START_OBJECT is the current token, up to its END_OBJECT.
     *
     * @param decodeAll decode every skipped string, as a tree would (the fed parser always does; a blocking one
     *                  only checks them when skipping, which misses a string over Jackson's length limit)
     */
    private void captureObject(JsonParser parser, JsonPaths.Node node, boolean decodeAll) throws IOException {
        JsonToken token;
        while ((token = next(parser)) == JsonToken.FIELD_NAME) {
            JsonPaths.Node child = node.child(parser.currentName());
            JsonToken value = next(parser);
            if (child == null) {
                skip(parser, value, decodeAll);
            } else {
                captured.clear(child);
                captureValue(parser, child, value, decodeAll);
            }
        }
        if (token != JsonToken.END_OBJECT) {
            // A blocking parser reports whatever else it finds itself; this only guards the contract.
            throw new Incomplete();
        }
    }

    private void captureValue(JsonParser parser, JsonPaths.Node node, JsonToken value, boolean decodeAll)
            throws IOException {
        if (value == JsonToken.START_OBJECT && !node.referenced()) {
            captureObject(parser, node, decodeAll);
            return;
        }
        if (!node.referenced()) {
            // Only fields below this one are referenced, and this value has no fields.
            skip(parser, value, decodeAll);
            return;
        }
        int slot = node.slot();
        switch (value) {
            case VALUE_STRING -> captured.putText(slot, parser.getTextCharacters(), parser.getTextOffset(),
                    parser.getTextLength());
            case VALUE_NUMBER_INT -> captured.putInteger(slot, parser.getTextCharacters(), parser.getTextOffset(),
                    parser.getTextLength());
            case VALUE_NUMBER_FLOAT -> captured.putDouble(slot, parser.getTextCharacters(), parser.getTextOffset(),
                    parser.getTextLength());
            case VALUE_TRUE -> captured.put(slot, Boolean.TRUE);
            case VALUE_FALSE -> captured.put(slot, Boolean.FALSE);
            case VALUE_NULL -> captured.put(slot, null);
            case START_OBJECT, START_ARRAY -> captureWhole(parser, node);
            default -> throw new Incomplete();
        }
    }

    /** An object or array that a field references whole: the one case that builds a (small) Jackson tree. */
    private void captureWhole(JsonParser parser, JsonPaths.Node node) throws IOException {
        JsonNode tree = json.readTree(parser);
        if (tree == null) {
            throw new Incomplete();
        }
        captured.put(node.slot(), tree);
        FieldPath[] below = node.below();
        int[] slots = node.belowSlots();
        for (int i = 0; i < below.length; i++) {
            captured.put(slots[i], below[i].lookup(tree));
        }
    }

    /** Skips the value whose first token is current. */
    private static void skip(JsonParser parser, JsonToken first, boolean decodeAll) throws IOException {
        if (first == JsonToken.VALUE_STRING) {
            if (decodeAll) {
                parser.getTextLength();
            }
            return;
        }
        if (first == null) {
            throw new Incomplete();
        }
        if (!first.isStructStart()) {
            return;
        }
        if (!decodeAll) {
            parser.skipChildren();
            return;
        }
        int depth = 1;
        while (depth > 0) {
            JsonToken token = next(parser);
            if (token.isStructStart()) {
                depth++;
            } else if (token.isStructEnd()) {
                depth--;
            } else if (token == JsonToken.VALUE_STRING) {
                parser.getTextLength();
            }
        }
    }

    /** The next token inside the object (a blocking parser reports the end of input there itself). */
    private static JsonToken next(JsonParser parser) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            throw new Incomplete();
        }
        return token;
    }

    private static String kindOf(JsonToken first) {
        return switch (first) {
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> first.name().toLowerCase(Locale.ROOT);
        };
    }

    private static MalformedRecordException notAnObject(String kind) {
        return new MalformedRecordException("value is JSON " + kind + ", not a JSON object");
    }

    private static MalformedRecordException notJson(IOException e) {
        JsonLocation at = e instanceof JsonProcessingException processing ? processing.getLocation()
                : e instanceof TrailingTokens trailing ? trailing.location : null;
        if (e instanceof JsonProcessingException || e instanceof TrailingTokens) {
            // The location only: Jackson's own message can quote the payload.
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            return new MalformedRecordException("value is not valid JSON" + where);
        }
        return new MalformedRecordException("value is not valid JSON (" + e.getClass().getSimpleName() + ")");
    }

    /**
     * The non-blocking parser, fed one whole record at a time, for code written against a blocking parser (the
     * capture, and Jackson's tree for a subtree referenced whole): it runs out of input only when the record is
     * truncated, so that is an error here instead of {@code NOT_AVAILABLE}, which readTree would not expect.
     */
    private static final class WholeRecordParser extends JsonParserDelegate {
        private static final OutputStream NOWHERE = OutputStream.nullOutputStream();
        private final ByteArrayFeeder feeder;

        WholeRecordParser(JsonParser nonBlocking) {
            super(nonBlocking);
            this.feeder = (ByteArrayFeeder) nonBlocking.getNonBlockingInputFeeder();
        }

        void feed(byte[] bytes, int length) throws IOException {
            feeder.feedInput(bytes, 0, length);
        }

        /** After the root object: whether only whitespace follows in the record, now taken, so the next starts clean. */
        boolean endsCleanly(byte[] bytes, int length) throws IOException {
            int rest = delegate.releaseBuffered(NOWHERE); // counts what is left, does not take it
            for (int i = length - rest; i < length; i++) {
                byte b = bytes[i];
                if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                    return false;
                }
            }
            return delegate.nextToken() == JsonToken.NOT_AVAILABLE;
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken token = delegate.nextToken();
            if (token == JsonToken.NOT_AVAILABLE) {
                throw new Incomplete();
            }
            return token;
        }

        // The rest of the next* family in terms of nextToken(), not of the delegate's own.

        @Override
        public JsonToken nextValue() throws IOException {
            JsonToken token = nextToken();
            return token == JsonToken.FIELD_NAME ? nextToken() : token;
        }

        @Override
        public String nextFieldName() throws IOException {
            return nextToken() == JsonToken.FIELD_NAME ? currentName() : null;
        }

        @Override
        public boolean nextFieldName(SerializableString name) throws IOException {
            return nextToken() == JsonToken.FIELD_NAME && name.getValue().equals(currentName());
        }

        @Override
        public String nextTextValue() throws IOException {
            return nextToken() == JsonToken.VALUE_STRING ? getText() : null;
        }

        @Override
        public int nextIntValue(int defaultValue) throws IOException {
            return nextToken() == JsonToken.VALUE_NUMBER_INT ? getIntValue() : defaultValue;
        }

        @Override
        public long nextLongValue(long defaultValue) throws IOException {
            return nextToken() == JsonToken.VALUE_NUMBER_INT ? getLongValue() : defaultValue;
        }

        @Override
        public Boolean nextBooleanValue() throws IOException {
            JsonToken token = nextToken();
            return token == JsonToken.VALUE_TRUE ? Boolean.TRUE : token == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
        }
    }

    /** Content after the object, where readTree rejected trailing tokens. */
    private static final class TrailingTokens extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient JsonLocation location;

        TrailingTokens(JsonLocation location) {
            super("trailing tokens", null);
            this.location = location;
        }
    }

    /** The record ended inside the object: it is truncated (the blocking parser says where). */
    private static final class Incomplete extends IOException {
        private static final long serialVersionUID = 1L;

        Incomplete() {
            super("incomplete JSON", null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
