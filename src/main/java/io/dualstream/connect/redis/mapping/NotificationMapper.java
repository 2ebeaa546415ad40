package io.dualstream.connect.redis.mapping;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.connect.sink.SinkRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Turns a sink record into its {@link Notification}s: one per distinct channel its templates render, all with
 * the same payload, written once from the notification fields. Not thread-safe: one per task.
 */
public final class NotificationMapper {

    private final ChannelTemplates channels;
    private final NotificationFields fields;
    private final int maxChannelBytes;
    /** Makes the payload generator; JSON text is read with the same factory. */
    private final ObjectMapper json;
    private final RecordView view;
    private final ByteSink channelBytes = new ByteSink(64);
    /** The channels of the record being mapped. */
    private final byte[][] rendered;
    private final ByteSink payload = new ByteSink(256);
    /** Reused for every record (creating one per record cost a third of the mapping time); null after a failure. */
    private JsonGenerator generator;

    /** JSON text values and keys are read in one pass over their bytes that captures only the referenced fields. */
    public NotificationMapper(ChannelTemplates channels, NotificationFields fields, int maxChannelBytes) {
        this(channels, fields, maxChannelBytes, new ObjectMapper());
    }

    private NotificationMapper(ChannelTemplates channels, NotificationFields fields, int maxChannelBytes,
                               ObjectMapper json) {
        this(channels, fields, maxChannelBytes, json,
                new CapturingJsonReader(json, referencedPaths(channels, fields, Reference::valuePath)),
                new CapturingJsonReader(json, referencedPaths(channels, fields, Reference::keyPath)));
    }

    /** With other readers of JSON text: the tests hold the capturing reader against the tree it replaced. */
    NotificationMapper(ChannelTemplates channels, NotificationFields fields, int maxChannelBytes, ObjectMapper json,
                       JsonTextReader valueJson, JsonTextReader keyJson) {
        this.channels = channels;
        this.rendered = new byte[channels.size()][];
        this.fields = fields;
        this.maxChannelBytes = maxChannelBytes;
        this.json = json;
        this.view = new RecordView(valueJson, keyJson);
    }

    /** The value (or key) paths of every reference of the template and the fields, compiled into one set. */
    static JsonPaths referencedPaths(ChannelTemplates channels, NotificationFields fields,
                                             Function<Reference, FieldPath> pathOf) {
        List<Reference> references = new ArrayList<>(channels.references());
        references.addAll(fields.references());
        return JsonPaths.of(references.stream().map(pathOf).filter(Objects::nonNull).toList());
    }

    /**
     * Appends the record's notifications to {@code batch}, one per distinct channel, adjacent and in template order;
     * nothing is appended when the record is malformed.
     *
     * @return how many notifications were appended (at least one)
     * @throws MalformedRecordException when the record cannot become a notification; the message names
     *                                  the setting and reference, never the record's contents
     */
    public int map(SinkRecord record, List<Notification> batch) {
        view.reset(record);
        int count = channels.render(view, channelBytes, maxChannelBytes, rendered);

        payload.reset();
        JsonGenerator out = generator();
        boolean written = false;
        try {
            fields.write(view, out);
            out.flush();
            written = true;
        } catch (IOException e) {
            // Writing to memory does not fail; this would be a bug.
            throw new UncheckedIOException("Cannot encode notification", e);
        } finally {
            if (!written) {
                discardGenerator();
            }
        }
        Long timestamp = record.timestamp();
        long time = timestamp == null ? Notification.NO_TIMESTAMP : timestamp;
        byte[] shared = payload.toByteArray();
        for (int i = 0; i < count; i++) {
            batch.add(new Notification(rendered[i], shared, time));
            rendered[i] = null;
        }
        return count;
    }

    private JsonGenerator generator() {
        if (generator == null) {
            try {
                generator = json.getFactory().createGenerator(payload);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the JSON generator", e);
            }
            // Each notification is a root value of its own: no separator between them.
            generator.setRootValueSeparator(null);
        }
        return generator;
    }

    /** A generator that failed half-way holds an open object: the next record must start from a fresh one. */
    private void discardGenerator() {
        JsonGenerator broken = generator;
        generator = null;
        try {
            broken.close();
        } catch (IOException | RuntimeException ignored) {
            // Only releases buffers; the payload it may have appended is reset before the next record.
        }
    }
}
