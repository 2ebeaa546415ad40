package io.dualstream.connect.redis.mapping;

import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * A compiled reference to one piece of a record, shared by {@code channel.template} and
 * {@code notification.fields}:
 * <ul>
 *   <li>{@code source_id}, {@code value.actor.id}: a (nested) field of the value;</li>
 *   <li>{@code key}: the whole key; {@code key.tenant}: a field of the key;</li>
 *   <li>{@code header.NAME}: the last header with that name;</li>
 *   <li>{@code topic}, {@code partition}, {@code offset}, {@code timestamp}: record metadata.</li>
 * </ul>
 */
public abstract sealed class Reference {

    /** What {@link #resolve} returns when the record has nothing at this reference (unlike an explicit null). */
    static final Object MISSING = new Object() {
        @Override
        public String toString() {
            return "MISSING";
        }
    };

    private final String text;

    private Reference(String text) {
        this.text = text;
    }

    /**
     * Compiles a reference, with or without its braces.
     *
     * @throws IllegalArgumentException saying what is wrong and how to write it instead
     */
    public static Reference parse(String raw) {
        String text = raw.trim();
        if (text.startsWith("{") && text.endsWith("}")) {
            text = text.substring(1, text.length() - 1).trim();
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty reference; write a field name such as {source_id}");
        }
        if (text.indexOf('{') >= 0 || text.indexOf('}') >= 0 || containsWhitespace(text)) {
            throw new IllegalArgumentException("'" + raw + "' is not a reference; a reference is a field path "
                    + "such as source_id or value.actor.id, key, key.FIELD, header.NAME, topic, partition, offset or timestamp");
        }
        switch (text) {
            case "topic":
                return new Metadata(text, Metadata.Kind.TOPIC);
            case "partition":
                return new Metadata(text, Metadata.Kind.PARTITION);
            case "offset":
                return new Metadata(text, Metadata.Kind.OFFSET);
            case "timestamp":
                return new Metadata(text, Metadata.Kind.TIMESTAMP);
            case "key":
                return new WholeKey();
            case "value":
                throw new IllegalArgumentException("'value' needs a field: write value.FIELD (for example value.id); "
                        + "notifications carry identifying fields, never the whole event");
            case "header":
                throw new IllegalArgumentException("'header' needs a name: write header.NAME");
            default:
                break;
        }
        if (text.startsWith("header.")) {
            String name = text.substring("header.".length());
            if (name.isEmpty()) {
                throw new IllegalArgumentException("'header.' needs a name: write header.NAME");
            }
            return new HeaderRef(text, name);
        }
        if (text.startsWith("key.")) {
            return new KeyField(text, FieldPath.parse(text.substring("key.".length())));
        }
        if (text.startsWith("value.")) {
            return new ValueField(text, FieldPath.parse(text.substring("value.".length())));
        }
        return new ValueField(text, FieldPath.parse(text));
    }

    /** The referenced value, {@code null} for an explicit null, or {@link #MISSING}. */
    abstract Object resolve(RecordView record);

    /** The path into the value this reference reads, or {@code null} when it reads no field of the value. */
    FieldPath valuePath() {
        return null;
    }

    /** The path into the key this reference reads, or {@code null} when it reads no field of the key. */
    FieldPath keyPath() {
        return null;
    }

    /** The reference as written, without braces; used in error messages. */
    @Override
    public String toString() {
        return text;
    }

    private static boolean containsWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static final class ValueField extends Reference {
        private final FieldPath path;

        ValueField(String text, FieldPath path) {
            super(text);
            this.path = path;
        }

        @Override
        Object resolve(RecordView record) {
            return path.lookup(record.valueRoot());
        }

        @Override
        FieldPath valuePath() {
            return path;
        }
    }

    private static final class KeyField extends Reference {
        private final FieldPath path;

        KeyField(String text, FieldPath path) {
            super(text);
            this.path = path;
        }

        @Override
        Object resolve(RecordView record) {
            Object root = record.keyRoot();
            return root == null ? MISSING : path.lookup(root);
        }

        @Override
        FieldPath keyPath() {
            return path;
        }
    }

    private static final class WholeKey extends Reference {
        WholeKey() {
            super("key");
        }

        @Override
        Object resolve(RecordView record) {
            Object key = record.record().key();
            return key == null ? MISSING : key;
        }
    }

    private static final class HeaderRef extends Reference {
        private final String name;

        HeaderRef(String text, String name) {
            super(text);
            this.name = name;
        }

        @Override
        Object resolve(RecordView record) {
            Header header = record.record().headers().lastWithName(name);
            return header == null ? MISSING : header.value();
        }
    }

    private static final class Metadata extends Reference {
        enum Kind { TOPIC, PARTITION, OFFSET, TIMESTAMP }

        private final Kind kind;

        Metadata(String text, Kind kind) {
            super(text);
            this.kind = kind;
        }

        @Override
        Object resolve(RecordView view) {
            SinkRecord record = view.record();
            Object result = switch (kind) {
                case TOPIC -> record.topic();
                case PARTITION -> record.kafkaPartition();
                case OFFSET -> record.kafkaOffset();
                case TIMESTAMP -> record.timestamp();
            };
            return result == null ? MISSING : result;
        }
    }
}
