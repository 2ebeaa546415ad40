package io.dualstream.connect.redis.publish;

import redis.clients.jedis.exceptions.JedisRedirectionException;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/** Collects, while one batch's replies are read from one or more nodes, what became of each notification. */
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
