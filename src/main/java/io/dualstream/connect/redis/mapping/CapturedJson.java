package io.dualstream.connect.redis.mapping;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Arrays;

/**
 * The referenced fields of one JSON object, captured by {@link JsonScanner} or {@link CapturingJsonReader}: per slot of its
 * {@link JsonPaths}, {@link Reference#MISSING}, {@code null} (an explicit JSON null), a Boolean, a
 * {@link CapturedScalar} (a string or number, whose characters stay in a reusable buffer) or a Jackson node (an object or array
 * that a field references whole). {@link FieldPath} walks it like any other value.
 *
 * <p>One instance per reader, reused for every record: it is valid until the next record is read.
 */
final class CapturedJson {

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

    /** An integer by its token text. */
    void putInteger(int slot, char[] source, int offset, int length) {
        putInteger(slot, copy(source, offset, length), length);
    }

    /** A fraction or exponent by its token text. */
    void putDouble(int slot, char[] source, int offset, int length) {
        values[slot] = scalars[slot].decimal(copy(source, offset, length), length);
    }

    /** A string by the bytes between its quotes, checked UTF-8 and escapes, decoded as Jackson decodes them. */
    void putText(int slot, byte[] source, int from, int to) {
        int at = room(to - from); // never more characters than bytes
        int length = JsonScanner.decode(source, from, to, chars, at);
        charCount += length;
        values[slot] = scalars[slot].text(at, length);
    }

    /** An integer by its (ASCII) text. */
    void putInteger(int slot, byte[] source, int from, int to) {
        putInteger(slot, copyAscii(source, from, to), to - from);
    }

    /** The integer whose text was copied to {@code at}; {@code -0} is kept as {@code 0}, as Jackson's tree has it. */
    private void putInteger(int slot, int at, int length) {
        boolean minusZero = length == 2 && chars[at] == '-' && chars[at + 1] == '0';
        values[slot] = minusZero ? scalars[slot].integer(at + 1, 1) : scalars[slot].integer(at, length);
    }

    /** A fraction or exponent by its (ASCII) text. */
    void putDouble(int slot, byte[] source, int from, int to) {
        values[slot] = scalars[slot].decimal(copyAscii(source, from, to), to - from);
    }

    /**
     * An object or array that a field references whole, and the referenced paths below it, looked up in it: the one
     * case that builds a (small) Jackson tree.
     */
    void putTree(JsonPaths.Node node, JsonNode tree) {
        values[node.slot()] = tree;
        FieldPath[] below = node.below();
        int[] slots = node.belowSlots();
        for (int i = 0; i < below.length; i++) {
            values[slots[i]] = below[i].lookup(tree);
        }
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
        int at = room(length);
        System.arraycopy(source, offset, chars, at, length);
        charCount += length;
        return at;
    }

    private int copyAscii(byte[] source, int from, int to) {
        int at = room(to - from);
        for (int i = from; i < to; i++) {
            chars[charCount++] = (char) source[i];
        }
        return at;
    }

    /** Makes room for {@code length} more characters; returns where they go. */
    private int room(int length) {
        if (charCount + length > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(chars.length * 2, charCount + length));
        }
        return charCount;
    }
}
