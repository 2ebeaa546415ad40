package io.dualstream.connect.redis.testing;

import io.dualstream.quickstart.RedisServer;
import org.testcontainers.DockerClientFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Redis server that a test owns: it can be killed, restarted on the same port, frozen and resumed.
 * A local {@code redis-server} (or {@code valkey-server}, see {@link ServerKind}) process when one is on the PATH; otherwise a Testcontainers Redis when Docker
 * runs; otherwise the test fails, saying how to get Redis.
 */
public interface RedisFixture extends RedisEndpoint, AutoCloseable {

    static RedisFixture start(String... extraArgs) {
        if (ServerKind.current().onPath()) {
            return RedisProcess.start(List.of(extraArgs));
        }
        if (dockerAvailable()) {
            return RedisContainer.start(List.of(extraArgs));
        }
        throw ServerKind.current().missing("These tests, when no Docker engine runs,");
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Kills the server at once (SIGKILL): clients see a dropped connection, then refused connections. */
    void kill();

    /** Starts the server again on the same port and waits until it answers PING. */
    void restart();

    /** Freezes the server (SIGSTOP): connections stay open, nothing answers. */
    void freeze();

    /** Resumes a frozen server (SIGCONT). */
    void resume();

    /** A new client connection, for assertions and subscriptions. */
    default Jedis client() {
        return new Jedis(host(), port(), 5000);
    }

    @Override
    void close();

    /**
     * {@code SPUBLISH channel message} on {@code jedis}'s node; answers the subscribers reached. Jedis has the
     * command only on its cluster and unified clients, not on a single connection.
     */
    static long spublish(Jedis jedis, String channel, String message) {
        return (Long) jedis.sendCommand(Protocol.Command.SPUBLISH, channel, message);
    }

    /** {@code INFO section} of {@code jedis}'s node as {@code field -> value}. */
    static Map<String, String> info(Jedis jedis, String section) {
        return fields(jedis.info(section));
    }

    /** The {@code field:value} lines of an {@code INFO} or {@code CLUSTER INFO} reply. */
    static Map<String, String> fields(String reply) {
        Map<String, String> fields = new HashMap<>();
        reply.lines().forEach(line -> {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        });
        return fields;
    }

    /** Waits until the server answers PING. */
    static void awaitPing(String host, int port, Duration timeout, Runnable onFailure) {
        try {
            RedisServer.awaitPing(host, port, timeout, onFailure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Redis", e);
        }
    }
}
