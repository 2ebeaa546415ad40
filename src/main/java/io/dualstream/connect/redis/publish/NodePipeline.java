package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

import java.util.Arrays;
import java.util.List;

/**
 * The notifications of one batch that go to one node, in batch order, on one connection. They are written in
 * chunks of {@code pipelineSize}; the replies of every chunk but the last are read before the next chunk is
 * written, so at most one chunk of replies is outstanding, and the last chunk's replies are read by
 * {@link #read(BatchOutcome)}. A connection failure marks every notification still unconfirmed as undelivered.
 */
final class NodePipeline {

    private final NodeConnection connection;
    private int[] indices = new int[64];
    private int count;
    private int confirmed;
    private int written;
    private boolean failed;

    NodePipeline(NodeConnection connection) {
        this.connection = connection;
    }

    NodeConnection connection() {
        return connection;
    }

    void add(int index) {
        if (count == indices.length) {
            indices = Arrays.copyOf(indices, count * 2);
        }
        indices[count++] = index;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Whether the connection failed; the owner must then close it. */
    boolean failed() {
        return failed;
    }

    /** Writes every notification added, flushing the last chunk without reading its replies. */
    void write(List<Notification> batch, ProtocolCommand command, int pipelineSize, BatchOutcome outcome) {
        try {
            while (written < count) {
                int end = Math.min(count, written + pipelineSize);
                for (int i = written; i < end; i++) {
                    connection.write(command, batch.get(indices[i]));
                }
                written = end;
                if (written < count) {
                    readWritten(outcome);
                } else {
                    connection.flushPipeline();
                }
            }
        } catch (JedisException | IllegalStateException e) {
            fail(e, outcome);
        }
    }

    /** Reads the replies still outstanding. */
    void read(BatchOutcome outcome) {
        if (failed || confirmed == written) {
            return;
        }
        try {
            readWritten(outcome);
        } catch (JedisException | IllegalStateException e) {
            fail(e, outcome);
        }
    }

    private void readWritten(BatchOutcome outcome) {
        List<Object> replies = connection.readReplies(written - confirmed);
        for (Object reply : replies) {
            int index = indices[confirmed++];
            if (reply instanceof Long subscribers) {
                outcome.delivered(subscribers);
            } else if (reply instanceof JedisRedirectionException redirect) {
                outcome.redirected(index, redirect);
            } else if (reply instanceof JedisDataException error) {
                outcome.undelivered(index, error);
            } else {
                outcome.undelivered(index, new JedisDataException("unexpected reply to a publish: " + reply));
            }
        }
    }

    private void fail(RuntimeException e, BatchOutcome outcome) {
        failed = true;
        for (int i = confirmed; i < count; i++) {
            outcome.undelivered(indices[i], e);
        }
        confirmed = count;
    }
}
