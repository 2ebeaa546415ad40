package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.config.InvalidSettingException;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

import java.util.ArrayList;
import java.util.List;

import static io.dualstream.connect.redis.config.RedisPubSubSinkConfig.REDIS_SENTINEL_MASTER_CONFIG;
import static io.dualstream.connect.redis.config.RedisPubSubSinkConfig.REDIS_SENTINEL_PASSWORD_CONFIG;
import static io.dualstream.connect.redis.config.RedisPubSubSinkConfig.REDIS_URI_CONFIG;

/** redis.mode=sentinel: the master that the sentinels name, followed across failovers. */
public final class SentinelTopology implements RedisTopology {

    private final List<HostAndPort> sentinels;
    private final String master;
    private final RedisClientSettings settings;

    public SentinelTopology(List<HostAndPort> sentinels, String master, RedisClientSettings settings) {
        this.sentinels = List.copyOf(sentinels);
        this.master = master;
        this.settings = settings;
    }

    @Override
    public NotificationPublisher publisher(String clientName) {
        return new SingleNodePublisher(new SentinelLocator(master, sentinels, settings.dataNode(clientName),
                settings.sentinel(clientName)), settings.dataNode(clientName), settings.pipelineSize(), settings.protocolCommand());
    }

    /** Asks each sentinel for the master, then connects to it. */
    @Override
    public Connection probe(String clientName) {
        JedisConnectionException unreachable = null;
        List<String> known = new ArrayList<>();
        HostAndPort master = null;
        for (HostAndPort sentinel : sentinels) {
            try (Connection connection = new Connection(sentinel, settings.sentinel(clientName))) {
                Object address = connection.executeCommand(new CommandArguments(Protocol.Command.SENTINEL)
                        .add("GET-MASTER-ADDR-BY-NAME").add(this.master));
                if (address instanceof List<?> hostPort && hostPort.size() == 2) {
                    master = new HostAndPort(RedisReplies.text(hostPort.get(0)),
                            Integer.parseInt(RedisReplies.text(hostPort.get(1))));
                    break;
                }
                known.addAll(masterNames(connection));
            } catch (JedisConnectionException e) {
                unreachable = e;
            } catch (JedisDataException e) {
                throw sentinelRefused(sentinel, e);
            }
        }
        if (master != null) {
            // Outside the loop: the master's own answers (a wrong redis.password) are not the sentinels'.
            Connection data = new Connection(master, settings.dataNode(clientName));
            data.connect();
            return data;
        }
        if (unreachable != null && known.isEmpty()) {
            throw unreachable;
        }
        throw new InvalidSettingException(REDIS_SENTINEL_MASTER_CONFIG, "the sentinels monitor no master named '" + this.master
                + "'" + (known.isEmpty() ? "" : "; they monitor " + known) + ". Set redis.sentinel.master (or the "
                + "#name of a redis-sentinel:// URI) to one of them.");
    }

    private InvalidSettingException sentinelRefused(HostAndPort sentinel, JedisDataException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (RedisReplies.Refusal.of(message) != RedisReplies.Refusal.OTHER) {
            return new InvalidSettingException(REDIS_SENTINEL_PASSWORD_CONFIG, "the sentinel at " + sentinel
                    + " refused the connection (" + message + "). Sentinels have credentials of their own: set "
                    + "redis.sentinel.username and redis.sentinel.password (redis.username and redis.password are "
                    + "for the master).");
        }
        return new InvalidSettingException(REDIS_URI_CONFIG, sentinel + " did not answer as a Sentinel (" + message + "); "
                + "with redis.mode=sentinel, redis.uri lists the sentinels (usually port 26379), not the data nodes.");
    }

    private static List<String> masterNames(Connection sentinel) {
        List<String> names = new ArrayList<>();
        Object masters = sentinel.executeCommand(new CommandArguments(Protocol.Command.SENTINEL).add("MASTERS"));
        if (masters instanceof List<?> list) {
            for (Object entry : list) {
                if (entry instanceof List<?> fields) {
                    for (int i = 0; i + 1 < fields.size(); i += 2) {
                        if ("name".equals(RedisReplies.text(fields.get(i)))) {
                            names.add(RedisReplies.text(fields.get(i + 1)));
                        }
                    }
                }
            }
        }
        return names;
    }

    @Override
    public String mismatch(ServerIdentity server) {
        return "standalone".equals(server.mode()) ? null
                : "the sentinels name a master that is " + server + " in " + server.mode() + " mode, not a standalone server";
    }

    @Override
    public String describe() {
        return "master '" + master + "' (sentinels " + sentinels + ")";
    }
}
