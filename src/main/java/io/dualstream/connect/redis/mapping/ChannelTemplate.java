package io.dualstream.connect.redis.mapping;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One compiled template of {@code channel.template}, such as {@code events:{source_type}:{source_id}}: literal
 * text with {@link Reference}s in braces. Each reference must resolve to a non-empty scalar; in an optional
 * template (written with a leading {@code ?}) a reference that is missing, null or empty leaves the template out
 * for that record instead.
 */
public final class ChannelTemplate {

    private final String template;
    private final boolean optional;
    /** Literal text as UTF-8 bytes, and references, in order. */
    private final Object[] parts;

    private ChannelTemplate(String template, boolean optional, Object[] parts) {
        this.template = template;
        this.optional = optional;
        this.parts = parts;
    }

    /**
     * Parses text with {@code {reference}} placeholders; {@code {{} and {@code }}} are a literal brace, so that a
     * Redis Cluster hash tag can be written: {@code events:{{{tenant}}}:{source_id}} renders {@code events:{acme}:42}.
     * A leading {@code ?} makes the template optional.
     *
     * @throws IllegalArgumentException saying what is wrong with the template
     */
    public static ChannelTemplate parse(String text) {
        boolean optional = text != null && text.startsWith("?");
        String template = optional ? text.substring(1) : text;
        if (template == null || template.isEmpty()) {
            throw new IllegalArgumentException("the template is empty; use for example events:{source_type}:{source_id}");
        }
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            boolean doubled = i + 1 < template.length() && template.charAt(i + 1) == c;
            if ((c == '{' || c == '}') && doubled) {
                literal.append(c);
                i += 2;
            } else if (c == '}') {
                throw new IllegalArgumentException("'}' at position " + i + " has no matching '{'; write }} for a literal brace");
            } else if (c == '{') {
                int close = template.indexOf('}', i + 1);
                if (close < 0) {
                    throw new IllegalArgumentException("'{' at position " + i + " is not closed with '}'; write {{ for a literal brace");
                }
                String inner = template.substring(i + 1, close);
                if (inner.indexOf('{') >= 0) {
                    throw new IllegalArgumentException("'{' at position " + i + " is not closed before the next '{'");
                }
                if (literal.length() > 0) {
                    parts.add(utf8(literal.toString()));
                    literal.setLength(0);
                }
                parts.add(Reference.parse(inner));
                i = close + 1;
            } else {
                literal.append(c);
                i++;
            }
        }
        if (literal.length() > 0) {
            parts.add(utf8(literal.toString()));
        }
        if (parts.stream().noneMatch(Reference.class::isInstance) && optional) {
            throw new IllegalArgumentException("'?" + template + "' is optional but has no reference that could be "
                    + "missing; remove the ?");
        }
        return new ChannelTemplate(template, optional, parts.toArray());
    }

    /** A channel this template could render, each reference replaced by {@code sample}; for validate()'s ACL check. */
    public String sample(String sample) {
        StringBuilder text = new StringBuilder();
        for (Object part : parts) {
            text.append(part instanceof Reference ? sample : new String((byte[]) part, StandardCharsets.UTF_8));
        }
        return text.toString();
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

    boolean optional() {
        return optional;
    }

    /**
     * Renders the channel for the record in {@code view} into {@code out}, as UTF-8.
     *
     * @return false, with part of the channel possibly written, when the template is optional and one of its
     * references is missing, null or empty in this record
     * @throws MalformedRecordException when a reference cannot be rendered (and the template is not optional, or
     *                                  the value is an object or array)
     */
    boolean render(RecordView view, ByteSink out) {
        for (Object part : parts) {
            if (part instanceof Reference reference) {
                Object value = reference.resolve(view);
                if (value instanceof CapturedScalar scalar && !scalar.isEmptyText()) {
                    // Captured from JSON text: written from the capture buffer without a String.
                    scalar.writeText(out);
                } else if (optional && absent(value)) {
                    return false;
                } else {
                    out.writeUtf8(textOf(reference, value));
                }
            } else {
                byte[] literal = (byte[]) part;
                out.write(literal, 0, literal.length);
            }
        }
        return true;
    }

    private static boolean absent(Object value) {
        if (value == Reference.MISSING || value == null) {
            return true;
        }
        if (value instanceof CapturedScalar scalar) {
            return scalar.isEmptyText();
        }
        if (value instanceof JsonNode node) {
            return node.isNull() || node.isTextual() && node.textValue().isEmpty();
        }
        return value instanceof String s && s.isEmpty();
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
        return optional ? "?" + template : template;
    }
}
