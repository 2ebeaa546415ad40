package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.config.InvalidSettingException;
import io.dualstream.connect.redis.config.PublishCommand;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import io.dualstream.connect.redis.security.TlsContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol.Command;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.dualstream.connect.redis.config.RedisPubSubSinkConfig.REDIS_MODE_CONFIG;
import static io.dualstream.connect.redis.config.RedisPubSubSinkConfig.REDIS_PASSWORD_CONFIG;
import static io.dualstream.connect.redis.config.RedisPubSubSinkConfig.REDIS_PUBLISH_COMMAND_CONFIG;
import static io.dualstream.connect.redis.config.RedisPubSubSinkConfig.REDIS_URI_CONFIG;
import static io.dualstream.connect.redis.config.RedisPubSubSinkConfig.REDIS_USERNAME_CONFIG;
import static io.dualstream.connect.redis.config.RedisPubSubSinkConfig.SSL_TRUSTSTORE_LOCATION_CONFIG;
import static io.dualstream.connect.redis.config.RedisPubSubSinkConfig.SSL_VERIFY_HOSTNAME_CONFIG;

/**
 * What {@code validate()} learns by talking to Redis once: whether TLS, the credentials and the right to
 * {@code PUBLISH} work, each reported on the setting to fix. Every step waits at most {@code redis.timeout.ms}.
 *
 * <p>An unreachable Redis (connection refused or timed out, unknown host) is not an error: Redis may be down for
 * a moment, and the connector is built to wait for it; it is logged. A connection that opens and is then dropped
 * during set-up is an error: that is a TLS mismatch or a missing client certificate. The right to publish is checked without publishing: {@code PUBLISH} is queued inside
 * {@code MULTI} (Redis checks ACLs when it queues a command) to a channel the template could produce, then
 * {@code DISCARD}ed. A user who may not run {@code MULTI} cannot be checked this way; that is logged, not reported.
 */
public final class RedisProbe {

    private static final Logger log = LoggerFactory.getLogger(RedisProbe.class);

    /** Opens the one connection the check talks over; unit tests pass one that never dials. */
    @FunctionalInterface
    public interface Dialer {
        Connection probe(RedisTopology topology, String clientName);
    }

    private RedisProbe() {
    }

    /**
     * Errors by setting, over the connection {@code dialer} opens; empty when Redis accepted everything or could
     * not be reached.
     */
    public static Map<String, String> check(RedisPubSubSinkConfig config, Dialer dialer) {
        Map<String, String> errors = new LinkedHashMap<>();
        String address = config.endpoint().address();
        RedisTopology topology;
        try {
            if (config.endpoint().tls()) {
                // The TLS files first: a broken one is reported on its setting whether or not Redis answers.
                TlsContexts.sslOptions(config.tls());
            }
            topology = RedisTopology.of(config);
        } catch (InvalidSettingException e) {
            return e.reasons();
        }
        try (Connection connection = dialer.probe(topology, "kafka-connect-redis-pubsub:validate")) {
            // The first command also authenticates.
            connection.executeCommand(new CommandArguments(Command.PING));
            ServerIdentity server = identify(connection);
            String mismatch = server == null ? null : topology.mismatch(server);
            if (mismatch != null) {
                errors.put(REDIS_MODE_CONFIG, mismatch);
                return errors;
            }
            if (config.publishCommand() == PublishCommand.SPUBLISH && server != null && !server.hasShardedPubSub()) {
                errors.put(REDIS_PUBLISH_COMMAND_CONFIG, "SPUBLISH needs Redis 7 or later (or Valkey), and this is "
                        + server + "; use PUBLISH, or upgrade the server");
                return errors;
            }
            checkPublish(connection, config, errors);
        } catch (InvalidSettingException e) {
            errors.putAll(e.reasons());
        } catch (JedisDataException e) {
            credentialsRejected(e, config, errors);
        } catch (JedisException e) {
            connectionFailed(e, config, address, errors);
        }
        return errors;
    }

    /**
     * What the node is, from HELLO (Redis 6+ and Valkey, allowed by +@connection, so ACL users that may only connect
     * and publish can answer it) or else from INFO (a proxy in front of the server may not know HELLO); null when the
     * user may run neither, and then nothing is checked.
     */
    private static ServerIdentity identify(Connection connection) {
        try {
            Object reply = connection.executeCommand(new CommandArguments(Command.HELLO));
            Map<String, String> fields = new LinkedHashMap<>();
            if (reply instanceof List<?> list) {
                for (int i = 0; i + 1 < list.size(); i += 2) {
                    fields.put(RedisReplies.text(list.get(i)), RedisReplies.text(list.get(i + 1)));
                }
            }
            return ServerIdentity.fromHello(fields);
        } catch (JedisDataException noHello) {
            try {
                return ServerIdentity.fromInfo(info(connection));
            } catch (JedisDataException noInfo) {
                log.info("Cannot check the Redis mode and version: HELLO and INFO were refused ({}).", noInfo.getMessage());
                return null;
            }
        }
    }

