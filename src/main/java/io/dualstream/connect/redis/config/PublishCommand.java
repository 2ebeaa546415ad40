package io.dualstream.connect.redis.config;

import java.util.Locale;

/**
 * redis.publish.command: {@code PUBLISH} (classic Pub/Sub; in a cluster, broadcast to every node) or
 * {@code SPUBLISH} (sharded Pub/Sub, Redis 7+: delivered by the node that owns the channel's slot, to its
 * {@code SSUBSCRIBE} subscribers). The Redis command each stands for is the publishers' business.
 */
public enum PublishCommand {
    PUBLISH, SPUBLISH;

    /** Whether each channel must go to the node that owns its slot. */
    public boolean sharded() {
        return this == SPUBLISH;
    }

    public static PublishCommand parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
