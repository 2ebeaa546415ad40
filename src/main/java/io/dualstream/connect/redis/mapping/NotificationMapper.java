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
 * Turns a sink record into a {@link Notification}: the channel from the template, the payload from the
 * notification fields. Not thread-safe: one per task.
 */
public final class NotificationMapper {

    private final ChannelTemplate channel;
    private final NotificationFields fields;
    private final int maxChannelBytes;
    /** Makes the payload generator; JSON text is read with the same factory. */
    private final ObjectMapper json;
    private final RecordView view;
    private final ByteSink channelBytes = new ByteSink(64);
    private final ByteSink payload = new ByteSink(256);
    /** Reused for every record (creating one per record cost a third of the mapping time); null after a failure. */
    private JsonGenerator generator;

    /** JSON text values and keys are read in one streaming pass that captures only the referenced fields. */
    public NotificationMapper(ChannelTemplate channel, NotificationFields fields, int maxChannelBytes) {
        this(channel, fields, maxChannelBytes, new ObjectMapper());
    }

    private NotificationMapper(ChannelTemplate channel, NotificationFields fields, int maxChannelBytes,
                               ObjectMapper json) {
        this(channel, fields, maxChannelBytes, json,
                new StreamingJsonReader(json, referencedPaths(channel, fields, Reference::valuePath)),
                new StreamingJsonReader(json, referencedPaths(channel, fields, Reference::keyPath)));
    }

    /** With other readers of JSON text: the tests hold the streaming reader against the tree it replaced. */
    NotificationMapper(ChannelTemplate channel, NotificationFields fields, int maxChannelBytes, ObjectMapper json,
                       JsonTextReader valueJson, JsonTextReader keyJson) {
        this.channel = channel;
        this.fields = fields;
        this.maxChannelBytes = maxChannelBytes;
        this.json = json;
        this.view = new RecordView(valueJson, keyJson);
    }

    /** The value (or key) paths of every reference of the template and the fields, compiled into one set. */
    private static JsonPaths referencedPaths(ChannelTemplate channel, NotificationFields fields,
                                             Function<Reference, FieldPath> pathOf) {
        List<Reference> references = new ArrayList<>(channel.references());
        references.addAll(fields.references());
        return JsonPaths.of(references.stream().map(pathOf).filter(Objects::nonNull).toList());
    }

    /**
     * @throws MalformedRecordException when the record cannot become a notification; the message names
     *                                  the setting and reference, never the record's contents
     */
    public Notification map(SinkRecord record) {
        view.reset(record);

        channelBytes.reset();
        channel.render(view, channelBytes);
        if (channelBytes.size() > maxChannelBytes) {
            throw new MalformedRecordException("channel is " + channelBytes.size() + " bytes, more than channel.max.bytes="
                    + maxChannelBytes);
        }

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
        return new Notification(channelBytes.toByteArray(), payload.toByteArray(),
                timestamp == null ? Notification.NO_TIMESTAMP : timestamp);
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
