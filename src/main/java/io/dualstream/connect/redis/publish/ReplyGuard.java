package io.dualstream.connect.redis.publish;

import java.util.function.Supplier;

/**
 * Keeps a publisher to one batch's replies outstanding at a time, each read once: replies left unread on a
 * connection would be read by the wrong batch.
 */
final class ReplyGuard {

    private NotificationPublisher.Replies outstanding;

    /** @throws IllegalStateException when the previous batch's replies were not read */
    void checkNoneOutstanding() {
        if (outstanding != null) {
            throw new IllegalStateException("the replies of the previous batch were not read");
        }
    }

    /** The replies of a batch just written; {@code read} reads them from the connections. */
    NotificationPublisher.Replies outstanding(Supplier<PublishResult> read) {
        NotificationPublisher.Replies replies = new NotificationPublisher.Replies() {
            @Override
            public PublishResult await() {
                if (outstanding != this) {
                    throw new IllegalStateException("these replies were already read, or their connection was closed");
                }
                outstanding = null;
                return read.get();
            }
        };
        outstanding = replies;
        return replies;
    }

    /** The connections were closed: their replies are gone. */
    void clear() {
        outstanding = null;
    }
}
