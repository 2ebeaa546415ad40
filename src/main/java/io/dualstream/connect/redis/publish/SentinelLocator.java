package io.dualstream.connect.redis.publish;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.SentineledConnectionProvider;
import redis.clients.jedis.util.Delay;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The master that the sentinels name. Jedis's {@link SentineledConnectionProvider} asks the sentinels at start
 * and then follows {@code +switch-master} (one listener thread per sentinel); its master pool is never used
 * (connections from it cannot be flushed without reading, see {@link NodeConnection}), so it opens no
 * connection to the data nodes. A new connection must find {@code ROLE} master: right after a failover the old
 * master may still be reachable as a replica, and a replica accepts {@code PUBLISH} and reaches nobody.
 */
final class SentinelLocator implements NodeLocator {

    private static final Logger log = LoggerFactory.getLogger(SentinelLocator.class);
    /**
     * How soon a listener that lost its sentinel tries again: Jedis logs a WARN with a stack trace per attempt, so
     * a sentinel that stays down is tried after 1, 2, 4 ... s, at most every 30 s (Jedis's default is every 5 s).
     * The other sentinels keep announcing failovers meanwhile.
     */
    private static final Delay RESUBSCRIBE = Delay.exponentialWithJitter(Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofSeconds(1));

    private final String master;
    private final List<HostAndPort> sentinels;
    private final JedisClientConfig dataConfig;
    private final JedisClientConfig sentinelConfig;
    private SentineledConnectionProvider provider;
    private HostAndPort last;
    private long changes;

    SentinelLocator(String master, List<HostAndPort> sentinels, JedisClientConfig dataConfig,
                    JedisClientConfig sentinelConfig) {
        this.master = master;
        this.sentinels = sentinels;
        this.dataConfig = dataConfig;
        this.sentinelConfig = sentinelConfig;
    }

    @Override
    public HostAndPort current() {
        if (provider == null) {
            // Created on first use, so that sentinels that are down at start are a publish failure, retried later.
            provider = new SentineledConnectionProvider(master, dataConfig, (GenericObjectPoolConfig<Connection>) null,
                    new LinkedHashSet<>(sentinels), sentinelConfig, RESUBSCRIBE);
        }
        HostAndPort now = provider.getCurrentMaster();
        if (last != null && !last.equals(now)) {
            changes++;
            log.info("The sentinels name {} as the master of '{}' (was {}); publishing there from now on.", now, master, last);
        }
        last = now;
        return now;
    }

    @Override
    public void verify(NodeConnection connection) {
        Object role = connection.executeCommand(new CommandArguments(Protocol.Command.ROLE));
        String name = RedisReplies.text(role instanceof List<?> fields && !fields.isEmpty() ? fields.get(0) : role);
        if (!"master".equals(name)) {
            throw new JedisException(connection.address() + " is a " + name + ", no longer the master of '" + master
                    + "'; waiting for the sentinels to name the new one");
        }
    }

    @Override
    public boolean moved() {
        return provider != null && last != null && !last.equals(provider.getCurrentMaster());
    }

    @Override
    public long changes() {
        return changes;
    }

    @Override
    public void close() {
        if (provider != null) {
            // Stops the listener threads and closes their sentinel connections.
            provider.close();
            provider = null;
        }
    }

    @Override
    public String toString() {
        return "master '" + master + "'" + (last == null ? "" : " at " + last);
    }
}
