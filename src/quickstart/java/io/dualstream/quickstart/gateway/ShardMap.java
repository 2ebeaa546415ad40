package io.dualstream.quickstart.gateway;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.ClusterShardInfo;
import redis.clients.jedis.resps.ClusterShardNodeInfo;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which master of a Redis Cluster serves each slot, and the channels a subscriber wants laid out the way
 * {@code SSUBSCRIBE} takes them: on the master owning their slot, one command per slot (channels of several slots in
 * one command are refused with {@code CROSSSLOT}; there is no pattern form to cover them all).
 */
public final class ShardMap {

    public static final int SLOTS = 16384;

    private final HostAndPort[] owners;

    private ShardMap(HostAndPort[] owners) {
        this.owners = owners;
    }

    /**
     * A map from slot ranges: each master with its ranges as {@code [first, last]} pairs, as CLUSTER SHARDS lists
     * them. Every slot must be served, or some channel would have no master to subscribe on.
     */
    public static ShardMap of(Map<HostAndPort, List<long[]>> rangesByMaster) {
        HostAndPort[] owners = new HostAndPort[SLOTS];
        rangesByMaster.forEach((master, ranges) -> {
            for (long[] range : ranges) {
                for (int slot = (int) range[0]; slot <= range[1]; slot++) {
                    owners[slot] = master;
                }
            }
        });
        for (int slot = 0; slot < SLOTS; slot++) {
            if (owners[slot] == null) {
                throw new IllegalStateException("no master serves slot " + slot + " (is the cluster's state ok? "
                        + "redis-cli cluster info)");
            }
        }
        return new ShardMap(owners);
    }

    /** Reads the slot map from {@code CLUSTER SHARDS} of the node {@code jedis} is connected to. */
    public static ShardMap read(Jedis jedis) {
        Map<HostAndPort, List<long[]>> ranges = new LinkedHashMap<>();
        for (ClusterShardInfo shard : jedis.clusterShards()) {
            HostAndPort master = shard.getNodes().stream()
                    .filter(node -> "master".equals(node.getRole()) && !"fail".equals(node.getHealth()))
                    .findFirst()
                    .map(ShardMap::address)
                    .orElse(null);
            if (master == null) {
                continue; // a shard without a live master serves nothing now; of() names the slots left over
            }
            for (List<Long> range : shard.getSlots()) {
                ranges.computeIfAbsent(master, m -> new ArrayList<>()).add(new long[] {range.get(0), range.get(1)});
            }
        }
        return of(ranges);
    }

    /** Reads the slot map from the first of {@code seeds} that answers; {@code who} names the reader in errors. */
    public static ShardMap read(List<HostAndPort> seeds, String who) {
        RuntimeException last = null;
        for (HostAndPort seed : seeds) {
            try (Jedis jedis = new Jedis(seed, DefaultJedisClientConfig.builder().connectionTimeoutMillis(2000)
                    .socketTimeoutMillis(5000).build())) {
                return read(jedis);
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new IllegalStateException(who + " could not read the cluster's slot map (CLUSTER SHARDS) from "
                + seeds + ": " + (last == null ? "no seed" : last.getMessage()), last);
    }

    private static HostAndPort address(ClusterShardNodeInfo node) {
        String host = node.getEndpoint() == null || node.getEndpoint().isEmpty() || "?".equals(node.getEndpoint())
                ? node.getIp() : node.getEndpoint();
        return new HostAndPort(host, node.getPort().intValue());
    }

    public static int slot(String channel) {
        return JedisClusterCRC16.getSlot(channel);
    }

    /** The master serving {@code slot}. */
    public HostAndPort owner(int slot) {
        return owners[slot];
    }

    /** The master {@code SSUBSCRIBE channel} must go to (or one of its replicas). */
    public HostAndPort ownerOf(String channel) {
        return owners[slot(channel)];
    }

    /** Every master serving slots, in slot order. */
    public Set<HostAndPort> masters() {
        return new LinkedHashSet<>(List.of(owners));
    }

    /**
     * The channels per master, then per slot, in slot order: each inner list is one {@code SSUBSCRIBE}. Every channel
     * appears once; duplicates in the input are dropped.
     */
    public Map<HostAndPort, List<List<String>>> bySlotOwner(Collection<String> channels) {
        Map<Integer, Set<String>> bySlot = new TreeMap<>();
        for (String channel : channels) {
            bySlot.computeIfAbsent(slot(channel), s -> new LinkedHashSet<>()).add(channel);
        }
        Map<HostAndPort, List<List<String>>> grouped = new LinkedHashMap<>();
        bySlot.forEach((slot, sameSlot) ->
                grouped.computeIfAbsent(owners[slot], m -> new ArrayList<>()).add(List.copyOf(sameSlot)));
        return grouped;
    }
}
