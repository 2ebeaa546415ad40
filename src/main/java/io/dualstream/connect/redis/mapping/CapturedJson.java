package io.dualstream.connect.redis.mapping;

import java.util.Arrays;

/**
 * The referenced fields of one JSON object, captured by {@link StreamingJsonReader}: per slot of its
 * {@link JsonPaths}, {@link Reference#MISSING}, {@code null} (an explicit JSON null), a Boolean, a
 * {@link CapturedScalar} (a string or number, whose characters stay in a reusable buffer) or a Jackson node (an object or array
 * that a field references whole). {@link FieldPath} walks it like any other value.
 *
 * <p>One instance per reader, reused for every record: it is valid until the next record is read.
 */
final class CapturedJson {

    private static final char[] ZERO = {'0'};

    private final JsonPaths paths;
    private final Object[] values;
    private final CapturedScalar[] scalars;
    /** The characters of the captured strings and numbers, one after the other. */
    private char[] chars = new char[256];
    private int charCount;

    CapturedJson(JsonPaths paths) {
        this.paths = paths;
        this.values = new Object[paths.slots()];
        this.scalars = new CapturedScalar[paths.slots()];
        for (int i = 0; i < scalars.length; i++) {
            scalars[i] = new CapturedScalar(this);
        }
        clear();
    }

    /** Forgets everything: every referenced field is missing until captured. */
    void clear() {
        Arrays.fill(values, Reference.MISSING);
        charCount = 0;
    }

    /** Forgets what was captured at {@code node} and below it (its key appeared again: the last one wins). */
    void clear(JsonPaths.Node node) {
        Arrays.fill(values, node.firstSlot(), node.endSlot(), Reference.MISSING);
    }

    void put(int slot, Object value) {
        values[slot] = value;
    }

    void putText(int slot, char[] source, int offset, int length) {
        values[slot] = scalars[slot].text(copy(source, offset, length), length);
    }

    /** An integer by its token text; {@code -0} is kept as {@code 0}, as Jackson's tree has it. */
    void putInteger(int slot, char[] source, int offset, int length) {
        if (length == 2 && source[offset] == '-' && source[offset + 1] == '0') {
            values[slot] = scalars[slot].integer(copy(ZERO, 0, 1), 1);
        } else {
            values[slot] = scalars[slot].integer(copy(source, offset, length), length);
        }
    }

    /** A fraction or exponent by its token text. */
    void putDouble(int slot, char[] source, int offset, int length) {
        values[slot] = scalars[slot].decimal(copy(source, offset, length), length);
    }

    /** The captured value at a compiled path, {@code null} for an explicit null, or {@link Reference#MISSING}. */
    Object valueAt(FieldPath path) {
        int slot = paths.slotOf(path);
        return slot < 0 ? Reference.MISSING : values[slot];
    }

    char[] chars() {
        return chars;
    }

    private int copy(char[] source, int offset, int length) {
        if (charCount + length > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(chars.length * 2, charCount + length));
        }
        System.arraycopy(source, offset, chars, charCount, length);
        int at = charCount;
        charCount += length;
        return at;
    }
}
