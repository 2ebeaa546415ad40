package io.dualstream.connect.redis.mapping;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer that one task reuses for every record, so that only the finished bytes are copied out.
 * Unlike {@link java.io.ByteArrayOutputStream} it takes no lock (a task is single-threaded).
 */
final class ByteSink extends OutputStream {

    private byte[] bytes;
    private int size;

    ByteSink(int initialCapacity) {
        bytes = new byte[initialCapacity];
    }

    void reset() {
        size = 0;
    }

    int size() {
        return size;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] source, int offset, int length) {
        ensure(length);
        System.arraycopy(source, offset, bytes, size, length);
        size += length;
    }

    /** Appends {@code text} as UTF-8 without building an intermediate array when it is ASCII (ids usually are). */
    void writeUtf8(String text) {
        int length = text.length();
        ensure(length);
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                // Start over from the same position: the ASCII prefix copied so far is overwritten.
                byte[] encoded = text.getBytes(StandardCharsets.UTF_8);
                write(encoded, 0, encoded.length);
                return;
            }
            bytes[size + i] = (byte) c;
        }
        size += length;
    }

    /** Appends {@code length} characters as UTF-8, exactly as {@link #writeUtf8(String)} would the same text. */
    void writeUtf8(char[] chars, int offset, int length) {
        ensure(length);
        for (int i = 0; i < length; i++) {
            char c = chars[offset + i];
            if (c >= 0x80) {
                // Rare: let the JDK encode it, as it encodes Strings (an unpaired surrogate becomes '?').
                byte[] encoded = new String(chars, offset, length).getBytes(StandardCharsets.UTF_8);
                write(encoded, 0, encoded.length);
                return;
            }
            bytes[size + i] = (byte) c;
        }
        size += length;
    }

    /** The buffer itself (valid up to {@link #size()}), until the next write. */
    byte[] array() {
        return bytes;
    }

    private void ensure(int extra) {
        if (size + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + extra));
        }
    }
}
