package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.mapping.Notification;
import org.apache.kafka.common.utils.ExponentialBackoff;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisAskDataException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;

/**
 * Publishes to a Redis Cluster over one connection of its own per node.
 *
 * <ul>
 *   <li>{@code SPUBLISH}: each notification goes to the master owning its channel's slot; the batch becomes one
 *   pipeline per node, all written before any reply is read. A channel always maps to one node, so its order is
 *   kept. {@code MOVED} and {@code ASK} replies (resharding, failovers) are followed within the batch, a few
 *   rounds at most, and a {@code MOVED} refreshes the slot map.</li>
 *   <li>{@code PUBLISH}: any node broadcasts to the whole cluster, so each batch goes to one master; when it
 *   fails, the next batch goes to another.</li>
 * </ul>
 *
 * <p>Jedis's {@link ClusterConnectionProvider} discovers the cluster from the seeds and keeps the slot map; its
 * pools serve only those topology reads. Its {@code ClusterPipeline} is not used: it reads every reply before
 * returning (the best-effort path reads them one batch later), does not follow {@code MOVED} inside a pipeline,
 * and logs an ERROR per failed node on every batch during an outage.
 *
 * <p>A node whose connection fails is held off with a growing backoff: its share of each batch is reported
 * undelivered at once (the other nodes' share goes out), and the slot map is re-read at most every
 * {@value #REFRESH_INTERVAL_MS} ms until its slots have moved to a promoted replica.
 */
final class ClusterPublisher implements NotificationPublisher {

    private static final Logger log = LoggerFactory.getLogger(ClusterPublisher.class);
    static final long REFRESH_INTERVAL_MS = 200;
    private static final int SLOTS = 16384;
    private static final int MAX_REDIRECT_ROUNDS = 3;

    private final List<HostAndPort> seeds;
    private final RedisClientSettings settings;
    private final JedisClientConfig clientConfig;
    private final Time time;
    private final ExponentialBackoff holdOff;
    private ClusterConnectionProvider slots;
    private final Map<HostAndPort, NodeConnection> connections = new HashMap<>();
    private final Map<HostAndPort, NodeState> failing = new HashMap<>();
    private HostAndPort broadcastNode;
    private long nextRefreshMs;
    private long refreshes;
    private long redirects;
    /** Why the last connection to a node could not be opened. */
    private JedisException openFailure;
    private final ReplyGuard replies = new ReplyGuard();

    /** A node that failed: when to try it again. */
    private static final class NodeState {
        int failures;
        long retryAtMs;
    }

    ClusterPublisher(List<HostAndPort> seeds, RedisClientSettings settings, JedisClientConfig clientConfig) {
        this(seeds, settings, clientConfig, Time.SYSTEM);
    }

    ClusterPublisher(List<HostAndPort> seeds, RedisClientSettings settings, JedisClientConfig clientConfig, Time time) {
        this.seeds = seeds;
        this.settings = settings;
        this.clientConfig = clientConfig;
        this.time = time;
        this.holdOff = new ExponentialBackoff(settings.retryBackoffMs(), 2, settings.retryBackoffMaxMs(), 0.2);
    }

    /**
     * Reads the cluster's layout now, at task start, while the seeds are most likely up: once known, the slot map
     * is refreshed from any known node, so the seeds may later die. A cluster that cannot be reached now is
     * tried again with the first batch.
     */
    void discover() {
        try {
            refreshIfDue(time.milliseconds());
        } catch (JedisException e) {
            log.info("Cannot read the cluster layout from {} yet ({}); trying again with the first batch", seeds,
                    e.getMessage());
        }
    }

    @Override
    public Replies send(List<Notification> batch) {
        replies.checkNoneOutstanding();
        int size = batch.size();
        if (size == 0) {
            return Replies.of(PublishResult.complete(0, 0));
        }
        long now = time.milliseconds();
        try {
            refreshIfDue(now);
        } catch (JedisException e) {
            return Replies.of(PublishResult.failed(size, e));
        }
        BatchOutcome outcome = new BatchOutcome(size);
        Map<HostAndPort, NodePipeline> pipelines = route(batch, outcome, now);
        write(pipelines, batch, outcome);
        if (pipelines.values().stream().allMatch(NodePipeline::failed)) {
            // Nothing to wait for: every node's share failed while it was written (or was held off).
            read(pipelines, outcome);
            return Replies.of(outcome.result());
        }
        return replies.outstanding(() -> {
            read(pipelines, outcome);
            followRedirects(batch, outcome);
            return outcome.result();
        });
    }