    /** INFO server as key/value pairs. */
    private static Map<String, String> info(Connection connection) {
        String text = RedisReplies.text(connection.executeCommand(new CommandArguments(Command.INFO).add("server")));
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    private static void checkPublish(Connection connection, RedisPubSubSinkConfig config, Map<String, String> errors) {
        String command = config.publishCommand().name();
        try {
            connection.executeCommand(new CommandArguments(Command.MULTI));
        } catch (JedisDataException e) {
            log.info("Cannot check whether Redis lets {} publish: MULTI was refused ({}). Publishing failures will show "
                    + "at run time.", who(config), e.getMessage());
            return;
        }
        try {
            // One queued command per template: ACL channel patterns may allow the per-source channels but not an
            // aggregate one. Queued commands are discarded below, so nothing is published.
            for (String channel : config.sampleChannels()) {
                if (!mayPublish(connection, config, command, channel, errors)) {
                    return;
                }
            }
        } finally {
            try {
                connection.executeCommand(new CommandArguments(Command.DISCARD));
            } catch (JedisException ignored) {
                // MULTI failed or the connection is going away: nothing was published either way.
            }
        }
    }

    private static boolean mayPublish(Connection connection, RedisPubSubSinkConfig config, String command,
                                      String channel, Map<String, String> errors) {
        try {
            connection.executeCommand(new CommandArguments(Command.valueOf(command)).add(channel).add(""));
            return true;
        } catch (JedisDataException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            if (message.startsWith("NOPERM")) {
                errors.put(REDIS_USERNAME_CONFIG, "Redis does not let " + who(config) + " run " + command
                        + " on channels such as '" + channel + "' (" + message + "). Grant it, for example ACL SETUSER "
                        + userName(config) + " +" + command.toLowerCase(Locale.ROOT) + " &" + channelPattern(channel)
                        + ", or use another user.");
                return false;
            }
            // MOVED (the sample channel's slot is on another cluster node) and the like: not a configuration error.
            log.info("Redis refused a queued {} during validation ({}); not reported as an error", command, message);
            return true;
        }
    }

    private static void credentialsRejected(JedisDataException e, RedisPubSubSinkConfig config, Map<String, String> errors) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        switch (RedisReplies.Refusal.of(message)) {
            case WRONG_CREDENTIALS -> errors.put(REDIS_PASSWORD_CONFIG, "Redis rejected the password for " + who(config)
                    + " (" + message + "). Check redis.password and redis.username.");
            case NO_CREDENTIALS -> errors.put(REDIS_PASSWORD_CONFIG, "Redis requires a password (" + message
                    + "); set redis.password.");
            case NO_PERMISSION -> errors.put(REDIS_USERNAME_CONFIG, "Redis refused " + who(config) + " a command it "
                    + "needs to connect (" + message + "). Grant it +@connection, or use another user.");
            case OTHER -> errors.put(REDIS_URI_CONFIG, "Redis answered the connection set-up with an error: " + message);
        }
    }

    private static void connectionFailed(JedisException e, RedisPubSubSinkConfig config, String address,
                                         Map<String, String> errors) {
        Throwable certificate = find(e, CertPathBuilderException.class, CertPathValidatorException.class);
        if (certificate != null) {
            errors.put(SSL_TRUSTSTORE_LOCATION_CONFIG, "the certificate of Redis at " + address + " is not trusted ("
                    + rootMessage(e) + "). Set redis.ssl.truststore.location to the CA that signed it.");
            return;
        }
        CertificateException badName = (CertificateException) find(e, CertificateException.class);
        if (badName != null) {
            errors.put(SSL_VERIFY_HOSTNAME_CONFIG, "the certificate of Redis does not name the host "
                    + config.endpoint().host() + " (" + badName.getMessage() + "). Connect with a name it holds, "
                    + "or set redis.ssl.verify.hostname=false.");
            return;
        }
        if (find(e, SSLException.class) != null) {
            errors.put(REDIS_URI_CONFIG, "the TLS handshake with " + address + " failed (" + rootMessage(e) + "). "
                    + (config.endpoint().tls() ? "Is it a TLS port, and does it require a client certificate "
                    + "(redis.ssl.keystore.location)?" : ""));
            return;
        }
        if (find(e, ConnectException.class, NoRouteToHostException.class, UnknownHostException.class,
                SocketTimeoutException.class) == null) {
            // Reached, then dropped during set-up: a server wanting a client certificate (TLS 1.3 says so only
            // after the handshake), or TLS on one side only.
            errors.put(REDIS_URI_CONFIG, "Redis at " + address + " closed the connection during set-up ("
                    + rootMessage(e) + "). " + (config.endpoint().tls()
                    ? "Does it require a client certificate (redis.ssl.keystore.location)?"
                    : "Is it a TLS port? Then use rediss://."));
            return;
        }
        // Down for now, or a firewall: the connector still starts and publishes once Redis answers.
        log.warn("Could not reach Redis at {} while validating the configuration ({}); it is not reported as an "
                + "error because the connector waits for Redis, but check redis.uri if this persists.", address,
                rootMessage(e));
    }

    private static String who(RedisPubSubSinkConfig config) {
        return "the user '" + userName(config) + "'";
    }

    private static String userName(RedisPubSubSinkConfig config) {
        return config.user() == null ? "default" : config.user();
    }

    /** The literal prefix of the sample channel followed by '*': what an ACL channel rule would grant. */
    private static String channelPattern(String channel) {
        int colon = channel.indexOf(':');
        return colon < 0 ? channel : channel.substring(0, colon + 1) + "*";
    }

    /** The first cause or suppressed exception of one of the types; Jedis keeps per-address failures as suppressed. */
    @SafeVarargs
    private static Throwable find(Throwable error, Class<? extends Throwable>... types) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(t)) {
                    return t;
                }
            }
            for (Throwable suppressed : t.getSuppressed()) {
                Throwable found = find(suppressed, types);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
