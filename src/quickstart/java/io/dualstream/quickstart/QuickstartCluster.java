package io.dualstream.quickstart;

import io.dualstream.quickstart.gateway.ShardMap;
import io.dualstream.quickstart.gateway.ShardedSubscriber;
import io.dualstream.quickstart.gateway.ShardedSubscriptions;
import io.dualstream.quickstart.gateway.Subscriptions;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Redis Cluster for {@code -Dquickstart.redis.mode=cluster}: the one {@code quickstart.redis.uri} names (seed
 * URIs), else three masters started from {@code redis-server} and {@code redis-cli} on the PATH, on free loopback
 * ports, and stopped and deleted again on {@link #close()}. The connector publishes with {@code SPUBLISH}; the
 * live view and the gateway {@code SSUBSCRIBE} each known channel on the master owning its slot.
 */
public final class QuickstartCluster implements RedisDeployment {

    static final int MASTERS = 3;
    static final String INSTALL_HINT = "Install Redis 7 or later, which brings both "
            + "(Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis), or point the "
            + "quickstart at a running cluster with -Dquickstart.redis.uri=redis://HOST:PORT[,redis://HOST:PORT...]";
    private static final Duration FORM_TIMEOUT = Duration.ofSeconds(30);

    private final String uri;
    private final List<HostAndPort> seeds;
    private final int masters;
    private final String origin;
    private final List<Process> spawned;
    private final Path dir;

    private QuickstartCluster(String uri, List<HostAndPort> seeds, int masters, String origin, List<Process> spawned,
                              Path dir) {
        this.uri = uri;
        this.seeds = seeds;
        this.masters = masters;
        this.origin = origin;
        this.spawned = spawned;
        this.dir = dir;
    }

    public static QuickstartCluster obtain(String userUri, Path workDir) {
        return obtain(userUri, workDir, System.getenv("PATH"));
    }

    /** {@code path} is where redis-server and redis-cli are looked for (the PATH; a test's own directory). */
    static QuickstartCluster obtain(String userUri, Path workDir, String path) {
        if (userUri != null) {
            List<HostAndPort> seeds = seeds(userUri);
            ShardMap map;
            try {
                map = ShardMap.read(seeds, "the quickstart");
            } catch (RuntimeException e) {
                throw new QuickstartException("quickstart.redis.uri " + userUri + " with quickstart.redis.mode=cluster "
                        + "must name nodes of a Redis Cluster whose slots are all served: " + e.getMessage(), e);
            }
            return new QuickstartCluster(userUri, seeds, map.masters().size(), "given by quickstart.redis.uri",
                    List.of(), null);
        }
        for (String program : List.of(RedisServer.SERVER, RedisServer.CLI)) {
            if (!RedisServer.onPath(program, path)) {
                throw new QuickstartException("-Dquickstart.redis.mode=cluster starts a local Redis Cluster with "
                        + "redis-server and redis-cli from the PATH, and there is no " + program + " on it. "
                        + INSTALL_HINT);
            }
        }
        return spawn(workDir.resolve("redis-cluster"));
    }

    /** {@code redis://a:7000,redis://b:7001} as host and port pairs (port 6379 when none is given). */
    static List<HostAndPort> seeds(String uris) {
        List<HostAndPort> seeds = new ArrayList<>();
        for (String part : uris.split(",")) {
            URI parsed = URI.create(part.trim());
            if (parsed.getHost() == null) {
                throw new QuickstartException("quickstart.redis.uri must be comma-separated redis://HOST:PORT URIs, "
                        + "not '" + part.trim() + "'");
            }
            seeds.add(new HostAndPort(parsed.getHost(), parsed.getPort() == -1 ? 6379 : parsed.getPort()));
        }
        return seeds;
    }

    private static QuickstartCluster spawn(Path dir) {
        List<Process> processes = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        try {
            RedisServer.deleteTree(dir);
            Files.createDirectories(dir);
            Set<Integer> taken = new LinkedHashSet<>();
            while (taken.size() < 2 * MASTERS) {
                taken.add(RedisServer.freePort());
            }
            List<Integer> free = new ArrayList<>(taken);
            for (int i = 0; i < MASTERS; i++) {
                int port = free.get(2 * i);
                // The bus port is picked like the client port: the default (port + 10000) may be taken or above 65535.
                int busPort = free.get(2 * i + 1);
                Path nodeDir = Files.createDirectories(dir.resolve(Integer.toString(port)));
                processes.add(RedisServer.start(RedisServer.SERVER, null, port, nodeDir, List.of(
                        "--cluster-enabled", "yes", "--cluster-port", Integer.toString(busPort),
                        "--cluster-config-file", nodeDir.resolve("nodes.conf").toString(),
                        "--cluster-node-timeout", "2000"), nodeDir.resolve("redis-server.log")));
                ports.add(port);
            }
            long deadline = System.nanoTime() + FORM_TIMEOUT.toNanos();
            for (int i = 0; i < MASTERS; i++) {
                try {
                    RedisServer.awaitStarted(processes.get(i), ports.get(i),
                            Duration.ofNanos(deadline - System.nanoTime()));
                } catch (IllegalStateException exitedOrTimedOut) {
                    throw new QuickstartException("redis-server did not start on port " + ports.get(i) + ":\n"
                            + RedisServer.tail(dir.resolve(ports.get(i) + "/redis-server.log"), 10));
                }
            }
            createCluster(dir, ports, deadline);
            awaitSlotsServed(ports, deadline);
            String uri = ports.stream().map(port -> "redis://127.0.0.1:" + port).collect(Collectors.joining(","));
            return new QuickstartCluster(uri, seeds(uri), MASTERS, "started by the quickstart: redis-server pids "
                    + processes.stream().map(p -> Long.toString(p.pid())).collect(Collectors.joining(", ")),
                    List.copyOf(processes), dir);
        } catch (IOException | RuntimeException e) {
            stop(processes);
            RedisServer.deleteTree(dir);
            if (e instanceof QuickstartException known) {
                throw known;
            }
            throw new QuickstartException("cannot start a Redis Cluster: " + e.getMessage() + ". " + INSTALL_HINT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(processes);
            RedisServer.deleteTree(dir);
            throw new QuickstartException("interrupted while starting the Redis Cluster", e);
        }
    }

    /** {@code redis-cli --cluster create}: spreads the slots over the masters and introduces them to each other. */
    private static void createCluster(Path dir, List<Integer> ports, long deadline)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(RedisServer.CLI, "--cluster", "create"));
        ports.forEach(port -> command.add("127.0.0.1:" + port));
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Path log = dir.resolve("cluster-create.log");
        Process create = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long leftMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        if (!create.waitFor(leftMillis, TimeUnit.MILLISECONDS)) {
            create.destroyForcibly();
            throw new QuickstartException("redis-cli --cluster create did not finish within " + FORM_TIMEOUT.toSeconds()
                    + " s:\n" + RedisServer.tail(log, 10));
        }
        if (create.exitValue() != 0) {
            throw new QuickstartException("redis-cli --cluster create failed (" + create.exitValue() + "):\n"
                    + RedisServer.tail(log, 10));
        }
    }

    /**
     * Waits until every node says {@code cluster_state:ok} with all slots served and every node known: right after
     * {@code --cluster create} a node may still be learning of the others, and answer MOVED to an address it
     * does not know yet.
     */
    private static void awaitSlotsServed(List<Integer> ports, long deadline) throws InterruptedException {
        while (!ports.stream().allMatch(QuickstartCluster::nodeReady)) {
            if (System.nanoTime() > deadline) {
                throw new QuickstartException("the Redis Cluster on ports " + ports + " did not reach cluster_state:ok"
                        + " within " + FORM_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(100); // polling CLUSTER INFO, bounded by the deadline
        }
    }

    private static boolean nodeReady(int port) {
        try (Jedis jedis = new Jedis("127.0.0.1", port, 2000)) {
            String info = jedis.clusterInfo();
            return info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:" + ShardMap.SLOTS)
                    && info.contains("cluster_known_nodes:" + MASTERS);
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    @Override
    public Map<String, String> connectorSettings() {
        return Map.of("redis.mode", "cluster", "redis.uri", uri, "redis.publish.command", "SPUBLISH");
    }

    @Override
    public String location() {
        return uri + " (" + origin + ")";
    }

    @Override
    public String headline() {
        return "Redis Cluster, " + masters + " masters, SPUBLISH: " + location() + "; SSUBSCRIBE on each channel's master";
    }

    @Override
    public String subscription() {
        return "SSUBSCRIBE on each channel's master (Redis Cluster, " + masters + " masters, SPUBLISH)";
    }

    @Override
    public String subscriberHint() {
        HostAndPort seed = seeds.get(0);
        return "redis-cli -c -h " + seed.getHost() + " -p " + seed.getPort() + " ssubscribe events:org:org0";
    }

    @Override
    public AutoCloseable watch(LiveStats stats, List<String> channels) {
        try {
            return ShardedSubscriber.start(ShardMap.read(seeds, "the live view"), channels,
                    (channel, message) -> stats.record(channel, NotificationWatcher.eventTime(message),
                            System.currentTimeMillis()),
                    () -> { }); // the cluster went away: the counts so far stay, as with a standalone Redis
        } catch (IllegalStateException e) {
            throw new QuickstartException(e.getMessage(), e);
        }
    }

    @Override
    public Subscriptions gatewaySubscriptions(List<String> channels) {
        return new ShardedSubscriptions(seeds, channels);
    }

    @Override
    public String startedName() {
        return spawned.isEmpty() ? null : "Redis Cluster (" + spawned.size() + " redis-server)";
    }

    /** The redis-server processes the quickstart started. */
    public List<Process> spawned() {
        return spawned;
    }

    public String uri() {
        return uri;
    }

    /** Stops the redis-server processes the quickstart started and deletes their files; a given cluster is left alone. */
    @Override
    public void close() {
        stop(spawned);
        if (dir != null) {
            RedisServer.deleteTree(dir);
        }
    }

    private static void stop(List<Process> processes) {
        processes.forEach(RedisServer::stop);
    }
}