    /** Groups the batch by node, keeping batch order within each node; held-off nodes' shares fail at once. */
    private Map<HostAndPort, NodePipeline> route(List<Notification> batch, BatchOutcome outcome, long now) {
        Map<HostAndPort, NodePipeline> pipelines = new LinkedHashMap<>();
        if (!settings.command().sharded()) {
            HostAndPort node = broadcastNode(now);
            if (node == null) {
                JedisConnectionException down = new JedisConnectionException("no cluster node is available");
                for (int i = 0; i < batch.size(); i++) {
                    outcome.undelivered(i, down);
                }
                return pipelines;
            }
            NodePipeline pipeline = pipeline(pipelines, node);
            for (int i = 0; i < batch.size(); i++) {
                if (pipeline != null) {
                    pipeline.add(i);
                } else {
                    outcome.undelivered(i, openFailure);
                }
            }
            return pipelines;
        }
        // One reason per node and batch, not an exception per notification, while a node is held off.
        Map<HostAndPort, JedisException> heldOff = new HashMap<>();
        JedisConnectionException unserved = null;
        for (int i = 0; i < batch.size(); i++) {
            HostAndPort node = slots.getNode(JedisClusterCRC16.getSlot(batch.get(i).channel()));
            if (node == null) {
                if (unserved == null) {
                    unserved = new JedisConnectionException("no cluster node serves the slot of this channel");
                }
                outcome.undelivered(i, unserved);
            } else if (heldOff(node, now)) {
                outcome.undelivered(i, heldOff.computeIfAbsent(node, n -> new JedisConnectionException("cluster node "
                        + n + " is failing; next attempt in " + (failing.get(n).retryAtMs - now) + " ms")));
            } else {
                NodePipeline pipeline = pipeline(pipelines, node);
                if (pipeline != null) {
                    pipeline.add(i);
                } else {
                    // The node is held off from now on; the rest of its share fails with the same reason.
                    heldOff.put(node, openFailure);
                    outcome.undelivered(i, openFailure);
                }
            }
        }
        return pipelines;
    }

    /**
     * The node's pipeline for this batch, or {@code null} when no connection to the node can be opened (Jedis
     * connects when a connection is created): the node is then failed, so that it is held off and the slot map
     * re-read, and {@link #openFailure} says why.
     */
    private NodePipeline pipeline(Map<HostAndPort, NodePipeline> pipelines, HostAndPort node) {
        NodePipeline pipeline = pipelines.get(node);
        if (pipeline == null) {
            NodeConnection connection = connection(node);
            if (connection == null) {
                return null;
            }
            pipeline = new NodePipeline(connection);
            pipelines.put(node, pipeline);
        }
        return pipeline;
    }

    private NodeConnection connection(HostAndPort node) {
        NodeConnection connection = connections.get(node);
        if (connection == null) {
            try {
                connection = new NodeConnection(node, clientConfig);
            } catch (JedisException e) {
                openFailure = e;
                nodeFailed(node);
                return null;
            }
            connections.put(node, connection);
        }
        return connection;
    }

    private void write(Map<HostAndPort, NodePipeline> pipelines, List<Notification> batch, BatchOutcome outcome) {
        for (NodePipeline pipeline : pipelines.values()) {
            pipeline.write(batch, settings.protocolCommand(), settings.pipelineSize(), outcome);
        }
    }

    private void read(Map<HostAndPort, NodePipeline> pipelines, BatchOutcome outcome) {
        for (Map.Entry<HostAndPort, NodePipeline> entry : pipelines.entrySet()) {
            NodePipeline pipeline = entry.getValue();
            pipeline.read(outcome);
            if (pipeline.failed()) {
                nodeFailed(entry.getKey());
            } else {
                failing.remove(entry.getKey());
            }
        }
    }

    /**
     * Sends again what was redirected, to the node named in the reply, in batch order per target node. ASK is
     * one-shot (the slot is being migrated): ASKING precedes that one command only.
     */
    private void followRedirects(List<Notification> batch, BatchOutcome outcome) {
        for (int round = 0; round < MAX_REDIRECT_ROUNDS; round++) {
            List<BatchOutcome.Redirect> redirected = outcome.takeRedirects();
            if (redirected.isEmpty()) {
                return;
            }
            redirects += redirected.size();
            redirected.sort(Comparator.comparingInt(BatchOutcome.Redirect::index));
            if (redirected.stream().anyMatch(r -> r.reply() instanceof JedisMovedDataException)) {
                refresh();
            }
            Map<HostAndPort, NodePipeline> pipelines = new LinkedHashMap<>();
            for (BatchOutcome.Redirect redirect : redirected) {
                if (redirect.reply() instanceof JedisAskDataException) {
                    asking(redirect, batch, outcome);
                } else {
                    NodePipeline pipeline = pipeline(pipelines, redirect.reply().getTargetNode());
                    if (pipeline != null) {
                        pipeline.add(redirect.index());
                    } else {
                        outcome.undelivered(redirect.index(), openFailure);
                    }
                }
            }
            write(pipelines, batch, outcome);
            read(pipelines, outcome);
        }
    }

