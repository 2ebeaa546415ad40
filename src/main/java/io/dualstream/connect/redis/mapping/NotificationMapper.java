package io.dualstream.connect.redis.mapping;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.connect.sink.SinkRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Turns a sink record into a {@link Notification}: the channel from the template, the payload from the
 * notification fields. Not thread-safe: one per task.
 */
public final class NotificationMapper {

    private final ChannelTemplate channel;
    private final NotificationFields fields;
    private final int maxChannelBytes;
    // Trailing tokens make "{...} junk" malformed instead of silently half-read.
    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final RecordView view = new RecordView(json);
    private final StringBuilder channelText = new StringBuilder(64);
    private final ByteArrayBuilder payload = new ByteArrayBuilder(256);

    public NotificationMapper(ChannelTemplate channel, NotificationFields fields, int maxChannelBytes) {
        this.channel = channel;
        this.fields = fields;
        this.maxChannelBytes = maxChannelBytes;
    }

    /**
     * @throws MalformedRecordException when the record cannot become a notification; the message names
     *                                  the setting and reference, never the record's contents
     */
    public Notification map(SinkRecord record) {
        view.reset(record);

        channelText.setLength(0);
        channel.render(view, channelText);
        byte[] channelBytes = channelText.toString().getBytes(StandardCharsets.UTF_8);
        if (channelBytes.length > maxChannelBytes) {
            throw new MalformedRecordException("channel is " + channelBytes.length + " bytes, more than channel.max.bytes="
                    + maxChannelBytes);
        }

        payload.reset();
        try (JsonGenerator out = json.getFactory().createGenerator(payload)) {
            fields.write(view, out);
        } catch (IOException e) {
            // Writing to memory does not fail; this would be a bug.
            throw new UncheckedIOException("Cannot encode notification", e);
        }
        return new Notification(channelBytes, payload.toByteArray());
    }
}
