package io.dualstream.connect.redis.testing.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dualstream.connect.redis.testing.Await;
import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.PackagedPlugin;
import io.dualstream.connect.redis.testing.StockWorker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A Connect cluster as users run it when one worker is not enough, built to be hurt: a KRaft broker, three stock
 * {@code ConnectDistributed} workers ({@link WorkerGroup}) with the packaged plugin, Redis in one topology
 * ({@link ChaosRedis}), a producer writing a sequence number per source ({@link SequencedProducer}) and subscribers
 * recording what arrives ({@link NotificationLedger}). Two connectors read the same topic, one per delivery
 * guarantee, each to its own channel prefix. {@link #inject} applies a {@link Fault} while events flow and measures
 * the recovery; {@link #finish} drains and returns, per fault and connector, what was lost, duplicated and counted.
 */
public final class ChaosRig implements AutoCloseable {

    public static final String WORKER_VERSION = "4.3.1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(300);
    private static final int RESET_RECORDS = 500;

    /** One connector of the run: its name is its channel prefix. */
    public record Connector(String name, String guarantee) {
    }

    /** What a run is made of. {@code maxRatePerTask} 0 leaves pacing off. */
    public record Plan(String topology, int partitions, int keys, int tasks, double eventsPerSecond, int maxRatePerTask) {
    }

    public static final List<Connector> CONNECTORS = List.of(new Connector("be", "best-effort"),
            new Connector("alo", "at-least-once"));
    static final String TOPIC = "chaos-events";

    private final Plan plan;
    private final EmbeddedKafkaCluster kafka;
    private final Admin admin;
    private final ChaosRedis redis;
    private final WorkerGroup workers;
    private final NotificationLedger ledger;
    private final SequencedProducer producer;
    private final TaskCounters counters = new TaskCounters();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "chaos-sampler");
        thread.setDaemon(true);
        return thread;
    });
    /** Per connector and partition: the committed offset last read, and the highest ever read. */
    private final Map<String, Map<Integer, Long>> committed = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, Long>> highestCommitted = new ConcurrentHashMap<>();
    private final List<String> regressions = new ArrayList<>();
    private final List<Window> windows = new ArrayList<>();
    private final Map<String, Map<String, String>> configs = new HashMap<>();
    private volatile boolean resetting;

    /** A fault's measurements, completed by {@link #finish}. */
    private record Window(Fault fault, String detail, Marks start, Duration running, Duration commit,
                          Duration caughtUp, Map<String, Long> replayable) {
    }

    /** Where the counts stood at a moment, to take differences over a window. */
    private record Marks(int[] produced, Map<String, long[]> ledger, Map<String, long[]> counted) {
    }

    static {
        // A JMX read of a worker frozen between the check and the call must not hang the sampler.
        System.setProperty("sun.rmi.transport.tcp.responseTimeout", "5000");
    }

    private ChaosRig(Plan plan, Path dir) throws IOException, InterruptedException {
        this.plan = plan;
        try {
            redis = ChaosRedis.of(plan.topology());
            kafka = new EmbeddedKafkaCluster(1, new Properties());
            kafka.start();
            kafka.createTopic(TOPIC, plan.partitions());
            admin = kafka.createAdminClient();
            Path pluginPath = Files.createDirectories(dir.resolve("plugins"));
            PackagedPlugin.install(pluginPath);
            String classpath = StockWorker.classpath(WORKER_VERSION, dir);
            workers = WorkerGroup.start(WORKER_VERSION, classpath, kafka.bootstrapServers(), pluginPath, dir, "chaos", 3);
            ledger = new NotificationLedger(plan.keys());
            List<String> prefixes = new ArrayList<>();
            for (Connector connector : CONNECTORS) {
                prefixes.add(connector.name());
                prefixes.add(fanOut(connector));
            }
            redis.observe(prefixes, plan.keys(), ledger);
            for (Connector connector : CONNECTORS) {
                configs.put(connector.name(), config(connector));
                workers.anyResponsive().configureConnector(connector.name(), configs.get(connector.name()));
            }
            for (Connector connector : CONNECTORS) {
                workers.awaitRunning(connector.name(), plan.tasks(), RECOVERY_TIMEOUT);
            }
            producer = new SequencedProducer(kafka.bootstrapServers(), TOPIC, plan.keys(), plan.partitions(),
                    plan.eventsPerSecond());
            sampler.scheduleWithFixedDelay(this::sample, 0, 500, TimeUnit.MILLISECONDS);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Starts everything and waits until both connectors run; events flow from then on. */
    public static ChaosRig start(Plan plan, Path dir) throws IOException, InterruptedException {
        return new ChaosRig(plan, dir);
    }

    private static String fanOut(Connector connector) {
        return connector.name() + "fan";
    }

    private Map<String, String> config(Connector connector) {
        Map<String, String> config = ConnectClusters.sinkConfig(TOPIC, redis.connectorSettings());
        config.put("tasks.max", Integer.toString(plan.tasks()));
        config.put("channel.template", connector.name() + ":{source_type}:{source_id}");
        config.put("notification.fields", "id,produced_at");
        config.put("delivery.guarantee", connector.guarantee());
        if (plan.maxRatePerTask() > 0) {
            config.put("notification.max.rate", Integer.toString(plan.maxRatePerTask()));
        }
        return config;
    }

    public WorkerGroup workers() {
        return workers;
    }

    public NotificationLedger ledger() {
        return ledger;
    }

    /** Lets events flow for {@code duration} with no fault. */
    public void flow(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis()); // the run's length: events flow meanwhile
    }

    /**
     * Applies {@code fault} to both connectors while events flow, then waits until both connectors' tasks run on
     * live workers and every partition's committed offset has moved past where it stood at the fault.
     */
    public void inject(Fault fault) throws IOException, InterruptedException {
        Marks start = marks();
        long t0 = System.nanoTime();
        Map<String, Map<Integer, Long>> baseline = committedNow();
        Map<String, Long> replayable = new HashMap<>();
        Recovery recovery = null;
        String detail;
        switch (fault) {
            case WORKER_KILL -> {
                int slot = workers.busiest(CONNECTORS.get(1).name());
                String killed = workers.worker(slot).workerId();
                workers.kill(slot);
                // Recovery is the survivors taking the work over; the replacement joins afterwards.
                recovery = awaitRecovery(t0, baseline);
                workers.replace(slot);
                detail = "killed " + killed + "; a new worker joined after the recovery";
            }
            case ZOMBIE -> {
                int slot = workers.busiest(CONNECTORS.get(1).name());
                StockWorker zombie = workers.worker(slot);
                zombie.freeze();
                // It wakes once the others own its partitions and have committed them: then it can only be late.
                recovery = awaitRecovery(t0, baseline);
                zombie.thaw();
                detail = "froze " + zombie.workerId() + " for " + seconds(Duration.ofNanos(System.nanoTime() - t0));
            }
            case ROLLING_RESTART -> {
                for (int slot = 0; slot < workers.size(); slot++) {
                    workers.restart(slot);
                    for (Connector connector : CONNECTORS) {
                        workers.awaitRunning(connector.name(), plan.tasks(), RECOVERY_TIMEOUT);
                    }
                }
                detail = workers.size() + " workers, one after another";
            }
            case BROKER_RESTART -> {
                kafka.stopOnlyBrokers();
                Thread.sleep(5_000); // the outage's length
                kafka.restartOnlyBrokers();
                detail = "5 s outage";
            }
            case REDIS_FAILOVER -> detail = redis.fault();
            case REDIS_AND_WORKER -> {
                int slot = workers.busiest(CONNECTORS.get(1).name());
                String killed = workers.worker(slot).workerId();
                workers.kill(slot);
                detail = redis.fault() + "; killed " + killed + "; a new worker joined after the recovery";
                recovery = awaitRecovery(t0, baseline);
                workers.replace(slot);
            }
            case PAUSE_RESUME -> {
                forEachConnector(name -> rest("PUT", "/connectors/" + name + "/pause"));
                Thread.sleep(5_000); // how long the connectors stay paused
                forEachConnector(name -> rest("PUT", "/connectors/" + name + "/resume"));
                detail = "paused 5 s";
            }
            case RESTART_TASKS -> {
                forEachConnector(name -> rest("POST", "/connectors/" + name + "/restart?includeTasks=true"));
                detail = "connector and tasks restarted";
            }
            case CONFIG_CHANGE -> {
                for (Connector connector : CONNECTORS) {
                    Map<String, String> config = new LinkedHashMap<>(configs.get(connector.name()));
                    config.put("channel.template", config.get("channel.template") + "," + fanOut(connector)
                            + ":{source_type}:{source_id}");
                    config.put("redis.pipeline.size", "100");
                    workers.anyResponsive().configureConnector(connector.name(), config);
                    configs.put(connector.name(), config);
                }
                detail = "fan-out to a second channel, pipeline 100";
            }
            case OFFSET_RESET -> {
                resetting = true;
                for (Connector connector : CONNECTORS) {
                    replayable.put(connector.name(), resetOffsets(connector.name()));
                }
                baseline = committedNow();
                detail = RESET_RECORDS + " records back on every partition";
            }
            default -> throw new IllegalArgumentException(fault.name());
        }
        if (recovery == null) {
            recovery = awaitRecovery(t0, baseline);
        } else {
            // The worker that joined (or woke) afterwards takes tasks back: they must run again before the next fault.
            for (Connector connector : CONNECTORS) {
                workers.awaitRunning(connector.name(), plan.tasks(), RECOVERY_TIMEOUT);
            }
        }
        resetting = false;
        // The next fault waits until the backlog is gone, so that each window's events are published in it.
        Duration caughtUp = awaitCaughtUp(t0);
        windows.add(new Window(fault, detail, start, recovery.running(), recovery.commit(), caughtUp, replayable));
    }

    private interface PerConnector {
        void run(String name) throws IOException, InterruptedException;
    }

    private void forEachConnector(PerConnector action) throws IOException, InterruptedException {
        for (Connector connector : CONNECTORS) {
            action.run(connector.name());
        }
    }

    private void rest(String method, String path) throws IOException, InterruptedException {
        workers.anyResponsive().rest(method, path, null);
    }

    /**
     * Stops the connector, moves every partition {@link #RESET_RECORDS} back from its committed offset with the
     * offsets API, and resumes it. Returns how many records lie between the new offsets and the old ones, and
     * remembers those ranges so that {@link #finish} can check they were published again.
     */
    private long resetOffsets(String name) throws IOException, InterruptedException {
        rest("PUT", "/connectors/" + name + "/stop");
        Await.until(name + " STOPPED", RECOVERY_TIMEOUT, () -> {
            try {
                return "STOPPED".equals(workers.anyResponsive().rest("GET", "/connectors/" + name + "/status", null)
                        .path("connector").path("state").asText());
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        JsonNode current = workers.anyResponsive().rest("GET", "/connectors/" + name + "/offsets", null);
        ObjectNode patch = JSON.createObjectNode();
        ArrayNode offsets = patch.putArray("offsets");
        long records = 0;
        for (JsonNode entry : current.path("offsets")) {
            long offset = entry.path("offset").path("kafka_offset").asLong();
            long back = Math.max(0, offset - RESET_RECORDS);
            int partition = entry.path("partition").path("kafka_partition").asInt();
            resetRanges.add(new ResetRange(name, partition, back, offset));
            records += offset - back;
            ObjectNode moved = offsets.addObject();
            moved.set("partition", entry.path("partition"));
            moved.putObject("offset").put("kafka_offset", back);
        }
        workers.anyResponsive().rest("PATCH", "/connectors/" + name + "/offsets", patch);
        rest("PUT", "/connectors/" + name + "/resume");
        return records;
    }

    private record ResetRange(String connector, int partition, long from, long to) {
    }

    private final List<ResetRange> resetRanges = new ArrayList<>();

    /** From a fault until its tasks run on live workers, and until every partition committed past its offset then. */
    private record Recovery(Duration running, Duration commit) {
    }

    private Recovery awaitRecovery(long t0, Map<String, Map<Integer, Long>> baseline) {
        for (Connector connector : CONNECTORS) {
            workers.awaitRunning(connector.name(), plan.tasks(), RECOVERY_TIMEOUT);
        }
        Duration running = Duration.ofNanos(System.nanoTime() - t0);
        try {
            Await.until("every partition of both connectors to commit past where it stood", RECOVERY_TIMEOUT,
                    () -> advanced(baseline));
        } catch (IllegalStateException e) {
            throw new AssertionError(e.getMessage() + "\ncommitted " + committed + "\nbaseline " + baseline + "\n"
                    + workers.logTails(), e);
        }
        return new Recovery(running, Duration.ofNanos(System.nanoTime() - t0));
    }

    /** Waits until both connectors have committed every event acknowledged by now; returns the time since {@code t0}. */
    private Duration awaitCaughtUp(long t0) {
        long[] end = new long[plan.partitions()];
        for (int partition = 0; partition < end.length; partition++) {
            end[partition] = producer.endOffset(partition);
        }
        Await.until("both connectors to commit the backlog", CATCH_UP_TIMEOUT, () -> {
            for (Connector connector : CONNECTORS) {
                Map<Integer, Long> now = committed.getOrDefault(connector.name(), Map.of());
                for (int partition = 0; partition < end.length; partition++) {
                    if (now.getOrDefault(partition, -1L) < end[partition]) {
                        return false;
                    }
                }
            }
            return true;
        });
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private boolean advanced(Map<String, Map<Integer, Long>> baseline) {
        for (Connector connector : CONNECTORS) {
            Map<Integer, Long> now = committed.getOrDefault(connector.name(), Map.of());
            Map<Integer, Long> before = baseline.getOrDefault(connector.name(), Map.of());
            for (int partition = 0; partition < plan.partitions(); partition++) {
                Long offset = now.get(partition);
                if (offset == null || offset <= before.getOrDefault(partition, -1L)) {
                    return false;
                }
            }
        }
        return true;
    }

    private Map<String, Map<Integer, Long>> committedNow() {
        Map<String, Map<Integer, Long>> copy = new HashMap<>();
        for (Connector connector : CONNECTORS) {
            copy.put(connector.name(), readCommitted(connector.name()));
        }
        return copy;
    }

    private Map<Integer, Long> readCommitted(String connector) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("connect-" + connector)
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            Map<Integer, Long> byPartition = new HashMap<>();
            offsets.forEach((tp, offset) -> {
                if (offset != null) {
                    byPartition.put(tp.partition(), offset.offset());
                }
            });
            return byPartition;
        } catch (Exception brokerAway) {
            return committed.getOrDefault(connector, Map.of());
        }
    }

    /** Every 500 ms: the committed offsets (regressions noted), the task counters of every responsive worker. */
    private void sample() {
        for (Connector connector : CONNECTORS) {
            Map<Integer, Long> now = readCommitted(connector.name());
            Map<Integer, Long> before = committed.put(connector.name(), now);
            Map<Integer, Long> highest = highestCommitted.computeIfAbsent(connector.name(), c -> new ConcurrentHashMap<>());
            now.forEach((partition, offset) -> {
                highest.merge(partition, offset, Math::max);
                Long previous = before == null ? null : before.get(partition);
                if (previous != null && offset < previous && !resetting) {
                    synchronized (regressions) {
                        regressions.add(connector.name() + "-" + partition + ": " + previous + " -> " + offset);
                    }
                }
            });
        }
        for (int slot = 0; slot < workers.size(); slot++) {
            StockWorker worker = workers.worker(slot);
            if (worker != null && worker.alive() && !worker.frozen()) {
                try {
                    counters.sample(worker);
                } catch (IOException | RuntimeException unreachable) {
                    // a worker starting or just killed: read it next time
                }
            }
        }
    }

    private Marks marks() {
        Map<String, long[]> ledgerCounts = new HashMap<>();
        Map<String, long[]> counted = new HashMap<>();
        for (Connector connector : CONNECTORS) {
            NotificationLedger.Stream stream = ledger.stream(connector.name());
            ledgerCounts.put(connector.name(), new long[] {stream.duplicates(), stream.rewinds(), stream.outOfOrder()});
            counted.put(connector.name(), new long[] {counters.unpublished(connector.name()),
                    counters.total(connector.name(), TaskCounters.REDELIVERED)});
        }
        return new Marks(producer.acknowledgedCounts(), ledgerCounts, counted);
    }

    /** Per fault and connector: how long recovery took and what the window lost, duplicated and counted. */
    public record Outcome(Fault fault, String detail, String connector, String guarantee, Duration running,
                          Duration commit, Duration caughtUp, long produced, long lost, long duplicates, long rewinds, long outOfOrder,
                          long counted, long redelivered, long replayable, long replayed) {
    }

    /** What the whole run found, beyond the windows. */
    public record Result(List<Outcome> outcomes, Map<String, Long> committedButUnseen, List<String> regressions,
                         long produced, Map<String, Long> received, Map<String, Long> fanOutReceived, long unreadable) {
    }

    /**
     * Stops the producer, waits until both connectors have committed everything and the subscribers are quiet,
     * then compares what was produced, seen, committed and counted.
     */
    public Result finish() throws InterruptedException {
        producer.stop();
        Await.until("both connectors to commit every record", RECOVERY_TIMEOUT, () -> {
            for (Connector connector : CONNECTORS) {
                Map<Integer, Long> now = committed.getOrDefault(connector.name(), Map.of());
                for (int partition = 0; partition < plan.partitions(); partition++) {
                    long end = producer.endOffset(partition);
                    if (now.getOrDefault(partition, -1L) < end) {
                        return false;
                    }
                }
            }
            return true;
        });
        long[] lastReceived = {-1};
        Await.until("the subscribers to go quiet", Duration.ofSeconds(60), () -> {
            long received = CONNECTORS.stream().mapToLong(c -> ledger.stream(c.name()).received()).sum();
            boolean quiet = received == lastReceived[0];
            lastReceived[0] = received;
            if (!quiet) {
                sleepQuietly(1000); // a second without a message is quiet
            }
            return quiet;
        });
        sample();
        Marks end = marks();
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < windows.size(); i++) {
            Window window = windows.get(i);
            Marks next = i + 1 < windows.size() ? windows.get(i + 1).start() : end;
            for (Connector connector : CONNECTORS) {
                NotificationLedger.Stream stream = ledger.stream(connector.name());
                long produced = 0;
                long lost = 0;
                for (int key = 0; key < plan.keys(); key++) {
                    produced += next.produced()[key] - window.start().produced()[key];
                    lost += stream.missing(key, window.start().produced()[key], next.produced()[key]);
                }
                long[] ledgerFrom = window.start().ledger().get(connector.name());
                long[] ledgerTo = next.ledger().get(connector.name());
                long[] countedFrom = window.start().counted().get(connector.name());
                long[] countedTo = next.counted().get(connector.name());
                long replayed = window.fault() == Fault.OFFSET_RESET ? replayed(connector.name()) : 0;
                outcomes.add(new Outcome(window.fault(), window.detail(), connector.name(), connector.guarantee(),
                        window.running(), window.commit(), window.caughtUp(), produced, lost, ledgerTo[0] - ledgerFrom[0],
                        ledgerTo[1] - ledgerFrom[1], ledgerTo[2] - ledgerFrom[2], countedTo[0] - countedFrom[0],
                        countedTo[1] - countedFrom[1], window.replayable().getOrDefault(connector.name(), 0L), replayed));
            }
        }
        Map<String, Long> unseen = new LinkedHashMap<>();
        Map<String, Long> received = new LinkedHashMap<>();
        Map<String, Long> fanOut = new LinkedHashMap<>();
        for (Connector connector : CONNECTORS) {
            unseen.put(connector.name(), committedButUnseen(connector.name()));
            received.put(connector.name(), ledger.stream(connector.name()).received());
            fanOut.put(connector.name(), ledger.stream(fanOut(connector)).received());
        }
        List<String> regressed;
        synchronized (regressions) {
            regressed = List.copyOf(regressions);
        }
        return new Result(outcomes, unseen, regressed, producer.acked(), received, fanOut, ledger.unreadable());
    }

    /** Events at offsets below the highest committed offset ever read that the connector's subscribers never saw. */
    private long committedButUnseen(String connector) {
        NotificationLedger.Stream stream = ledger.stream(connector);
        long unseen = 0;
        for (Map.Entry<Integer, Long> entry : highestCommitted.getOrDefault(connector, Map.of()).entrySet()) {
            for (long offset = 0; offset < entry.getValue(); offset++) {
                long event = producer.eventAt(entry.getKey(), offset);
                if (event == -1 || !stream.seen((int) (event >>> 32), (int) event)) {
                    unseen++;
                }
            }
        }
        return unseen;
    }

    /** Events in the connector's reset ranges that arrived at least twice: published again from the new position. */
    private long replayed(String connector) {
        NotificationLedger.Stream stream = ledger.stream(connector);
        long replayed = 0;
        for (ResetRange range : resetRanges) {
            if (range.connector().equals(connector)) {
                for (long offset = range.from(); offset < range.to(); offset++) {
                    long event = producer.eventAt(range.partition(), offset);
                    if (event != -1 && stream.seenTwice((int) (event >>> 32), (int) event)) {
                        replayed++;
                    }
                }
            }
        }
        return replayed;
    }

    /** Redis connections per node held by the connectors' tasks ({@code CLIENT LIST} by client name). */
    public Map<String, Integer> redisConnections() {
        return redis.connections("kafka-connect-redis-pubsub:");
    }

    public String logTails() {
        return workers.logTails();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String seconds(Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        if (producer != null) {
            producer.close();
        }
        if (workers != null) {
            workers.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (kafka != null) {
            kafka.stop();
        }
        if (redis != null) {
            redis.close();
        }
    }
}
