package io.dualstream.connect.redis.testing;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisDataException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A Sentinel-managed pair of plain {@code redis-server} processes (a master and one replica) watched by three
 * sentinels ({@code redis-server conf --sentinel}, quorum 2, down after 1 s), all on free loopback ports. Roles
 * move with failovers: {@link #master()} is always the node the sentinels name now. Recipe and traps:
 * {@code ../shared/notes/redis-topologies.md}.
 */
public final class RedisSentinelFixture implements AutoCloseable {

    public static final Duration FORM_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(30);
    private static final String HOST = "127.0.0.1";

    /** A data node or a sentinel. */
    public record Node(int port) implements RedisEndpoint {
        @Override
        public String host() {
            return HOST;
        }
    }

    /** The set to start, with optional credentials for the data nodes and, separately, for the sentinels. */
    public static final class Builder {
        private String masterName = "mymaster";
        private String dataPassword;
        private String sentinelPassword;
        private final List<String> dataAclUsers = new ArrayList<>();
        private final List<String> sentinelAclUsers = new ArrayList<>();

        private Builder() {
        }

        public Builder masterName(String name) {
            this.masterName = name;
            return this;
        }

        /** The data nodes require this password ({@code requirepass}, {@code masterauth}; sentinels get {@code auth-pass}). */
        public Builder dataPassword(String password) {
            this.dataPassword = password;
            return this;
        }

        /** The sentinels require this password ({@code requirepass}; {@code sentinel sentinel-pass} among themselves). */
        public Builder sentinelPassword(String password) {
            this.sentinelPassword = password;
            return this;
        }

        /** An ACL user on both data nodes, as {@code ACL SETUSER} rules. */
        public Builder dataAclUser(String rules) {
            dataAclUsers.add(rules);
            return this;
        }

        /** An ACL user on every sentinel, as {@code ACL SETUSER} rules: {@code "watcher on >pw +@all"}. */
        public Builder sentinelAclUser(String rules) {
            sentinelAclUsers.add(rules);
            return this;
        }

        public RedisSentinelFixture start() {
            return new RedisSentinelFixture(this);
        }
    }

    private final String masterName;
    private final JedisClientConfig dataConfig;
    private final JedisClientConfig sentinelConfig;
    private final Map<Integer, RedisProcess> dataNodes = new LinkedHashMap<>();
    private final Map<Integer, RedisProcess> sentinels = new LinkedHashMap<>();
    private final Duration formationTime;

    /** A master, a replica and three sentinels, without passwords. */
    public static RedisSentinelFixture start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    private RedisSentinelFixture(Builder builder) {
        ServerKind.current().requireOnPath("The sentinel tests");
        masterName = builder.masterName;
        dataConfig = config(builder.dataPassword);
        sentinelConfig = config(builder.sentinelPassword);
        long started = System.nanoTime();
        try {
            List<String> dataArgs = RedisProcess.credentialArgs(builder.dataPassword, builder.dataAclUsers);
            RedisProcess master = RedisProcess.start(dataArgs);
            dataNodes.put(master.port(), master);
            List<String> replicaArgs = new ArrayList<>(dataArgs);
            replicaArgs.addAll(List.of("--replicaof", HOST, Integer.toString(master.port())));
            RedisProcess replica = RedisProcess.start(replicaArgs);
            dataNodes.put(replica.port(), replica);
            // A sentinel learns the replicas from the master's INFO, every 10 s: start them once the link is up.
            Await.until("the replica's link to the master", FORM_TIMEOUT, () -> linkedTo(replica.port(), master.port()));
            String sentinelConf = sentinelConf(builder, master.port());
            for (int i = 0; i < 3; i++) {
                RedisProcess sentinel = RedisProcess.start(sentinelConf, List.of("--sentinel"));
                sentinels.put(sentinel.port(), sentinel);
            }
            awaitStable(new Node(master.port()), FORM_TIMEOUT);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        formationTime = Duration.ofNanos(System.nanoTime() - started);
    }

    private static JedisClientConfig config(String password) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(2000).socketTimeoutMillis(5000);
        return (password == null ? config : config.password(password)).build();
    }

    private static String sentinelConf(Builder builder, int masterPort) {
        StringBuilder conf = new StringBuilder()
                .append("sentinel monitor ").append(builder.masterName).append(' ').append(HOST).append(' ')
                .append(masterPort).append(" 2\n")
                .append("sentinel down-after-milliseconds ").append(builder.masterName).append(" 1000\n")
                .append("sentinel failover-timeout ").append(builder.masterName).append(" 5000\n");
        if (builder.dataPassword != null) {
            conf.append("sentinel auth-pass ").append(builder.masterName).append(' ').append(builder.dataPassword).append('\n');
        }
        if (builder.sentinelPassword != null) {
            // Sentinels talk to each other too: without sentinel-pass they could not vote for a failover.
            conf.append("requirepass ").append(builder.sentinelPassword).append('\n')
                    .append("sentinel sentinel-pass ").append(builder.sentinelPassword).append('\n');
        }
        for (String rules : builder.sentinelAclUsers) {
            conf.append("user ").append(rules.trim()).append('\n');
        }
        return conf.toString();
    }

    /** How long {@link #start()} took, from the first process to sentinels that agree and see the replica. */
    public Duration formationTime() {
        return formationTime;
    }

    public String masterName() {
        return masterName;
    }

    /** The sentinels, comma-separated, as {@code redis.uri} takes them. */
    public String sentinelUris() {
        return sentinels().stream().map(Node::uri).collect(Collectors.joining(","));
    }

    public List<Node> sentinels() {
        return sentinels.keySet().stream().map(Node::new).toList();
    }

    /** Both data nodes, in start order (the first started as the master). */
    public List<Node> dataNodes() {
        return dataNodes.keySet().stream().map(Node::new).toList();
    }

    /** The master as a live sentinel names it now ({@code SENTINEL GET-MASTER-ADDR-BY-NAME}). */
    public Node currentMaster() {
        int port = anyLive(sentinels);
        return withSentinel(port, this::namedMaster);
    }

    /** The data node the sentinels name as master now. */
    public Node master() {
        return currentMaster();
    }

    /** The other data node: the replica, or the old master after a crash. */
    public Node replica() {
        Node master = master();
        return dataNodes().stream().filter(n -> !n.equals(master)).findFirst().orElseThrow();
    }

    /**
     * {@code SENTINEL FAILOVER}, then waits until every sentinel names the other node, that node says
     * {@code role:master}, the old one {@code role:slave} with its link up, and the sentinels see it as a replica:
     * ready for the next failover. Returns the new master. The old master keeps saying {@code role:master} (and
     * accepting {@code PUBLISH}) for several seconds after the switch, until a sentinel converts it.
     */
    public Node failover() {
        Node old = requestFailover();
        Node promoted = awaitNewMaster(old);
        awaitStable(FAILOVER_TIMEOUT);
        return promoted;
    }

    /** Sends {@code SENTINEL FAILOVER} (retried while a sentinel answers INPROG or NOGOODSLAVE); returns the old master. */
    public Node requestFailover() {
        Node old = master();
        Await.until("SENTINEL FAILOVER " + masterName + " to be accepted", FAILOVER_TIMEOUT,
                () -> withSentinel(anyLive(sentinels), sentinel -> {
                    try {
                        return sentinel.sentinelFailover(masterName);
                    } catch (JedisDataException notYet) {
                        return null;
                    }
                }));
        return old;
    }

    /** Kills the current master at once (SIGKILL) and returns it. */
    public Node killMaster() {
        Node old = master();
        kill(old);
        return old;
    }

    /** Kills {@code node}, a data node or a sentinel, at once (SIGKILL). */
    public void kill(Node node) {
        process(node).kill();
    }

    /** Waits until every live sentinel names a master other than {@code old} and that node says {@code role:master}. */
    public Node awaitNewMaster(Node old) {
        return Await.until("the sentinels to name a master other than " + old, FAILOVER_TIMEOUT, () -> {
            Node named = null;
            for (int port : live(sentinels)) {
                Node seen = withSentinel(port, this::namedMaster);
                if (seen.equals(old) || (named != null && !named.equals(seen))) {
                    return null;
                }
                named = seen;
            }
            return named != null && "master".equals(role(named)) ? named : null;
        });
    }

    /**
     * Starts {@code node} again on its port (a sentinel keeps its rewritten config file), then waits until the set is
     * stable: a restarted old master first comes back as a master and answers {@code PUBLISH} to no one until
     * Sentinel demotes it.
     */
    public void restart(Node node) {
        process(node).restart();
        awaitStable(FORM_TIMEOUT);
    }

    /**
     * Waits until the live sentinels agree on a master and the set is stable around it: it says
     * {@code role:master}, every other live data node follows it with its link up, and every sentinel sees the
     * other sentinels and those replicas in good health.
     */
    public Node awaitStable(Duration timeout) {
        Node master = Await.until("the sentinels to agree on a master", timeout, this::agreedMaster);
        awaitStable(master, timeout);
        return master;
    }

    /** A new connection to a data node, with the data nodes' credentials; the caller closes it. */
    public Jedis client(Node node) {
        return new Jedis(node.hostAndPort(), dataConfig);
    }

    /** A new connection to a sentinel, with the sentinels' credentials; the caller closes it. */
    public Jedis sentinelClient(Node sentinel) {
        return new Jedis(sentinel.hostAndPort(), sentinelConfig);
    }

    /** The data nodes' client configuration (credentials included), for a test's own clients. */
    public JedisClientConfig clientConfig() {
        return dataConfig;
    }

    /** {@code CLIENT LIST} of a data node, without the connection asking. */
    public List<ClientInfo> clientList(Node node) {
        try (Jedis jedis = sentinels.containsKey(node.port()) ? sentinelClient(node) : client(node)) {
            return ClientInfo.list(jedis);
        }
    }

    /** How many clients {@code node} has, leaving out the asking connection, replication and sentinel links. */
    public int clientCount(Node node) {
        return (int) clientList(node).stream().filter(c -> !c.background()).count();
    }

    /** The last lines of {@code node}'s log, for failure messages. */
    public String logTail(Node node) {
        return process(node).logTail();
    }

    @Override
    public void close() {
        sentinels.values().forEach(RedisProcess::close);
        dataNodes.values().forEach(RedisProcess::close);
    }

    // --- internals --------------------------------------------------------------------------------------------

    private void awaitStable(Node master, Duration timeout) {
        Await.until("a stable sentinel set around master " + master.port(), timeout, () -> {
            if (!"master".equals(role(master))) {
                return false;
            }
            List<Integer> replicas = live(dataNodes).stream().filter(p -> p != master.port()).toList();
            for (int replica : replicas) {
                if (!linkedTo(replica, master.port())) {
                    return false;
                }
            }
            for (int port : live(sentinels)) {
                boolean ok = withSentinel(port, sentinel -> {
                    if (!master.equals(namedMaster(sentinel))
                            || sentinel.sentinelSentinels(masterName).size() != sentinels.size() - 1) {
                        return false;
                    }
                    List<Map<String, String>> known = sentinel.sentinelReplicas(masterName);
                    return replicas.stream().allMatch(replica -> known.stream().anyMatch(r ->
                            Integer.toString(replica).equals(r.get("port")) && "slave".equals(r.get("flags"))
                                    && "ok".equals(r.get("master-link-status"))));
                });
                if (!ok) {
                    return false;
                }
            }
            return true;
        });
    }

    private Node agreedMaster() {
        Node named = null;
        for (int port : live(sentinels)) {
            Node seen = withSentinel(port, this::namedMaster);
            if (named != null && !named.equals(seen)) {
                return null;
            }
            named = seen;
        }
        return named;
    }

    private Node namedMaster(Jedis sentinel) {
        List<String> address = sentinel.sentinelGetMasterAddrByName(masterName);
        return new Node(Integer.parseInt(address.get(1)));
    }

    private String role(Node node) {
        try (Jedis jedis = client(node)) {
            return RedisFixture.info(jedis, "replication").get("role");
        }
    }

    private boolean linkedTo(int replica, int master) {
        try (Jedis jedis = client(new Node(replica))) {
            Map<String, String> info = RedisFixture.info(jedis, "replication");
            return "slave".equals(info.get("role")) && Integer.toString(master).equals(info.get("master_port"))
                    && "up".equals(info.get("master_link_status"));
        }
    }

    private <T> T withSentinel(int port, Function<Jedis, T> call) {
        try (Jedis sentinel = sentinelClient(new Node(port))) {
            return call.apply(sentinel);
        }
    }

    private RedisProcess process(Node node) {
        RedisProcess process = dataNodes.containsKey(node.port()) ? dataNodes.get(node.port()) : sentinels.get(node.port());
        return Objects.requireNonNull(process, () -> node + " is not part of this sentinel set");
    }

    private static List<Integer> live(Map<Integer, RedisProcess> processes) {
        return processes.entrySet().stream().filter(e -> e.getValue().alive()).map(Map.Entry::getKey).toList();
    }

    private static int anyLive(Map<Integer, RedisProcess> processes) {
        return live(processes).stream().findFirst().orElseThrow(() -> new IllegalStateException("no live process"));
    }
}
