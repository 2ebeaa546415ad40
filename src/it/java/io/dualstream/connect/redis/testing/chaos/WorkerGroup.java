package io.dualstream.connect.redis.testing.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualstream.connect.redis.testing.Await;
import io.dualstream.connect.redis.testing.StockWorker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Stock {@code ConnectDistributed} workers of one Kafka version in one Connect group, each its own JVM with the
 * packaged plugin on its {@code plugin.path}: what a user runs when one worker is not enough. A worker that is
 * killed or restarted keeps its slot; its successor gets new ports, as a rescheduled pod would.
 */
public final class WorkerGroup implements AutoCloseable {

    /**
     * The group's settings that decide how fast work leaves a lost worker: its heartbeat session, and how long the
     * leader holds a departed worker's tasks for it ({@code scheduled.rebalance.max.delay.ms}, 5 minutes by default),
     * and the sink tasks' consumers' own session (45 s by default in Kafka 4).
     */
    public static final Map<String, String> RECOVERY_SETTINGS = Map.of(
            "session.timeout.ms", "10000",
            "heartbeat.interval.ms", "3000",
            "scheduled.rebalance.max.delay.ms", "10000",
            "consumer.session.timeout.ms", "10000",
            "consumer.heartbeat.interval.ms", "3000");

    private final String version;
    private final String classpath;
    private final String bootstrapServers;
    private final Path pluginPath;
    private final Path dir;
    private final String group;
    private final StockWorker[] workers;
    private final int[] generations;

    private WorkerGroup(String version, String classpath, String bootstrapServers, Path pluginPath, Path dir,
                        String group, int size) {
        this.version = version;
        this.classpath = classpath;
        this.bootstrapServers = bootstrapServers;
        this.pluginPath = pluginPath;
        this.dir = dir;
        this.group = group;
        this.workers = new StockWorker[size];
        this.generations = new int[size];
    }

    /** Starts {@code size} workers at once and waits until each REST API answers. */
    public static WorkerGroup start(String version, String classpath, String bootstrapServers, Path pluginPath,
                                    Path dir, String group, int size) {
        WorkerGroup workers = new WorkerGroup(version, classpath, bootstrapServers, pluginPath, dir, group, size);
        try {
            List<CompletableFuture<Void>> starting = new ArrayList<>();
            for (int slot = 0; slot < size; slot++) {
                int s = slot;
                starting.add(CompletableFuture.runAsync(() -> workers.launch(s)));
            }
            starting.forEach(CompletableFuture::join);
        } catch (CompletionException e) {
            workers.close();
            throw e;
        }
        return workers;
    }

    private void launch(int slot) {
        Map<String, String> settings = new HashMap<>(RECOVERY_SETTINGS);
        settings.put("group.id", group);
        settings.put("config.storage.topic", group + "-configs");
        settings.put("offset.storage.topic", group + "-offsets");
        settings.put("status.storage.topic", group + "-status");
        String name = group + "-worker-" + slot + "-" + generations[slot]++;
        try {
            workers[slot] = StockWorker.start(version, classpath, bootstrapServers, pluginPath, dir,
                    new StockWorker.Options(name, settings, List.of("-Xms256m")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int size() {
        return workers.length;
    }

    public StockWorker worker(int slot) {
        return workers[slot];
    }

    /** A worker that can answer REST requests: alive and not frozen. */
    public StockWorker anyResponsive() {
        for (StockWorker worker : workers) {
            if (worker != null && worker.alive() && !worker.frozen()) {
                return worker;
            }
        }
        throw new IllegalStateException("no responsive worker");
    }

    /** The slot of the worker that runs the most of {@code connector}'s tasks now, by the REST status. */
    public int busiest(String connector) throws IOException, InterruptedException {
        Map<String, Integer> tasks = new HashMap<>();
        for (JsonNode task : anyResponsive().rest("GET", "/connectors/" + connector + "/status", null).path("tasks")) {
            tasks.merge(task.path("worker_id").asText(), 1, Integer::sum);
        }
        int busiest = 0;
        for (int slot = 1; slot < workers.length; slot++) {
            if (tasks.getOrDefault(workers[slot].workerId(), 0) > tasks.getOrDefault(workers[busiest].workerId(), 0)) {
                busiest = slot;
            }
        }
        return busiest;
    }

    /** SIGKILL of the worker in {@code slot}: the OOM killer, a lost node. */
    public void kill(int slot) {
        workers[slot].kill();
    }

    /** A new worker in the slot of a dead one, as the scheduler starts a lost pod again elsewhere. */
    public void replace(int slot) {
        launch(slot);
    }

    /** Stops the worker in {@code slot} as a deploy does (SIGTERM, its tasks stopped and committed), then a new one. */
    public void restart(int slot) {
        workers[slot].close();
        launch(slot);
    }

    /**
     * Waits until the connector and {@code tasks} tasks are RUNNING, each on a worker that is alive and not frozen;
     * returns how long that took.
     */
    public Duration awaitRunning(String connector, int tasks, Duration timeout) {
        long start = System.nanoTime();
        Await.until(connector + " and its " + tasks + " tasks RUNNING on live workers", timeout, () -> {
            try {
                JsonNode status = anyResponsive().rest("GET", "/connectors/" + connector + "/status", null);
                if (!"RUNNING".equals(status.path("connector").path("state").asText())
                        || status.path("tasks").size() != tasks) {
                    return false;
                }
                for (JsonNode task : status.path("tasks")) {
                    if (!"RUNNING".equals(task.path("state").asText()) || !responsive(task.path("worker_id").asText())) {
                        return false;
                    }
                }
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private boolean responsive(String workerId) {
        for (StockWorker worker : workers) {
            if (worker.workerId().equals(workerId)) {
                return worker.alive() && !worker.frozen();
            }
        }
        return false;
    }

    /** The live workers' log tails, for failure messages. */
    public String logTails() {
        StringBuilder tails = new StringBuilder();
        for (StockWorker worker : workers) {
            if (worker != null) {
                tails.append("--- ").append(worker.workerId()).append('\n').append(worker.logTail()).append('\n');
            }
        }
        return tails.toString();
    }

    @Override
    public void close() {
        for (StockWorker worker : workers) {
            if (worker != null) {
                worker.close();
            }
        }
    }
}
