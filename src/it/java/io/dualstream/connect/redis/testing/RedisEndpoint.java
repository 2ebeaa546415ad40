package io.dualstream.connect.redis.testing;

import redis.clients.jedis.HostAndPort;

/** Where a Redis node listens: a standalone fixture, a cluster node, a sentinel or a sentinel-managed node. */
public interface RedisEndpoint {

    String host();

    int port();

    default String uri() {
        return "redis://" + host() + ":" + port();
    }

    default HostAndPort hostAndPort() {
        return new HostAndPort(host(), port());
    }
}
