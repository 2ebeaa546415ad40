package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.config.RedisEndpoint;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;

/** Builds the publisher that fits the configured Redis deployment. */
public final class PublisherFactory {

    private PublisherFactory() {
    }

    public static NotificationPublisher create(RedisPubSubSinkConfig config, String clientName) {
        RedisEndpoint endpoint = config.endpoint();
        DefaultJedisClientConfig clientConfig = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(config.timeoutMs())
                .socketTimeoutMillis(config.timeoutMs())
                .user(config.user())
                .password(config.password())
                .database(endpoint.database())
                .ssl(endpoint.tls())
                .clientName(clientName)
                // No HELLO: plain AUTH/SELECT work on every Redis version and managed service.
                .serverDefaultProtocol()
                .build();
        return new StandalonePublisher(new HostAndPort(endpoint.host(), endpoint.port()), clientConfig,
                config.pipelineSize());
    }
}
