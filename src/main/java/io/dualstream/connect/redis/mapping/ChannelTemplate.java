package io.dualstream.connect.redis.mapping;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled {@code channel.template} such as {@code events:{source_type}:{source_id}}: literal text with
 * {@link Reference}s in braces. Each reference must resolve to a non-empty scalar.
 */
public final class ChannelTemplate {

    private final String template;
    /** Literal text as UTF-8 bytes, and references, in order. */
    private final Object[] parts;

    private ChannelTemplate(String template, Object[] parts) {
        this.template = template;
        this.parts = parts;
    }

    /** @throws IllegalArgumentException saying what is wrong with the template */
    public static ChannelTemplate parse(String template) {
        if (template == null || template.isEmpty()) {
            throw new IllegalArgumentException("the template is empty; use for example events:{source_type}:{source_id}");
        }
        List<Object> parts = new ArrayList<>();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            int close = template.indexOf('}', i);
            if (close >= 0 && (open < 0 || close < open)) {
                throw new IllegalArgumentException("'}' at position " + close + " has no matching '{'");
            }
            if (open < 0) {
                parts.add(utf8(template.substring(i)));
                break;
            }
            if (open > i) {
                parts.add(utf8(template.substring(i, open)));
            }
            if (close < 0) {
                throw new IllegalArgumentException("'{' at position " + open + " is not closed with '}'");
            }
            String inner = template.substring(open + 1, close);
            if (inner.indexOf('{') >= 0) {
                throw new IllegalArgumentException("'{' at position " + open + " is not closed before the next '{'");
            }
            parts.add(Reference.parse(inner));
            i = close + 1;
        }
        return new ChannelTemplate(template, parts.toArray());
    }

    private static byte[] utf8(String literal) {
        return literal.getBytes(StandardCharsets.UTF_8);
    }

    /** The references of the template, in order. */
    List<Reference> references() {
        List<Reference> references = new ArrayList<>();
        for (Object part : parts) {
            if (part instanceof Reference reference) {
                references.add(reference);
            }
        }
        return references;
    }

    /** Renders the channel for the record in {@code view} into {@code out}, as UTF-8. */
    void render(RecordView view, ByteSink out) {
        for (Object part : parts) {
            if (part instanceof Reference reference) {
                Object value = reference.resolve(view);
                if (value instanceof CapturedScalar scalar && !scalar.isEmptyText()) {
                    // Captured from JSON text: written from the capture buffer without a String.
                    scalar.writeText(out);
                } else {
                    out.writeUtf8(textOf(reference, value));
                }
            } else {
                byte[] literal = (byte[]) part;
                out.write(literal, 0, literal.length);
            }
        }
    }

    private static String textOf(Reference reference, Object value) {
        if (value == Reference.MISSING) {
            throw new MalformedRecordException("channel.template reference {" + reference + "} is missing from the record");
        }
        String text = ScalarText.of(value);
        if (text == null) {
            throw new MalformedRecordException("channel.template reference {" + reference + "} is "
                    + ScalarText.kindOf(value) + ", not a string, number or boolean");
        }
        if (text.isEmpty()) {
            throw new MalformedRecordException("channel.template reference {" + reference + "} is an empty string");
        }
        return text;
    }

    @Override
    public String toString() {
        return template;
    }
}
