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
 */
public final class StandalonePublisher implements NotificationPublisher {

    private final HostAndPort address;
    private final JedisClientConfig clientConfig;
    private final int pipelineSize;
    private Connection connection;

    public StandalonePublisher(HostAndPort address, JedisClientConfig clientConfig, int pipelineSize) {
        this.address = address;
        this.clientConfig = clientConfig;
        this.pipelineSize = pipelineSize;
    }

    @Override
    public long publish(List<Notification> notifications) {
        int published = 0;
        long reached = 0;
        try {
            Connection conn = connection();
            for (int from = 0; from < notifications.size(); from += pipelineSize) {
                int to = Math.min(notifications.size(), from + pipelineSize);
                Pipeline pipeline = new Pipeline(conn);
                for (int i = from; i < to; i++) {
                    Notification notification = notifications.get(i);
                    pipeline.publish(notification.channel(), notification.payload());
                }
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
            return reached;
        } catch (JedisException | IllegalStateException e) {
            if (!(e instanceof JedisDataException)) {
                // The connection may hold half-read replies: never reuse it.
                closeConnection();
            }
            throw new PublishException("PUBLISH to " + address + " failed", published, reached, e);
        }
    }

    private Connection connection() {
        if (connection == null || connection.isBroken()) {
            closeConnection();
            connection = new Connection(address, clientConfig);
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (RuntimeException ignored) {
                // Closing a broken socket can fail; there is nothing left to release.
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closeConnection();
    }
}
