package io.dualstream.connect.redis.testing;

import io.dualstream.quickstart.RedisServer;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of plain {@code redis-server} processes on free loopback ports: N masters, each with its
 * replicas, formed with {@code redis-cli --cluster create}. Masters can be killed, restarted and resharded while a
 * test publishes. Recipe and traps: {@code ../shared/notes/redis-topologies.md}.
 *
 * <p>Every wait polls the nodes' own views ({@code CLUSTER NODES}, {@code INFO replication}) against a deadline:
 * {@code cluster_state:ok} alone proves nothing right after a kill, the survivors keep saying ok until they have
 * marked the node failed.
 */
public final class RedisClusterFixture implements AutoCloseable {

    public static final Duration FORM_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(30);
    public static final int SLOTS = 16384;
    private static final String HOST = "127.0.0.1";

    /** A node of the cluster. Its id stays when it is restarted; its role may change with failovers. */
    public record Node(int port, String id) implements RedisEndpoint {
        @Override
        public String host() {
            return HOST;
        }
    }

    /** The cluster to start: masters, replicas per master, and optional credentials for every node. */
    public static final class Builder {
        private int masters = 3;
        private int replicasPerMaster = 1;
        private String password;
        private final List<String> aclUsers = new ArrayList<>();

        private Builder() {
        }

        public Builder masters(int masters) {
            this.masters = masters;
            return this;
        }

        public Builder replicasPerMaster(int replicas) {
            this.replicasPerMaster = replicas;
            return this;
        }

        /** Every node requires this password for the default user ({@code requirepass}, {@code masterauth}). */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** An ACL user on every node, as {@code ACL SETUSER} rules: {@code "notifier on >pw &* +@connection +spublish"}. */
        public Builder aclUser(String rules) {
            aclUsers.add(rules);
            return this;
        }

        public RedisClusterFixture start() {
            return new RedisClusterFixture(this);
        }
    }

    private final String password;
    private final JedisClientConfig clientConfig;
    private final Path dir;
    private final Map<Integer, RedisProcess> processes = new LinkedHashMap<>();
    private final Map<Integer, String> ids = new LinkedHashMap<>();
    private final Map<Integer, List<Integer>> slotsAtKill = new HashMap<>();
    private final List<Process> tools = new ArrayList<>();
    private final Duration formationTime;

