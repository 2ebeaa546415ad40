package io.dualstream.connect.redis.mapping;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Locale;

/** Turns a referenced scalar into channel text; objects, arrays and nulls have no text. */
final class ScalarText {

    private ScalarText() {
    }

    /** The text of a scalar, or {@code null} when the value is not a scalar. */
    static String of(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof CapturedScalar scalar) {
            return scalar.text();
        }
        if (value instanceof JsonNode node) {
            return node.isValueNode() && !node.isNull() && !node.isBinary() ? node.asText() : null;
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof Character) {
            return value.toString();
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof ByteBuffer buffer) {
            return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
        }
        if (value instanceof Date date) {
            return Long.toString(date.getTime());
        }
        return null;
    }

    /** A short, payload-free description of a value's kind, for error messages. */
    static String kindOf(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof JsonNode node) {
            return "JSON " + node.getNodeType().name().toLowerCase(Locale.ROOT);
        }
        return value.getClass().getSimpleName();
    }
}
