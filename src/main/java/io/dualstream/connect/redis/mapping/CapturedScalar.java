package io.dualstream.connect.redis.mapping;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.NumberInput;
import com.fasterxml.jackson.databind.node.DoubleNode;

import java.io.IOException;

/**
 * A JSON string or number captured from JSON text, held as its characters (in the owning {@link CapturedJson}'s
 * buffer) so that capturing allocates nothing. It is written exactly as the Jackson node that {@code readTree}
 * built for it: a string as its decoded text; an integer by its digits, which are already canonical in valid
 * JSON except {@code -0} (an IntNode of 0); a fraction or exponent as the double it parses to ({@code 1.50} is
 * {@code 1.5}, {@code 1e2} is {@code 100.0}, {@code 1e400} is {@code "Infinity"}).
 *
 * <p>Numbers are taken from their text, whoever read them: {@link JsonScanner} has nothing else, and Jackson's
 * number accessors were once found to return a stale double (its non-blocking parser, 2.21).
 *
 * <p>One per slot of a {@link CapturedJson}, reused for every record.
 */
final class CapturedScalar {

    private enum Kind { TEXT, INTEGER, DOUBLE }

    private final CapturedJson owner;
    private Kind kind;
    /** Where the characters are in the owner's buffer. */
    private int offset;
    private int length;

    CapturedScalar(CapturedJson owner) {
        this.owner = owner;
    }

    CapturedScalar text(int offset, int length) {
        return set(Kind.TEXT, offset, length);
    }

    CapturedScalar integer(int offset, int length) {
        return set(Kind.INTEGER, offset, length);
    }

    CapturedScalar decimal(int offset, int length) {
        return set(Kind.DOUBLE, offset, length);
    }

    private CapturedScalar set(Kind kind, int offset, int length) {
        this.kind = kind;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** Writes the value as JSON, as {@link JsonValues} writes the equivalent Jackson node. */
    void write(JsonGenerator out) throws IOException {
        switch (kind) {
            case TEXT -> out.writeString(owner.chars(), offset, length);
            case INTEGER -> out.writeNumber(owner.chars(), offset, length);
            case DOUBLE -> out.writeNumber(doubleValue());
            default -> throw new IllegalStateException(kind.name());
        }
    }

    boolean isEmptyText() {
        return kind == Kind.TEXT && length == 0;
    }

    /** Appends the channel text of the value as UTF-8: what {@link ScalarText#of} gives for the equivalent node. */
    void writeText(ByteSink out) {
        if (kind == Kind.DOUBLE) {
            out.writeUtf8(text());
        } else {
            out.writeUtf8(owner.chars(), offset, length);
        }
    }

    /** The channel text of the value; allocates, unlike {@link #writeText}. */
    String text() {
        return switch (kind) {
            case TEXT, INTEGER -> new String(owner.chars(), offset, length);
            // Exactly DoubleNode.asText(), which the tree-based reading gave.
            case DOUBLE -> DoubleNode.valueOf(doubleValue()).asText();
        };
    }

    /** As Jackson's parsers read a JSON fraction into a double (its fast parser is off by default). */
    private double doubleValue() {
        return NumberInput.parseDouble(new String(owner.chars(), offset, length), false);
    }

    @Override
    public String toString() {
        return text();
    }
}
