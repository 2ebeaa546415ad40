package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.commands.ProtocolCommand;

import java.util.List;

/**
 * One connection of the connector's own to one Redis node. Not from a Jedis pool: Jedis flushes a pipeline only
 * when it reads the replies ({@code Connection.flush()} is protected), and the best-effort path writes a batch
 * and reads its replies later; a subclass can flush. It connects on first use, with the configured client name,
 * through a {@link WholeWriteSocket}, so that a flushed batch leaves in one write.
 */
final class NodeConnection extends Connection {

    private final HostAndPort address;

    NodeConnection(HostAndPort address, JedisClientConfig clientConfig) {
        super(new WholeWriteSocket.Factory(address, clientConfig), clientConfig);
        this.address = address;
    }

    HostAndPort address() {
        return address;
    }

    /** Buffers one publish; the socket is written when the buffer fills or at {@link #flushPipeline()}. */
    void write(ProtocolCommand command, Notification notification) {
        sendCommand(command, notification.channel(), notification.payload());
    }

    void flushPipeline() {
        flush();
    }

    /** Reads {@code count} replies: a {@code Long} per delivered publish, a {@code JedisDataException} per error reply. */
    List<Object> readReplies(int count) {
        return getMany(count);
    }

    /** Closing a broken socket can fail; there is nothing left to release then. */
    void closeQuietly() {
        try {
            close();
        } catch (RuntimeException ignored) {
            // already gone
        }
    }
}
