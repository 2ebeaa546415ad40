package io.dualstream.connect.redis;

import redis.clients.jedis.exceptions.JedisConnectionException;

import java.net.ConnectException;
import java.util.List;

/**
 * Connectors for unit tests of {@code validate()}: everything is checked as usual, TLS files included, but the
 * connection to Redis is never dialled; Redis looks unreachable (which validate() logs, not reports), and the
 * addresses it would have dialled are recorded.
 */
public final class OfflineConnectors {

    private OfflineConnectors() {
    }

    /** A connector that adds where its validate() would connect (the topology's addresses) to {@code dialled}. */
    public static RedisPubSubSinkConnector recording(List<String> dialled) {
        return new RedisPubSubSinkConnector((topology, clientName) -> {
            dialled.add(topology.describe());
            throw new JedisConnectionException("not dialled from a unit test",
                    new ConnectException("unit tests never connect to " + topology.describe()));
        });
    }
}
