package io.dualstream.connect.redis.publish;

import redis.clients.jedis.Protocol;
import redis.clients.jedis.commands.ProtocolCommand;

import java.util.Locale;

/**
 * {@code PUBLISH} (classic Pub/Sub; in a cluster, broadcast to every node) or {@code SPUBLISH} (sharded Pub/Sub,
 * Redis 7+: delivered by the node that owns the channel's slot, to its {@code SSUBSCRIBE} subscribers).
 */
public enum PublishCommand {
    PUBLISH(Protocol.Command.PUBLISH),
    SPUBLISH(Protocol.Command.SPUBLISH);

    private final ProtocolCommand command;

    PublishCommand(ProtocolCommand command) {
        this.command = command;
    }

    ProtocolCommand protocolCommand() {
        return command;
    }

    /** Whether each channel must go to the node that owns its slot. */
    boolean sharded() {
        return this == SPUBLISH;
    }

    public static PublishCommand parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
