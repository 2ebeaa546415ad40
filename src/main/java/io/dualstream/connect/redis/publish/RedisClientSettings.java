package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.config.PublishCommand;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import io.dualstream.connect.redis.config.TlsSettings;
import io.dualstream.connect.redis.security.TlsContexts;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.commands.ProtocolCommand;

/**
 * How every connection of the connector is made, whatever the topology: timeouts, credentials (the data nodes'
 * and the sentinels' own), TLS, and what is published how.
 *
 * @param tls the TLS material for rediss://, or {@code null} for plain TCP
 */
public record RedisClientSettings(int timeoutMs, String user, String password, int database, TlsSettings tls,
                                  String sentinelUser, String sentinelPassword, int pipelineSize,
                                  PublishCommand command, long retryBackoffMs, long retryBackoffMaxMs) {

    /** The one place the configuration becomes connection settings; TLS files are read when a connection is set up. */
    public static RedisClientSettings of(RedisPubSubSinkConfig config) {
        return new RedisClientSettings(config.timeoutMs(), config.user(), config.password(),
                config.endpoint().database(), config.endpoint().tls() ? config.tls() : null, config.sentinelUser(),
                config.sentinelPassword(), config.pipelineSize(), config.publishCommand(), config.retryBackoffMs(),
                config.retryBackoffMaxMs());
    }

    /** The Redis command that publishes, as Jedis writes it. */
    public ProtocolCommand protocolCommand() {
        return switch (command) {
            case PUBLISH -> Protocol.Command.PUBLISH;
            case SPUBLISH -> Protocol.Command.SPUBLISH;
        };
    }

    /** For connections to the nodes that publish, named so that {@code CLIENT LIST} shows whose they are. */
    public JedisClientConfig dataNode(String clientName) {
        return build(clientName, user, password, database);
    }

    /** For connections to sentinels: their own credentials, the same TLS. */
    public JedisClientConfig sentinel(String clientName) {
        return build(clientName, sentinelUser, sentinelPassword, 0);
    }

    private JedisClientConfig build(String clientName, String user, String password, int database) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMs)
                .socketTimeoutMillis(timeoutMs)
                .user(user)
                .password(password)
                .database(database)
                .clientName(clientName)
                // No HELLO: plain AUTH/SELECT work on every Redis version and managed service.
                .serverDefaultProtocol();
        if (tls != null) {
            // The chain is always checked against the configured (or the JVM's) trust store; the host name unless
            // redis.ssl.verify.hostname=false.
            config.sslOptions(TlsContexts.sslOptions(tls));
        }
        return config.build();
    }

    /** Passwords stay out of logs. */
    @Override
    public String toString() {
        return "user=" + (user == null ? "default" : user) + ", tls=" + (tls != null) + ", command=" + command
                + ", pipeline=" + pipelineSize;
    }
}
