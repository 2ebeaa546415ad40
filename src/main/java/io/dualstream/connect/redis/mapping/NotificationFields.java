package io.dualstream.connect.redis.mapping;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The compiled {@code notification.fields}: an ordered list of {@code name} or {@code name=REF} entries.
 * A bare {@code name} is the value field of that name.
 */
public final class NotificationFields {

    private final SerializedString[] names;
    private final Reference[] references;

    private NotificationFields(SerializedString[] names, Reference[] references) {
        this.names = names;
        this.references = references;
    }

    /** @throws IllegalArgumentException naming the entry that is wrong */
    public static NotificationFields parse(List<String> entries) {
        if (entries == null || entries.isEmpty()) {
            throw new IllegalArgumentException("no fields; list at least one, for example id,type,source_id");
        }
        List<SerializedString> names = new ArrayList<>();
        List<Reference> references = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String raw : entries) {
            String entry = raw.trim();
            int eq = entry.indexOf('=');
            String name = (eq < 0 ? entry : entry.substring(0, eq)).trim();
            String ref = eq < 0 ? name : entry.substring(eq + 1).trim();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("entry '" + raw + "' has no name; write name or name=REF");
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("field '" + name + "' is listed twice");
            }
            Reference reference;
            try {
                reference = eq < 0 ? Reference.parse("value." + name) : Reference.parse(ref);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("entry '" + raw + "': " + e.getMessage(), e);
            }
            names.add(new SerializedString(name));
            references.add(reference);
        }
        return new NotificationFields(names.toArray(new SerializedString[0]), references.toArray(new Reference[0]));
    }

    /** The names of the fields, in order. */
    public List<String> names() {
        return Arrays.stream(names).map(SerializedString::getValue).toList();
    }

    /** The references of the fields, in order. */
    List<Reference> references() {
        return List.of(references);
    }

    /** Writes the notification object; fields missing from the record are left out. */
    void write(RecordView view, JsonGenerator out) throws IOException {
        out.writeStartObject();
        for (int i = 0; i < references.length; i++) {
            Object value = references[i].resolve(view);
            if (value != Reference.MISSING) {
                out.writeFieldName(names[i]);
                JsonValues.write(out, value);
            }
        }
        out.writeEndObject();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                text.append(',');
            }
            text.append(names[i].getValue()).append('=').append(references[i]);
        }
        return text.toString();
    }
}
