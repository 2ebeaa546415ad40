package io.dualstream.connect.redis.publish;

import redis.clients.jedis.Connection;

/**
 * How the connector reaches Redis (redis.mode): one node, a cluster, or a master behind sentinels. Chosen once,
 * from the configuration; it builds both the task's publisher and the connection that {@code validate()} checks.
 * Adding a topology means adding one implementation; nothing else branches on the mode.
 */
public interface RedisTopology {

    /** A publisher for one task. It connects lazily: a Redis that is down at start is a publish failure later. */
    NotificationPublisher publisher(String clientName);

    /**
     * For {@code validate()}: a connected connection to a data node that this topology would publish to.
     *
     * @throws ProbeException for a misconfiguration found on the way, naming the setting to fix
     * @throws redis.clients.jedis.exceptions.JedisException when Redis cannot be reached or refuses the connection
     */
    Connection probe(String clientName);

    /**
     * Why {@code server}, the node {@link #probe} reached, does not fit this topology, naming it and saying which
     * {@code redis.mode} fits; {@code null} when it fits.
     */
    String mismatch(ServerIdentity server);

    /** For logs: the mode and the addresses, without secrets. */
    String describe();
}
