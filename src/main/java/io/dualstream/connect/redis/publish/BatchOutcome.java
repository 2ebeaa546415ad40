package io.dualstream.connect.redis.publish;

import redis.clients.jedis.exceptions.JedisRedirectionException;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Collects what became of each notification of one batch while its replies are read, from one or more nodes or
 * slice by slice, and turns that into the batch's {@link PublishResult}. The one accumulator of the publishers.
 */
final class BatchOutcome {

    /** A notification that a cluster node sent elsewhere ({@code MOVED} or {@code ASK}). */
    record Redirect(int index, JedisRedirectionException reply) {
    }

    private final int size;
    private final BitSet undelivered = new BitSet();
    private final List<Redirect> redirects = new ArrayList<>();
    private long subscribersReached;
    private Throwable error;

    BatchOutcome(int size) {
        this.size = size;
    }

    void delivered(long subscribers) {
        subscribersReached += subscribers;
    }

    void undelivered(int index, Throwable cause) {
        undelivered.set(index);
        if (error == null) {
            error = cause;
        }
    }

    /** Notifications {@code from} (inclusive) to {@code to} (exclusive) were not sent, because of {@code cause}. */
    void undelivered(int from, int to, Throwable cause) {
        undelivered.set(from, to);
        if (error == null) {
            error = cause;
        }
    }

    /** The result of a slice of this batch that starts at {@code offset}. */
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

    void redirected(int index, JedisRedirectionException reply) {
        redirects.add(new Redirect(index, reply));
    }

    /** The redirects collected since the last call, in batch order per node. */
    List<Redirect> takeRedirects() {
        List<Redirect> taken = new ArrayList<>(redirects);
        redirects.clear();
        return taken;
    }

    PublishResult result() {
        for (Redirect redirect : redirects) {
            undelivered(redirect.index(), redirect.reply());
        }
        redirects.clear();
        return PublishResult.of(size, subscribersReached, undelivered, error);
    }
}
