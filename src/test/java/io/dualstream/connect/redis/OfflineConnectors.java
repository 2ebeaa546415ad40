package io.dualstream.connect.redis;

import org.apache.kafka.common.config.ConfigValue;
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.net.ConnectException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /**
     * The settings that {@code validate()} of a {@link #recording} connector reports errors on, in its order,
     * each with its messages; empty when the configuration is valid. Redis being unreachable is not among them.
     */
    public static Map<String, List<String>> validationErrors(Map<String, String> config, List<String> dialled) {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        for (ConfigValue value : recording(dialled).validate(config).configValues()) {
            if (!value.errorMessages().isEmpty()) {
                errors.put(value.name(), value.errorMessages());
            }
        }
        return errors;
    }
}
