package io.dualstream.connect.redis.testing;

import io.dualstream.connect.redis.testing.RedisClusterFixture.Node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One {@link Subscriber} per channel ({@code SSUBSCRIBE} takes channels of one slot only, and there is no pattern
 * form), each on a replica of the master owning the channel's slot: sharded messages are propagated to the
 * shard's replicas, and a replica survives the death of its master (it is the one promoted). Redis 7.0 keeps the
 * subscription through the promotion; Valkey 8 drops it ({@code sunsubscribe}), and the subscriber subscribes again.
 */
public final class ShardSubscribers implements AutoCloseable {

    private final List<Subscriber> subscribers = new ArrayList<>();

    private ShardSubscribers() {
    }

    public static ShardSubscribers onReplicas(RedisClusterFixture cluster, Collection<String> channels) {
        ShardSubscribers all = new ShardSubscribers();
        try {
            for (String channel : channels) {
                Node master = cluster.masterForChannel(channel);
                Node replica = cluster.replicasOf(master).get(0);
                all.subscribers.add(Subscriber.ssubscribe(replica.host(), replica.port(), channel));
            }
        } catch (RuntimeException e) {
            all.close();
            throw e;
        }
        return all;
    }

    /** Hands every message, from now on, to {@code sink} instead of keeping it (see {@link Subscriber#forwardTo}). */
    public ShardSubscribers forwardTo(java.util.function.BiConsumer<String, String> sink) {
        subscribers.forEach(s -> s.forwardTo(sink));
        return this;
    }

    /** Every message received so far, channel by channel (each channel's in arrival order). */
    public List<Subscriber.Message> received() {
        List<Subscriber.Message> all = new ArrayList<>();
        subscribers.forEach(s -> all.addAll(s.received()));
        return all;
    }

    /** How often the servers dropped these subscriptions and they subscribed again (see {@link Subscriber#ssubscribe}). */
    public int resubscriptions() {
        return subscribers.stream().mapToInt(Subscriber::resubscriptions).sum();
    }

    /** Polls until {@code count} messages arrived in all. */
    public List<Subscriber.Message> awaitCount(int count, Duration timeout) {
        Await.until("at least " + count + " sharded messages", timeout,
                (java.util.function.BooleanSupplier) () -> received().size() >= count);
        return received();
    }

    @Override
    public void close() {
        subscribers.forEach(Subscriber::close);
    }
}
