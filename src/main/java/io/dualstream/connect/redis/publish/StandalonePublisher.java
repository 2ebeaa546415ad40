package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

import java.util.List;

/**
 * Publishes to a standalone Redis (or a primary behind a fixed address) over one connection, one pipeline
 * round trip per chunk of {@code pipelineSize}. The connection is opened lazily and dropped when it breaks,
 * so the next batch reconnects.
 *
 * <p>{@link #send(List)} reads the replies of every chunk but the last before writing the next one, and leaves
 * the last chunk's replies to {@link Replies#await()}: at most one chunk of replies is ever outstanding, and the
 * order of the notifications is the order on the one connection.
 */
public final class StandalonePublisher implements NotificationPublisher {

    private final HostAndPort address;
    private final JedisClientConfig clientConfig;
    private final int pipelineSize;
    private FlushableConnection connection;
    /** The batch whose last chunk's replies have not been read yet; nothing else may be sent meanwhile. */
    private InFlight inFlight;

    public StandalonePublisher(HostAndPort address, JedisClientConfig clientConfig, int pipelineSize) {
        this.address = address;
        this.clientConfig = clientConfig;
        this.pipelineSize = pipelineSize;
    }

    @Override
    public long publish(List<Notification> notifications) {
        return send(notifications).await();
    }

    @Override
    public Replies send(List<Notification> notifications) {
        if (inFlight != null) {
            throw new IllegalStateException("the replies of the previous batch to " + address + " were not read");
        }
        InFlight batch = new InFlight();
        if (notifications.isEmpty()) {
            return batch::reached;
        }
        try {
            FlushableConnection conn = connection();
            for (int from = 0; from < notifications.size(); from += pipelineSize) {
                int to = Math.min(notifications.size(), from + pipelineSize);
                Pipeline pipeline = new Pipeline(conn);
                for (int i = from; i < to; i++) {
                    Notification notification = notifications.get(i);
                    pipeline.publish(notification.channel(), notification.payload());
                }
                if (to < notifications.size()) {
                    batch.read(pipeline);
                } else {
                    conn.flushPipeline();
                    batch.last = pipeline;
                }
            }
        } catch (JedisException | IllegalStateException e) {
            throw batch.failed(e);
        }
        inFlight = batch;
        return batch;
    }

    /** One batch's progress: what Redis confirmed so far, and the chunk whose replies are still to be read. */
    private final class InFlight implements Replies {
        private int published;
        private long reached;
        private Pipeline last;

        long reached() {
            return reached;
        }

        @Override
        public long await() {
            if (inFlight != this) {
                throw new IllegalStateException("these replies from " + address + " were already read");
            }
            inFlight = null;
            try {
                read(last);
                return reached;
            } catch (JedisException | IllegalStateException e) {
                throw failed(e);
            }
        }

        void read(Pipeline pipeline) {
            RuntimeException firstError = null;
            for (Object reply : pipeline.syncAndReturnAll()) {
                if (reply instanceof Long subscribers) {
                    reached += subscribers;
                    published++;
                } else if (firstError == null) {
                    firstError = reply instanceof RuntimeException e ? e
                            : new JedisDataException("unexpected reply to PUBLISH: " + reply);
                }
            }
            if (firstError != null) {
                throw firstError;
            }
        }

        PublishException failed(RuntimeException e) {
            if (!(e instanceof JedisDataException)) {
                // The connection may hold half-read replies: never reuse it.
                closeConnection();
            }
            return new PublishException("PUBLISH to " + address + " failed", published, reached, e);
        }
    }

    private FlushableConnection connection() {
        if (connection == null || connection.isBroken()) {
            closeConnection();
            connection = new FlushableConnection(address, clientConfig);
        }
        return connection;
    }

    private void closeConnection() {
        inFlight = null;
        if (connection != null) {
            try {
                connection.close();
            } catch (RuntimeException ignored) {
                // Closing a broken socket can fail; there is nothing left to release.
            }
            connection = null;
        }
    }

    /** Unread replies are discarded with the connection. */
    @Override
    public void close() {
        closeConnection();
    }

    /** Jedis flushes a pipeline only when it reads the replies; this sends it without reading. */
    private static final class FlushableConnection extends Connection {
        FlushableConnection(HostAndPort address, JedisClientConfig clientConfig) {
            super(address, clientConfig);
        }

        void flushPipeline() {
            flush();
        }
    }
}
