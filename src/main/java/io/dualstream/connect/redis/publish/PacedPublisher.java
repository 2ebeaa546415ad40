package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;

import java.util.List;

/**
 * Keeps a publisher to notification.max.rate: {@link #send} writes a batch slice by slice, each when its turn
 * comes, and reads the replies of a slice before writing the next (it is waiting anyway). The replies of the
 * last slice are left for {@link Replies#await()}, as with any publisher, so a batch still overlaps its replies
 * with the task's next poll. After a slice Redis did not fully take, the rest of the batch is not sent: it is
 * reported undelivered with the same error, without waiting for further turns.
 */
final class PacedPublisher implements NotificationPublisher {

    private final NotificationPublisher redis;
    private final RatePacing pacing;

    PacedPublisher(NotificationPublisher redis, RatePacing pacing) {
        this.redis = redis;
        this.pacing = pacing;
    }

    @Override
    public Replies send(List<Notification> notifications) {
        int size = notifications.size();
        BatchOutcome outcome = new BatchOutcome(size);
        int from = 0;
        while (from < size) {
            int to = Math.min(size, from + pacing.slice());
            if (!pacing.awaitTurn(to - from)) {
                outcome.undelivered(from, size, new InterruptedException("interrupted while waiting for notification.max.rate"));
                return Replies.of(outcome.result());
            }
            Replies replies = FailuresAsResults.send(redis, notifications.subList(from, to));
            if (to == size) {
                return then(outcome, from, to, replies);
            }
            PublishResult slice = FailuresAsResults.await(replies, to - from);
            outcome.add(from, slice);
            if (!slice.complete()) {
                outcome.undelivered(to, size, slice.error());
                return Replies.of(outcome.result());
            }
            from = to;
        }
        return Replies.of(outcome.result());
    }

    @Override
    public boolean topologyChanged() {
        return redis.topologyChanged();
    }

    @Override
    public long topologyRefreshes() {
        return redis.topologyRefreshes();
    }

    @Override
    public long redirectsFollowed() {
        return redis.redirectsFollowed();
    }

    @Override
    public void close() {
        redis.close();
    }

    /** The whole batch's replies, once the last slice's (from {@code offset} to {@code to}) are read. */
    private static Replies then(BatchOutcome outcome, int offset, int to, Replies last) {
        return new Replies() {
            @Override
            public PublishResult await() {
                outcome.add(offset, FailuresAsResults.await(last, to - offset));
                return outcome.result();
            }

            @Override
            public boolean answered() {
                return last.answered();
            }
        };
    }
}
