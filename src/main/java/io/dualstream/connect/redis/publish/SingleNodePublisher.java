package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisException;

import java.util.List;

/**
 * Publishes to the one node that serves every channel: a standalone Redis, or the master that the sentinels
 * name. {@link NodeLocator} says which node that is; when it changes (a failover), the connection to the old
 * node is closed before anything else is sent, so nothing goes on being published to a demoted master.
 * The connection is opened lazily and dropped when it breaks, so the next batch reconnects.
 */
final class SingleNodePublisher implements NotificationPublisher {

    private final NodeLocator locator;
    private final JedisClientConfig clientConfig;
    private final int pipelineSize;
    private final ProtocolCommand command;
    private NodeConnection connection;
    private final ReplyGuard replies = new ReplyGuard();

    SingleNodePublisher(NodeLocator locator, JedisClientConfig clientConfig, int pipelineSize, ProtocolCommand command) {
        this.locator = locator;
        this.clientConfig = clientConfig;
        this.pipelineSize = pipelineSize;
        this.command = command;
    }

    @Override
    public Replies send(List<Notification> notifications) {
        replies.checkNoneOutstanding();
        int size = notifications.size();
        if (size == 0) {
            return Replies.of(PublishResult.complete(0, 0));
        }
        NodePipeline pipeline;
        try {
            pipeline = new NodePipeline(connection());
        } catch (JedisException | IllegalStateException e) {
            closeConnection();
            return Replies.of(PublishResult.failed(size, e));
        }
        BatchOutcome outcome = new BatchOutcome(size);
        for (int i = 0; i < size; i++) {
            pipeline.add(i);
        }
        pipeline.write(notifications, command, pipelineSize, outcome);
        if (pipeline.failed()) {
            closeConnection();
            return Replies.of(outcome.result());
        }
        return replies.outstanding(() -> {
            pipeline.read(outcome);
            if (pipeline.failed()) {
                // The connection may hold half-read replies: never reuse it.
                closeConnection();
            }
            return outcome.result();
        });
    }

    private NodeConnection connection() {
        var target = locator.current();
        if (connection != null && (connection.isBroken() || !connection.address().equals(target))) {
            closeConnection();
        }
        if (connection == null) {
            NodeConnection fresh = new NodeConnection(target, clientConfig);
            try {
                locator.verify(fresh);
            } catch (RuntimeException e) {
                fresh.closeQuietly();
                throw e;
            }
            connection = fresh;
        }
        return connection;
    }

    private void closeConnection() {
        replies.clear();
        if (connection != null) {
            connection.closeQuietly();
            connection = null;
        }
    }

    @Override
    public boolean topologyChanged() {
        return locator.moved();
    }

    @Override
    public long topologyRefreshes() {
        return locator.changes();
    }

    /** Unread replies are discarded with the connection. */
    @Override
    public void close() {
        try {
            closeConnection();
        } finally {
            locator.close();
        }
    }

    @Override
    public String toString() {
        return locator.toString();
    }
}
