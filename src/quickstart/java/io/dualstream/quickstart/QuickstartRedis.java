package io.dualstream.quickstart;

import io.dualstream.quickstart.gateway.RedisSubscriptions;
import io.dualstream.quickstart.gateway.Subscriptions;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The Redis the quickstart publishes to: the one the user named, else the one answering on localhost:6379,
 * else a {@code redis-server} started from the PATH on a free port (and stopped again on {@link #close()}).
 */
public final class QuickstartRedis implements RedisDeployment {

    static final String INSTALL_HINT = "Install Redis and run the quickstart again "
            + "(Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis), "
            + "or point it at a running Redis with -Dquickstart.redis.uri=redis://HOST:PORT";

    private final String host;
    private final int port;
    private final String uri;
    private final String origin;
    private final Process spawned;

    private QuickstartRedis(String host, int port, String uri, String origin, Process spawned) {
        this.host = host;
        this.port = port;
        this.uri = uri;
        this.origin = origin;
        this.spawned = spawned;
    }

    /** Resolves Redis as described above; {@code probeHost}/{@code probePort} is where a running one is looked for. */
    public static QuickstartRedis obtain(String userUri, String probeHost, int probePort, Path workDir) {
        if (userUri != null) {
            URI parsed = URI.create(userUri);
            int port = parsed.getPort() == -1 ? 6379 : parsed.getPort();
            if (!answersPing(parsed.getHost(), port)) {
                throw new QuickstartException("Redis at " + userUri + " (quickstart.redis.uri) does not answer PING: "
                        + "start it, or leave quickstart.redis.uri unset to use localhost:6379 or a redis-server "
                        + "the quickstart starts");
            }
            return new QuickstartRedis(parsed.getHost(), port, userUri, "given by quickstart.redis.uri", null);
        }
        if (answersPing(probeHost, probePort)) {
            return new QuickstartRedis(probeHost, probePort, "redis://" + probeHost + ":" + probePort,
                    "already running", null);
        }
        if (!RedisServer.onPath(RedisServer.SERVER, System.getenv("PATH"))) {
            throw new QuickstartException("No Redis answers on " + probeHost + ":" + probePort
                    + " and there is no redis-server on the PATH. " + INSTALL_HINT);
        }
        return spawn(workDir.resolve("redis"));
    }

    private static QuickstartRedis spawn(Path dir) {
        try {
            Files.createDirectories(dir);
            int port = RedisServer.freePort();
            Path log = dir.resolve("redis-server.log");
            Process process = RedisServer.start(RedisServer.SERVER, null, port, dir, List.of(), log);
            try {
                RedisServer.awaitStarted(process, port, Duration.ofSeconds(15));
            } catch (IllegalStateException exitedOrTimedOut) {
                process.destroyForcibly();
                throw new QuickstartException("redis-server did not start on port " + port + "; see " + log + ". "
                        + INSTALL_HINT);
            }
            return new QuickstartRedis("127.0.0.1", port, "redis://127.0.0.1:" + port,
                    "started by the quickstart (redis-server pid " + process.pid() + ")", process);
        } catch (IOException e) {
            throw new QuickstartException("cannot start redis-server: " + e.getMessage() + ". " + INSTALL_HINT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuickstartException("interrupted while starting redis-server", e);
        }
    }

    static boolean answersPing(String host, int port) {
        try (Jedis jedis = new Jedis(host, port, 1000)) {
            return "PONG".equals(jedis.ping());
        } catch (JedisDataException e) {
            throw new QuickstartException("Redis at " + host + ":" + port + " answered PING with '" + e.getMessage()
                    + "': pass its credentials with -Dquickstart.redis.uri=redis://USER:PASSWORD@" + host + ":" + port, e);
        } catch (RuntimeException e) {
            return false;
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String uri() {
        return uri;
    }

    /** Where this Redis came from, for the live view. */
    public String origin() {
        return origin;
    }

    @Override
    public Map<String, String> connectorSettings() {
        return Map.of("redis.uri", uri);
    }

    @Override
    public String location() {
        return uri + " (" + origin + ")";
    }

    @Override
    public String headline() {
        return location() + ", " + subscription();
    }

    @Override
    public String subscription() {
        return "PSUBSCRIBE " + NotificationWatcher.PATTERN;
    }

    @Override
    public String subscriberHint() {
        return "redis-cli -h " + host + " -p " + port + " psubscribe '" + NotificationWatcher.PATTERN + "'";
    }

    /** One pattern subscription covers every channel: {@code channels} is not needed. */
    @Override
    public AutoCloseable watch(LiveStats stats, List<String> channels) {
        NotificationWatcher watcher = new NotificationWatcher(host, port, stats);
        watcher.start();
        return watcher;
    }

    @Override
    public Subscriptions gatewaySubscriptions(List<String> channels) {
        return new RedisSubscriptions(host, port);
    }

    @Override
    public String startedName() {
        return spawned == null ? null : "redis-server";
    }

    /** The redis-server the quickstart started, if it started one. */
    public Process spawned() {
        return spawned;
    }

    /** Stops the redis-server the quickstart started; a Redis it found running is left alone. */
    @Override
    public void close() {
        if (spawned != null) {
            RedisServer.stop(spawned);
        }
    }
}
