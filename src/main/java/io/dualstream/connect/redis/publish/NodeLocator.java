package io.dualstream.connect.redis.publish;

import redis.clients.jedis.HostAndPort;

/** Where the single node to publish to is, for {@link SingleNodePublisher}. */
interface NodeLocator extends AutoCloseable {

    /**
     * The node to publish to now.
     *
     * @throws redis.clients.jedis.exceptions.JedisException when it cannot be known now (all sentinels down)
     */
    HostAndPort current();

    /** Checks a new connection before anything is published on it; throws when it is not the node to use. */
    default void verify(NodeConnection connection) {
    }

    /** Whether {@link #current()} would now name another node than it did last time. */
    default boolean moved() {
        return false;
    }

    /** How many times the node changed; for metrics. */
    default long changes() {
        return 0;
    }

    @Override
    default void close() {
    }
}
