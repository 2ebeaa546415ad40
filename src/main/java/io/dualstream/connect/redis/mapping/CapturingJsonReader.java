package io.dualstream.connect.redis.mapping;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Locale;

/**
 * Reads JSON text in one pass and captures only the fields that the mapper references ({@link JsonPaths}): their
 * scalars, and the objects or arrays that a field references whole. Everything else is skipped as it is read,
 * without building a tree or a Map.
 *
 * <p>Every record gets exactly the outcome that Jackson's {@code readTree} (with trailing tokens rejected) gave:
 * the same values, a repeated key won by its last occurrence, and the same rejections (not an object, truncated,
 * trailing content, invalid UTF-8, nesting past Jackson's limit), with the same message.
 *
 * <p>Two readers share the work:
 * <ul>
 *   <li>{@link JsonScanner} reads the bytes itself, for every record that is plainly one valid JSON object (almost
 *       all of them); {@code String} values are encoded to UTF-8 into a reused buffer for it;</li>
 *   <li>every other record (whatever is wrong with it, and the rare valid text the scanner leaves alone) is read by
 *       a Jackson parser of the kind {@code readTree} used, running the same capture, so that the outcome and the
 *       error location are Jackson's.</li>
 * </ul>
 *
 * <p>Not thread-safe: one per task (and per value or key).
 */
final class CapturingJsonReader implements JsonTextReader {

    private final ObjectMapper json;
    private final JsonPaths paths;
    private final CapturedJson captured;
    private final JsonScanner scanner;
    /** A {@code String} value as UTF-8, for the scanner. */
    private final Utf8Buffer utf8 = new Utf8Buffer();
    /** Records read by Jackson rather than by the scanner (for the tests). */
    private long jacksonReads;

    /** @param json parses, and builds the Jackson nodes of subtrees referenced whole (it must not reject trailing tokens) */
    CapturingJsonReader(ObjectMapper json, JsonPaths paths) {
        this.json = json;
        this.paths = paths;
        this.captured = new CapturedJson(paths);
        this.scanner = new JsonScanner(json, paths, captured);
    }

    @Override
    public Object readObject(String text) {
        // An unpaired surrogate has no UTF-8 form: Jackson reads that text as characters.
        if (utf8.encode(text) && scanner.capture(utf8.array(), utf8.size())) {
            return captured;
        }
        jacksonReads++;
        try {
            return readAlone(json.getFactory().createParser(text));
        } catch (IOException e) {
            throw notJson(e);
        }
    }

    @Override
    public Object readObject(byte[] bytes) {
        if (scanner.capture(bytes, bytes.length)) {
            return captured;
        }
        jacksonReads++;
        try {
            return readAlone(json.getFactory().createParser(bytes));
        } catch (IOException e) {
            throw notJson(e);
        }
    }

    long jacksonReads() {
        return jacksonReads;
    }

    /** One record with a parser of its own: the outcome and messages of Jackson's {@code readTree}. */
    private Object readAlone(JsonParser parser) {
        try (parser) {
            captured.clear();
            JsonToken first = parser.nextToken();
            if (first == JsonToken.START_OBJECT) {
                captureObject(parser, paths.root());
                rejectTrailingTokens(parser);
                return captured;
            }
            if (first == null) {
                throw notAnObject("empty");
            }
            // Not an object: read it to the end as readTree did, so that broken JSON is reported as such.
            skip(parser, first);
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

    /** Captures the referenced fields of the object whose START_OBJECT is the current token, up to its END_OBJECT. */
    private void captureObject(JsonParser parser, JsonPaths.Node node) throws IOException {
        JsonToken token;
        while ((token = next(parser)) == JsonToken.FIELD_NAME) {
            JsonPaths.Node child = node.child(parser.currentName());
            JsonToken value = next(parser);
            if (child == null) {
                skip(parser, value);
            } else {
                captured.clear(child);
                captureValue(parser, child, value);
            }
        }
        if (token != JsonToken.END_OBJECT) {
            // A blocking parser reports whatever else it finds itself; this only guards the contract.
            throw new Incomplete();
        }
    }

    private void captureValue(JsonParser parser, JsonPaths.Node node, JsonToken value) throws IOException {
        if (value == JsonToken.START_OBJECT && !node.referenced()) {
            captureObject(parser, node);
            return;
        }
        if (!node.referenced()) {
            // Only fields below this one are referenced, and this value has no fields.
            skip(parser, value);
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

    /** An object or array that a field references whole. */
    private void captureWhole(JsonParser parser, JsonPaths.Node node) throws IOException {
        JsonNode tree = json.readTree(parser);
        if (tree == null) {
            throw new Incomplete();
        }
        captured.putTree(node, tree);
    }

    /**
     * Skips the value whose first token is current, decoding every string as a tree would (skipChildren only
     * checks them, which misses a string over Jackson's length limit).
     */
    private static void skip(JsonParser parser, JsonToken first) throws IOException {
        if (first == JsonToken.VALUE_STRING) {
            parser.getTextLength();
            return;
        }
        if (first == null) {
            throw new Incomplete();
        }
        if (!first.isStructStart()) {
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
