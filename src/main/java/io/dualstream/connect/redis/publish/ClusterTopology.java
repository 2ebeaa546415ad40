package io.dualstream.connect.redis.publish;

import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.util.List;

/** redis.mode=cluster: a Redis Cluster found from one or more seed nodes; the slot map is discovered and followed. */
public final class ClusterTopology implements RedisTopology {

    private final List<HostAndPort> seeds;
    private final RedisClientSettings settings;

    public ClusterTopology(List<HostAndPort> seeds, RedisClientSettings settings) {
        this.seeds = List.copyOf(seeds);
        this.settings = settings;
    }

    @Override
    public NotificationPublisher publisher(String clientName) {
        ClusterPublisher publisher = new ClusterPublisher(seeds, settings, settings.dataNode(clientName));
        publisher.discover();
        return publisher;
    }

    /** The first seed that answers. */
    @Override
    public Connection probe(String clientName) {
        JedisConnectionException last = null;
        for (HostAndPort seed : seeds) {
            Connection connection = new Connection(seed, settings.dataNode(clientName));
            try {
                connection.connect();
                return connection;
            } catch (JedisConnectionException e) {
                connection.close();
                last = e;
            }
        }
        throw last;
    }

    @Override
    public String mismatch(ServerIdentity server) {
        return "cluster".equals(server.mode()) ? null : "the seed node is not a cluster node: it is " + server + " in "
                + server.mode() + " mode; set redis.mode=" + ("sentinel".equals(server.mode()) ? "sentinel" : "standalone")
                + " or list cluster nodes in redis.uri";
    }

    @Override
    public String describe() {
        return "cluster " + seeds;
    }
}
