package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;

import java.util.BitSet;
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
        Settled settled = new Settled(size);
        int from = 0;
        while (from < size) {
            int to = Math.min(size, from + pacing.slice());
            if (!pacing.awaitTurn(to - from)) {
                settled.fail(from, size, new InterruptedException("interrupted while waiting for notification.max.rate"));
                return Replies.of(settled.result());
            }
            Replies replies = Attempts.send(redis, notifications.subList(from, to));
            if (to == size) {
                return settled.then(from, to, replies);
            }
            PublishResult slice = Attempts.await(replies, to - from);
            settled.add(from, slice);
            if (!slice.complete()) {
                settled.fail(to, size, slice.error());
                return Replies.of(settled.result());
            }
            from = to;
        }
        return Replies.of(settled.result());
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

    /** The results of the slices read so far, as one result for the whole batch. */
    private static final class Settled {
        private final int size;
        private final BitSet undelivered = new BitSet();
        private long subscribersReached;
        private Throwable error;

        Settled(int size) {
            this.size = size;
        }

        void add(int offset, PublishResult slice) {
            subscribersReached += slice.subscribersReached();
            BitSet missed = slice.undelivered();
            for (int i = missed.nextSetBit(0); i >= 0; i = missed.nextSetBit(i + 1)) {
                undelivered.set(offset + i);
            }
            if (error == null) {
                error = slice.error();
            }
        }

        void fail(int from, int to, Throwable cause) {
            undelivered.set(from, to);
            if (error == null) {
                error = cause;
            }
        }

        PublishResult result() {
            return PublishResult.of(size, subscribersReached, undelivered, error);
        }

        /** The whole batch's replies, once the last slice's are read. */
        Replies then(int offset, int to, Replies last) {
            return new Replies() {
                @Override
                public PublishResult await() {
                    add(offset, Attempts.await(last, to - offset));
                    return result();
                }

                @Override
                public boolean answered() {
                    return last.answered();
                }
            };
        }
    }
}
