package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.config.RedisEndpoint;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;

/** Builds the publisher that fits the configured Redis deployment. */
public final class PublisherFactory {

    private PublisherFactory() {
    }

    public static NotificationPublisher create(RedisPubSubSinkConfig config, String clientName) {
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
            // FULL: the certificate chain against the JVM's trust store, and the host name against the certificate.
            clientConfig.sslOptions(SslOptions.builder().sslVerifyMode(SslVerifyMode.FULL).build());
        }
        return new StandalonePublisher(new HostAndPort(endpoint.host(), endpoint.port()), clientConfig.build(),
                config.pipelineSize());
    }
}
