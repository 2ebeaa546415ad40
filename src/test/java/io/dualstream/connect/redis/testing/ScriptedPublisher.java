package io.dualstream.connect.redis.testing;

import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.publish.NotificationPublisher;
import io.dualstream.connect.redis.publish.PublishResult;
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The one fake publisher for unit tests: records every batch and every call ("send N", "await", "close") and
 * answers as scripted: everything delivered, nothing (known at once, like a refused connection), the first N,
 * or chosen indices undelivered. Scripted
 * answers queued with {@link #thenFail} are used once each, in order; then the standing answer applies.
 */
public final class ScriptedPublisher implements NotificationPublisher {

    public final List<List<Notification>> batches = new ArrayList<>();
    public final List<String> calls = new ArrayList<>();
    /** Payloads Redis "took", in the order it took them. */
    public final List<String> accepted = new ArrayList<>();
    public String clientName;
    public boolean closed;
    private IntPredicate undelivered = i -> false;
    private final Deque<IntPredicate> once = new ArrayDeque<>();
    private long subscribersPerNotification;
    private RuntimeException thrown;

    /** From now on every notification is delivered, reaching {@code subscribers} subscribers each. */
    public ScriptedPublisher deliverAll(long subscribers) {
        undelivered = i -> false;
        thrown = null;
        subscribersPerNotification = subscribers;
        return this;
    }

    /** From now on nothing is delivered (Redis refuses connections). */
    public ScriptedPublisher failAll() {
        undelivered = i -> true;
        return this;
    }

    /** From now on only the first {@code n} notifications of each batch are delivered. */
    public ScriptedPublisher deliverFirst(int n) {
        undelivered = i -> i >= n;
        return this;
    }

    /** The next batch only: the notifications for which {@code lost} is true are not delivered. */
    public ScriptedPublisher thenFail(IntPredicate lost) {
        once.add(lost);
        return this;
    }

    /** From now on send() throws, as a client bug would. */
    public ScriptedPublisher throwing(RuntimeException e) {
        thrown = e;
        return this;
    }

    @Override
    public Replies send(List<Notification> notifications) {
        calls.add("send " + notifications.size());
        batches.add(List.copyOf(notifications));
        if (thrown != null) {
            throw thrown;
        }
        IntPredicate lost = once.isEmpty() ? undelivered : once.poll();
        BitSet missing = new BitSet();
        long reached = 0;
        for (int i = 0; i < notifications.size(); i++) {
            if (lost.test(i)) {
                missing.set(i);
            } else {
                accepted.add(payload(notifications.get(i)));
                reached += subscribersPerNotification;
            }
        }
        PublishResult result = PublishResult.of(notifications.size(), reached, missing,
                new JedisConnectionException("Connection refused"));
        // Nothing delivered: as with a refused connection, that is known when writing, not one batch later.
        boolean answered = !notifications.isEmpty() && missing.cardinality() == notifications.size();
        return new Replies() {
            @Override
            public PublishResult await() {
                calls.add("await");
                return result;
            }

            @Override
            public boolean answered() {
                return answered;
            }
        };
    }

    @Override
    public void close() {
        calls.add("close");
        closed = true;
    }

    public static String payload(Notification notification) {
        return new String(notification.payload(), StandardCharsets.UTF_8);
    }
}
