package io.dualstream.connect.redis.testing;

import io.dualstream.connect.redis.testing.RedisClusterFixture.Node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code SSUBSCRIBE} to channels all over a cluster (there is no pattern form): {@link #onReplicas} with one
 * {@link Subscriber} per channel on a replica of the master owning the channel's slot: sharded messages are
 * propagated to the shard's replicas, and a replica survives the death of its master (it is the one promoted).
 * Redis 7.0 keeps the subscription through the promotion; Valkey 8 drops it ({@code sunsubscribe}), and the
 * subscriber subscribes again. {@link #onMasters} with one per master, for the benchmarks' counts.
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

    /** One subscriber per master, on the channels whose slots it owns: few connections, for counting at full speed. */
    public static ShardSubscribers onMasters(RedisClusterFixture cluster, Collection<String> channels) {
        Map<Node, List<String>> byMaster = new LinkedHashMap<>();
        channels.forEach(c -> byMaster.computeIfAbsent(cluster.masterForChannel(c), m -> new ArrayList<>()).add(c));
        ShardSubscribers all = new ShardSubscribers();
        try {
            byMaster.forEach((master, mine) ->
                    all.subscribers.add(Subscriber.ssubscribe(master.host(), master.port(), mine.toArray(String[]::new))));
        } catch (RuntimeException e) {
            all.close();
            throw e;
        }
        return all;
    }

    /** From now on only counts (see {@link Subscriber#countOnly}). */
    public ShardSubscribers countOnly() {
        subscribers.forEach(Subscriber::countOnly);
        return this;
    }

    /** How many messages arrived in all (see {@link Subscriber#count}). */
    public long count() {
        return subscribers.stream().mapToLong(Subscriber::count).sum();
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
