package io.dualstream.connect.redis.testing;

import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;

/** A {@link Subscriber}'s {@code PSUBSCRIBE}; a new Jedis Pub/Sub for each connection, since one cannot be reused. */
final class PatternSubscription implements Subscription {
    private final Subscriber self;
    private final byte[] pattern;
    private volatile BinaryJedisPubSub current;

    PatternSubscription(Subscriber self, String pattern) {
        this.self = self;
        this.pattern = pattern.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void listen(Jedis jedis) {
        current = new BinaryJedisPubSub() {
            @Override
            public void onPMessage(byte[] matched, byte[] channel, byte[] message) {
                self.record(channel, message);
            }

            @Override
            public void onPSubscribe(byte[] matched, int subscribedChannels) {
                if (self.allConfirmed()) {
                    self.countResubscription(); // connected again after Redis went away
                }
                self.countConfirmation();
            }
        };
        jedis.psubscribe(current, pattern);
    }

    @Override
    public boolean active() {
        BinaryJedisPubSub pubSub = current;
        return pubSub != null && pubSub.isSubscribed();
    }

    @Override
    public void cancel() {
        current.punsubscribe();
    }
}

