package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.config.RedisEndpoint;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import io.dualstream.connect.redis.security.TlsContexts;

/** Builds the publisher that fits the configured Redis deployment. */
public final class PublisherFactory {

    private PublisherFactory() {
    }

    public static NotificationPublisher create(RedisPubSubSinkConfig config, String clientName) {
        return new StandalonePublisher(address(config), clientConfig(config, clientName), config.pipelineSize());
    }

    public static HostAndPort address(RedisPubSubSinkConfig config) {
        return new HostAndPort(config.endpoint().host(), config.endpoint().port());
    }

    /** How to connect, authenticate and (for rediss://) verify the server, for the publisher and for validate(). */
    public static JedisClientConfig clientConfig(RedisPubSubSinkConfig config, String clientName) {
        RedisEndpoint endpoint = config.endpoint();
        DefaultJedisClientConfig.Builder clientConfig = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(config.timeoutMs())
                .socketTimeoutMillis(config.timeoutMs())
                .user(config.user())
                .password(config.password())
                .database(endpoint.database())
                .clientName(clientName)
                // No HELLO: plain AUTH/SELECT work on every Redis version and managed service.
                .serverDefaultProtocol();
        if (endpoint.tls()) {
            // The chain is always checked against the configured (or the JVM's) trust store; the host name unless
            // redis.ssl.verify.hostname=false.
            clientConfig.sslOptions(TlsContexts.sslOptions(config.tls()));
        }
        return clientConfig.build();
    }
}