    private void asking(BatchOutcome.Redirect redirect, List<Notification> batch, BatchOutcome outcome) {
        HostAndPort target = redirect.reply().getTargetNode();
        NodeConnection connection = connection(target);
        if (connection == null) {
            outcome.undelivered(redirect.index(), openFailure);
            return;
        }
        NodePipeline pipeline = new NodePipeline(connection);
        pipeline.add(redirect.index());
        try {
            connection.executeCommand(new CommandArguments(Protocol.Command.ASKING));
        } catch (JedisException e) {
            outcome.undelivered(redirect.index(), e);
            nodeFailed(target);
            return;
        }
        pipeline.write(batch, settings.protocolCommand(), 1, outcome);
        pipeline.read(outcome);
        if (pipeline.failed()) {
            nodeFailed(target);
        }
    }

    /** Any master can broadcast a PUBLISH; keep the one in use until it fails, then prefer one that never failed. */
    private HostAndPort broadcastNode(long now) {
        if (broadcastNode != null && !heldOff(broadcastNode, now)) {
            return broadcastNode;
        }
        broadcastNode = null;
        HostAndPort retry = null;
        for (HostAndPort master : slotOwners()) {
            if (!failing.containsKey(master)) {
                broadcastNode = master;
                return master;
            }
            if (retry == null && !heldOff(master, now)) {
                retry = master;
            }
        }
        broadcastNode = retry;
        return retry;
    }

    private boolean heldOff(HostAndPort node, long now) {
        NodeState state = failing.get(node);
        return state != null && now < state.retryAtMs;
    }

    private void nodeFailed(HostAndPort node) {
        NodeConnection connection = connections.remove(node);
        if (connection != null) {
            connection.closeQuietly();
        }
        NodeState state = failing.computeIfAbsent(node, n -> new NodeState());
        long wait = holdOff.backoff(state.failures++);
        state.retryAtMs = time.milliseconds() + wait;
        if (state.failures == 1) {
            log.debug("Cluster node {} failed; holding it off for {} ms and re-reading the slot map", node, wait);
        }
        if (node.equals(broadcastNode)) {
            broadcastNode = null;
        }
    }

    /** Discovers the cluster on first use; re-reads the slot map while some node is failing. */
    private void refreshIfDue(long now) {
        if (slots == null) {
            // Created on first use, so that a cluster that is down at start is a publish failure, retried later.
            slots = new ClusterConnectionProvider(new LinkedHashSet<>(seeds), clientConfig);
            nextRefreshMs = now + REFRESH_INTERVAL_MS;
            return;
        }
        if (!failing.isEmpty() && now >= nextRefreshMs) {
            refresh();
        }
    }

    /**
     * Re-reads the slot map; a failure (no node answers) leaves the old map, to be re-read again later.
     *
     * @return whether a failing node lost its slots (to a promoted replica, or by resharding): the notifications
     *         it held up can go out again
     */
    private boolean refresh() {
        try {
            slots.renewSlotCache();
        } catch (JedisException e) {
            log.debug("Cannot re-read the cluster slot map now", e);
        }
        refreshes++;
        nextRefreshMs = time.milliseconds() + REFRESH_INTERVAL_MS;
        Set<HostAndPort> owners = slotOwners();
        // A node that serves no slot any more has nothing left to retry.
        return failing.keySet().removeIf(node -> !owners.contains(node));
    }

    /** The masters that serve slots now (a dead master may stay in Jedis's node list, never in the slot map). */
    private Set<HostAndPort> slotOwners() {
        Set<HostAndPort> owners = new LinkedHashSet<>();
        for (int slot = 0; slot < SLOTS; slot++) {
            HostAndPort owner = slots.getNode(slot);
            if (owner != null) {
                owners.add(owner);
            }
        }
        return owners;
    }

    /**
     * While a node is failing, re-reads the slot map (at most every {@value #REFRESH_INTERVAL_MS} ms) and says
     * whether its slots have moved: then a backoff in progress may end, as the next batch can go out.
     */
    @Override
    public boolean topologyChanged() {
        return slots != null && !failing.isEmpty() && time.milliseconds() >= nextRefreshMs && refresh();
    }

    @Override
    public long topologyRefreshes() {
        return refreshes;
    }

    @Override
    public long redirectsFollowed() {
        return redirects;
    }

    @Override
    public void close() {
        replies.clear();
        connections.values().forEach(NodeConnection::closeQuietly);
        connections.clear();
        if (slots != null) {
            try {
                slots.close();
            } catch (RuntimeException ignored) {
                // closing pools of dead nodes
            }
            slots = null;
        }
    }

    @Override
    public String toString() {
        return "cluster " + seeds;
    }
}
