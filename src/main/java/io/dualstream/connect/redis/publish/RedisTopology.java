package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.config.RedisEndpoint;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;

import java.util.List;

/**
 * How the connector reaches Redis (redis.mode): one node, a cluster, or a master behind sentinels. Chosen once,
 * from the configuration; it builds both the task's publisher and the connection that {@code validate()} checks.
 * Adding a topology means adding one implementation; nothing else branches on the mode.
 */
public interface RedisTopology {

    /** The one place that turns redis.mode into a topology. */
    static RedisTopology of(RedisPubSubSinkConfig config) {
        List<HostAndPort> nodes = config.endpoints().stream()
                .map((RedisEndpoint endpoint) -> new HostAndPort(endpoint.host(), endpoint.port())).toList();
        RedisClientSettings settings = RedisClientSettings.of(config);
        return switch (config.mode()) {
            case STANDALONE -> new StandaloneTopology(nodes.get(0), settings);
            case CLUSTER -> new ClusterTopology(nodes, settings);
            case SENTINEL -> new SentinelTopology(nodes, config.sentinelMaster(), settings);
        };
    }

    /** A publisher for one task. It connects lazily: a Redis that is down at start is a publish failure later. */
    NotificationPublisher publisher(String clientName);

    /**
     * For {@code validate()}: a connected connection to a data node that this topology would publish to.
     *
     * @throws io.dualstream.connect.redis.config.InvalidSettingException for a misconfiguration found on the way,
     *         naming the setting to fix
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
