package io.dualstream.connect.redis.mapping;

import java.util.List;

/** notification.coalesce, chosen once at start: a batch's notifications as they are, or the last per channel. */
public interface Coalescing {

    Coalescing NONE = new Coalescing() {
        @Override
        public List<Notification> coalesce(List<Notification> batch) {
            return batch;
        }

        @Override
        public long coalesced() {
            return 0;
        }
    };

    /** @param countField the count field's name, or {@code null} when coalescing is off */
    static Coalescing of(String countField) {
        return countField == null ? NONE : new Coalescer(countField);
    }

    List<Notification> coalesce(List<Notification> batch);

    /** Notifications left out because a later one on their channel stood for them. */
    long coalesced();
}
