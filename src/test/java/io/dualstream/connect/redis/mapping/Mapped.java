package io.dualstream.connect.redis.mapping;

import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.List;

/** Maps one record in a test: its notifications, or the only one when the mapper has one template. */
final class Mapped {

    private Mapped() {
    }

    static List<Notification> all(NotificationMapper mapper, SinkRecord record) {
        List<Notification> notifications = new ArrayList<>();
        mapper.map(record, notifications);
        return notifications;
    }

    static Notification one(NotificationMapper mapper, SinkRecord record) {
        List<Notification> notifications = all(mapper, record);
        if (notifications.size() != 1) {
            throw new AssertionError("expected one notification, got " + notifications.size());
        }
        return notifications.get(0);
    }
}
