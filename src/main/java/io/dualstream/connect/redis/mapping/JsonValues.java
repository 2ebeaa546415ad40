package io.dualstream.connect.redis.mapping;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Date;
import java.util.Map;

/**
 * Writes a referenced value as JSON: numbers and booleans stay numbers and booleans, bytes become base64
 * (as JsonConverter writes them), dates become epoch milliseconds, Structs and Maps become objects.
 */
final class JsonValues {

    private JsonValues() {
    }

    static void write(JsonGenerator out, Object value) throws IOException {
        if (value instanceof CapturedScalar scalar) {
            scalar.write(out);
        } else if (value == null) {
            out.writeNull();
        } else if (value instanceof String s) {
            out.writeString(s);
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            out.writeNumber(((Number) value).intValue());
        } else if (value instanceof Long l) {
            out.writeNumber(l);
        } else if (value instanceof Double d) {
            out.writeNumber(d);
        } else if (value instanceof Float f) {
            out.writeNumber(f);
        } else if (value instanceof BigDecimal d) {
            out.writeNumber(d);
        } else if (value instanceof BigInteger i) {
            out.writeNumber(i);
        } else if (value instanceof Boolean b) {
            out.writeBoolean(b);
        } else if (value instanceof JsonNode node) {
            writeNode(out, node);
        } else if (value instanceof byte[] bytes) {
            out.writeBinary(bytes);
        } else if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            out.writeBinary(bytes);
        } else if (value instanceof Date date) {
            out.writeNumber(date.getTime());
        } else if (value instanceof Struct struct) {
            out.writeStartObject();
            for (Field field : struct.schema().fields()) {
                out.writeFieldName(field.name());
                write(out, struct.get(field));
            }
            out.writeEndObject();
        } else if (value instanceof Map<?, ?> map) {
            out.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.writeFieldName(String.valueOf(entry.getKey()));
                write(out, entry.getValue());
            }
            out.writeEndObject();
        } else if (value instanceof Collection<?> list) {
            out.writeStartArray();
            for (Object item : list) {
                write(out, item);
            }
            out.writeEndArray();
        } else {
            out.writeString(value.toString());
        }
    }

    /**
     * Scalars are written directly: {@code writeTree} goes through the ObjectMapper's serializer lookup, which
     * was the costliest step for JSON text values. Objects and arrays (rarely referenced) still use it.
     */
    private static void writeNode(JsonGenerator out, JsonNode node) throws IOException {
        if (node.isTextual()) {
            out.writeString(node.textValue());
        } else if (node.isInt() || node.isShort()) {
            out.writeNumber(node.intValue());
        } else if (node.isLong()) {
            out.writeNumber(node.longValue());
        } else if (node.isDouble()) {
            out.writeNumber(node.doubleValue());
        } else if (node.isFloat()) {
            out.writeNumber(node.floatValue());
        } else if (node.isBigInteger()) {
            out.writeNumber(node.bigIntegerValue());
        } else if (node.isBigDecimal()) {
            out.writeNumber(node.decimalValue());
        } else if (node.isBoolean()) {
            out.writeBoolean(node.booleanValue());
        } else if (node.isNull()) {
            out.writeNull();
        } else {
            out.writeTree(node);
        }
    }
}
