package io.dualstream.connect.redis;

import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import io.dualstream.connect.redis.publish.RedisProbe;
import io.dualstream.connect.redis.publish.RedisTopology;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Publishes a lightweight Redis Pub/Sub notification for every Kafka record: the real-time half of the
 * dual-stream pattern, with Kafka as the source of truth.
 */
public class RedisPubSubSinkConnector extends SinkConnector {

    private final Validator validator;
    private Map<String, String> props;

    public RedisPubSubSinkConnector() {
        this(RedisTopology::probe);
    }

    /** For unit tests: validate() talks to Redis only through {@code dialer}. */
    RedisPubSubSinkConnector(RedisProbe.Dialer dialer) {
        this.validator = new Validator(dialer);
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        // Fail fast, with the same messages as validate().
        new RedisPubSubSinkConfig(props);
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return RedisPubSubSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            configs.add(props);
        }
        return configs;
    }

    @Override
    public void stop() {
        props = null;
    }

    @Override
    public ConfigDef config() {
        return RedisPubSubSinkConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return validator.validate(connectorConfigs);
    }
}