    /** 3 masters and 3 replicas. */
    public static RedisClusterFixture start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    private RedisClusterFixture(Builder builder) {
        ServerKind.current().requireOnPath("The cluster tests");
        password = builder.password;
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(2000).socketTimeoutMillis(5000);
        clientConfig = (password == null ? config : config.password(password)).build();
        long started = System.nanoTime();
        try {
            dir = Files.createTempDirectory("redis-cluster-it");
            Path ownDir = dir;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> RedisServer.deleteTree(ownDir)));
            int total = builder.masters * (1 + builder.replicasPerMaster);
            for (int i = 0; i < total; i++) {
                RedisProcess node = startNode(builder);
                processes.put(node.port(), node);
            }
            for (int port : processes.keySet()) {
                ids.put(port, withClient(port, Jedis::clusterMyId));
            }
            List<String> create = new ArrayList<>(List.of(ServerKind.current().cli(), "--cluster", "create"));
            processes.keySet().forEach(port -> create.add(HOST + ":" + port));
            create.addAll(List.of("--cluster-replicas", Integer.toString(builder.replicasPerMaster), "--cluster-yes"));
            runTool("create", create).await(FORM_TIMEOUT);
            awaitHealthy(FORM_TIMEOUT);
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException("cannot start the cluster", e);
        }
        formationTime = Duration.ofNanos(System.nanoTime() - started);
    }

    /**
     * A free port is free when it is picked, not necessarily when redis-server binds it a moment later (other
     * tests pick ports too): a node that finds its client or bus port taken is started again on new ones.
     */
    private static RedisProcess startNode(Builder builder) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return RedisProcess.start(nodeArgs(builder));
            } catch (IllegalStateException e) {
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    private static List<String> nodeArgs(Builder builder) throws IOException {
        // The bus port is chosen like the client port: the default (port + 10000) may be taken or above 65535.
        List<String> args = new ArrayList<>(List.of("--cluster-enabled", "yes",
                "--cluster-port", Integer.toString(RedisProcess.freePort()),
                "--cluster-node-timeout", "2000",
                // A replica that lost its master a while ago must still take over, or the slots stay down.
                "--cluster-replica-validity-factor", "0"));
        args.addAll(RedisProcess.credentialArgs(builder.password, builder.aclUsers));
        return args;
    }

    /** How long {@link #start()} took, from the first process to a healthy cluster. */
    public Duration formationTime() {
        return formationTime;
    }

    /** One master, as a seed for a cluster client. */
    public String seedUri() {
        return masters().get(0).uri();
    }

    /** Every current master, comma-separated. */
    public String seedUris() {
        return masters().stream().map(Node::uri).collect(Collectors.joining(","));
    }

    /** Every node, live or not, in start order. */
    public List<Node> nodes() {
        return ids.entrySet().stream().map(e -> new Node(e.getKey(), e.getValue())).toList();
    }

    /** The live masters as the cluster sees them now, by port. */
    public List<Node> masters() {
        return liveNodesInRole(true);
    }

    /** The live replicas as the cluster sees them now, by port. */
    public List<Node> replicas() {
        return liveNodesInRole(false);
    }

    private List<Node> liveNodesInRole(boolean master) {
        return view(anyLivePort()).stream()
                .filter(e -> e.master() == master && !e.failed() && alive(e.port()))
                .sorted(Comparator.comparingInt(Entry::port))
                .map(e -> new Node(e.port(), e.id()))
                .toList();
    }

    /** The replicas of {@code master}, as the cluster sees them now. */
    public List<Node> replicasOf(Node master) {
        return view(anyLivePort()).stream()
                .filter(e -> !e.master() && master.id().equals(e.masterId()) && alive(e.port()))
                .map(e -> new Node(e.port(), e.id()))
                .toList();
    }

    /** The slot of a channel or key ({@code {hash tags}} included), as Redis computes it. */
    public static int slot(String channel) {
        return JedisClusterCRC16.getSlot(channel);
    }

    /** A channel named {@code prefix{tag}} whose slot is {@code slot}, found by trying tags. */
    public static String channelInSlot(String prefix, int slot) {
        for (int tag = 0; ; tag++) {
            String channel = prefix + "{" + tag + "}";
            if (slot(channel) == slot) {
                return channel;
            }
        }
    }

    /** The master serving {@code slot} now. */
    public Node masterForSlot(int slot) {
        return view(anyLivePort()).stream()
                .filter(e -> e.master() && !e.failed() && e.serves(slot))
                .findFirst()
                .map(e -> new Node(e.port(), e.id()))
                .orElseThrow(() -> new IllegalStateException("no master serves slot " + slot));
    }

    /** The master that {@code SPUBLISH}/{@code SSUBSCRIBE} of {@code channel} must go to. */
    public Node masterForChannel(String channel) {
        return masterForSlot(slot(channel));
    }

    /** The slots {@code master} serves now, ascending. */
    public List<Integer> slots(Node master) {
        return view(anyLivePort()).stream()
                .filter(e -> e.id().equals(master.id()))
                .findFirst()
                .map(Entry::slots)
                .orElse(List.of());
    }

    /** Kills {@code node} at once (SIGKILL). */
    public void kill(Node node) {
        slotsAtKill.put(node.port(), slots(node));
        process(node).kill();
    }

    /**
     * Waits until every live node agrees that {@code dead} is failed, no master entry for its port serves a
     * slot, every slot is served by a live master and the replicas are linked; returns the master that now serves
     * the slots {@code dead} served when it was killed (for a replica: the cluster's first master).
     */
    public Node awaitFailover(Node dead) {
        Await.until("the cluster to fail over from " + dead, FAILOVER_TIMEOUT, () -> livePorts().stream()
                .map(this::view)
                .allMatch(view -> view.stream()
                        .filter(e -> e.port() == dead.port())
                        .allMatch(e -> e.failed() && e.slots().isEmpty())));
        awaitHealthy(FAILOVER_TIMEOUT);
        List<Integer> slots = slotsAtKill.getOrDefault(dead.port(), List.of());
        return slots.isEmpty() ? masters().get(0) : masterForSlot(slots.get(0));
    }

    /** Starts {@code node} again on its port, with its {@code nodes.conf}: it rejoins (a failed-over master as a replica). */
    public void restart(Node node) {
        RedisProcess process = process(node);
        process.restart();
        Await.until(node + " to rejoin", FORM_TIMEOUT, () -> livePorts().stream()
                .map(this::view)
                .allMatch(view -> view.stream().anyMatch(e -> e.port() == node.port() && !e.failed()
                        && !e.flags().contains("fail?"))));
        awaitHealthy(FORM_TIMEOUT);
    }

    /** Starts moving {@code slots} slots from {@code from} to {@code to}; the returned handle awaits the end. */
    public Reshard startReshard(Node from, Node to, int slots) {
        awaitHealthy(FORM_TIMEOUT); // redis-cli refuses while a slot is down or the nodes disagree
        List<String> command = new ArrayList<>(List.of(ServerKind.current().cli(), "--cluster", "reshard", HOST + ":" + from.port(),
                "--cluster-from", from.id(), "--cluster-to", to.id(),
                "--cluster-slots", Integer.toString(slots), "--cluster-yes"));
        return new Reshard(runTool("reshard", command), from, to, slots);
    }

    /** Moves {@code slots} slots from {@code from} to {@code to} and waits until every node agrees. */
    public void reshard(Node from, Node to, int slots) {
        startReshard(from, to, slots).await(FORM_TIMEOUT);
    }

    /** A running {@code redis-cli --cluster reshard}. */
    public final class Reshard {
        private final Tool tool;
        private final String what;

        private Reshard(Tool tool, Node from, Node to, int slots) {
            this.tool = tool;
            this.what = slots + " slots from " + from.port() + " to " + to.port();
        }

        public boolean done() {
            return !tool.process().isAlive();
        }

        /** Waits until redis-cli has moved every slot and all nodes agree on the new layout. */
        public void await(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            tool.await(timeout);
            awaitHealthy(Duration.ofNanos(Math.max(deadline - System.nanoTime(), Duration.ofSeconds(5).toNanos())));
        }

        @Override
        public String toString() {
            return "reshard of " + what;
        }
    }

    /**
     * Waits until every live node says {@code cluster_state:ok}, sees every slot served by a live master with no
     * slot migrating, agrees with the others on who serves what, and every live replica's link to its master is up.
     */
    public void awaitHealthy(Duration timeout) {
        Await.until("a healthy cluster", timeout, this::healthy);
    }

    private boolean healthy() {
        Map<String, List<Integer>> agreed = null;
        for (int port : livePorts()) {
            Map<String, String> info = RedisFixture.fields(withClient(port, Jedis::clusterInfo));
            if (!"ok".equals(info.get("cluster_state"))) {
                return false;
            }
            Map<String, List<Integer>> layout = new TreeMap<>();
            int served = 0;
            for (Entry e : view(port)) {
                if (e.migrating()) {
                    return false;
                }
                if (e.master() && !e.slots().isEmpty()) {
                    if (e.failed() || !alive(e.port())) {
                        return false;
                    }
                    layout.put(e.id(), e.slots());
                    served += e.slots().size();
                }
            }
            if (served != SLOTS || (agreed != null && !agreed.equals(layout))) {
                return false;
            }
            agreed = layout;
            Map<String, String> replication = withClient(port, jedis -> RedisFixture.info(jedis, "replication"));
            if ("slave".equals(replication.get("role")) && !"up".equals(replication.get("master_link_status"))) {
                return false;
            }
        }
        return true;
    }

    /** A new authenticated connection to {@code node}; the caller closes it. */
    public Jedis client(Node node) {
        return new Jedis(node.hostAndPort(), clientConfig);
    }

    /** The client configuration the fixture itself uses (credentials included), for a test's own clients. */
    public JedisClientConfig clientConfig() {
        return clientConfig;
    }

    /** {@code CLIENT LIST} of {@code node}, without the connection asking. */
    public List<ClientInfo> clientList(Node node) {
        return withClient(node.port(), ClientInfo::list);
    }

    /** How many clients {@code node} has, leaving out the asking connection and {@link ClientInfo#background()} links. */
    public int clientCount(Node node) {
        return (int) clientList(node).stream().filter(c -> !c.background()).count();
    }

    /** The last lines of {@code node}'s log, for failure messages. */
    public String logTail(Node node) {
        return process(node).logTail();
    }

    @Override
    public void close() {
        for (Process tool : tools) {
            tool.destroyForcibly();
        }
        processes.values().forEach(RedisProcess::close);
        RedisServer.deleteTree(dir);
    }

    // --- internals --------------------------------------------------------------------------------------------

    private RedisProcess process(Node node) {
        return Objects.requireNonNull(processes.get(node.port()), () -> node + " is not a node of this cluster");
    }

    private boolean alive(int port) {
        RedisProcess process = processes.get(port);
        return process != null && process.alive();
    }

    private List<Integer> livePorts() {
        return processes.keySet().stream().filter(this::alive).toList();
    }

    private int anyLivePort() {
        return livePorts().stream().findFirst().orElseThrow(() -> new IllegalStateException("every node is down"));
    }

    private <T> T withClient(int port, java.util.function.Function<Jedis, T> call) {
        try (Jedis jedis = new Jedis(new HostAndPort(HOST, port), clientConfig)) {
            return call.apply(jedis);
        }
    }

    private List<Entry> view(int port) {
        return withClient(port, Jedis::clusterNodes).lines().filter(l -> !l.isBlank()).map(Entry::parse).toList();
    }

    /** One line of {@code CLUSTER NODES}: id, ip:port@bus, flags, master id, ping, pong, epoch, link, slots... */
    private record Entry(String id, int port, Set<String> flags, String masterId, List<Integer> slots,
                         boolean migrating) {

        static Entry parse(String line) {
            String[] f = line.trim().split(" ");
            String address = f[1].split("[@,]")[0];
            int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
            List<Integer> slots = new ArrayList<>();
            boolean migrating = false;
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) { // [slot->-id] migrating, [slot-<-id] importing
                    migrating = true;
                } else if (f[i].contains("-")) {
                    String[] range = f[i].split("-");
                    for (int s = Integer.parseInt(range[0]); s <= Integer.parseInt(range[1]); s++) {
                        slots.add(s);
                    }
                } else {
                    slots.add(Integer.parseInt(f[i]));
                }
            }
            return new Entry(f[0], port, new HashSet<>(Arrays.asList(f[2].split(","))), f[3], List.copyOf(slots),
                    migrating);
        }

        boolean master() {
            return flags.contains("master");
        }

        boolean failed() {
            return flags.contains("fail");
        }

        boolean serves(int slot) {
            return slots.contains(slot);
        }
    }

    private Tool runTool(String name, List<String> command) {
        List<String> full = new ArrayList<>(command);
        if (password != null) {
            full.addAll(List.of("-a", password, "--no-auth-warning"));
        }
        Path output = dir.resolve(name + "-" + tools.size() + ".log");
        try {
            Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
            tools.add(process);
            return new Tool(name, process, output);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        }
    }

    private record Tool(String name, Process process, Path output) {
        void await(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("redis-cli --cluster " + name + " did not finish within "
                            + timeout + ":\n" + RedisServer.tail(output, 20));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster " + name + " failed with "
                        + process.exitValue() + ":\n" + RedisServer.tail(output, 20));
            }
        }
    }
}
