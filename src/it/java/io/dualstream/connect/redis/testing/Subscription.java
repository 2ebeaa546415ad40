package io.dualstream.connect.redis.testing;

import redis.clients.jedis.Jedis;

/** What a {@link Subscriber} listens with: a pattern subscription or a sharded one. */
interface Subscription {
    void listen(Jedis jedis);

    boolean active();

    void cancel();
}

