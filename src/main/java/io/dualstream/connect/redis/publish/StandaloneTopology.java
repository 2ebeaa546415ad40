package io.dualstream.connect.redis.publish;

import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;

/** redis.mode=standalone: one Redis node (or a primary behind a fixed address, such as a managed endpoint). */
public final class StandaloneTopology implements RedisTopology {

    private final HostAndPort node;
    private final RedisClientSettings settings;

    public StandaloneTopology(HostAndPort node, RedisClientSettings settings) {
        this.node = node;
        this.settings = settings;
    }

    @Override
    public NotificationPublisher publisher(String clientName) {
        return new SingleNodePublisher(new NodeLocator() {
            @Override
            public HostAndPort current() {
                return node;
            }

            @Override
            public String toString() {
                return node.toString();
            }
        }, settings.dataNode(clientName), settings.pipelineSize(), settings.protocolCommand());
    }

    @Override
    public Connection probe(String clientName) {
        Connection connection = new Connection(node, settings.dataNode(clientName));
        connection.connect();
        return connection;
    }

    @Override
    public String mismatch(ServerIdentity server) {
        return switch (server.mode()) {
            case "cluster" -> node + " is a cluster node (" + server + " in cluster mode); set redis.mode=cluster "
                    + "(redis.uri lists one or more of its nodes as seeds)";
            case "sentinel" -> node + " is a Sentinel (" + server + "), not a data node; set redis.mode=sentinel and "
                    + "redis.sentinel.master to the name of the master it monitors";
            default -> null;
        };
    }

    @Override
    public String describe() {
        return node.toString();
    }
}
