package io.dualstream.connect.redis.mapping;

import org.apache.kafka.connect.errors.DataException;

/**
 * A record that cannot become a notification. Retrying cannot help: the record is skipped (or sent to the
 * dead-letter queue, or fails the task when {@code behavior.on.malformed.record=fail}).
 *
 * <p>Messages name the setting and reference involved and never contain record contents.
 */
public class MalformedRecordException extends DataException {

    private static final long serialVersionUID = 1L;

    public MalformedRecordException(String message) {
        super(message);
    }
}
