package io.dualstream.quickstart;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualstream.quickstart.gateway.EventChannel;
import io.dualstream.quickstart.gateway.Gateway;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The quickstart: Kafka, a distributed Connect worker loading the plugin from plugin.path, Redis, the
 * connector registered through REST, a sample producer and a subscriber with a live view; all stopped
 * again on Ctrl-C or after {@code quickstart.duration}. Run it with {@code ./mvnw -q -Pquickstart package}.
 */
public final class Quickstart {

    static final String CONNECTOR_CLASS = "io.dualstream.connect.redis.RedisPubSubSinkConnector";
    private static final int TOPIC_PARTITIONS = 3;
    /** Generous: on a busy laptop the worker can take a minute to list the plugin and start the task. */
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

    private final QuickstartOptions options;
    private final PrintStream out;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile int exitCode = 1;

    Quickstart(QuickstartOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) {
        QuickstartOptions options;
        try {
            options = QuickstartOptions.from(System.getProperties());
            logToFile(options.workDir());
        } catch (QuickstartException e) {
            System.err.println("quickstart: " + e.getMessage());
            System.exit(2);
            return;
        }
        Quickstart quickstart = new Quickstart(options, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(quickstart::stopAndAwaitCleanup, "quickstart-shutdown"));
        try {
            quickstart.exitCode = quickstart.run();
        } catch (QuickstartException e) {
            System.err.println("quickstart: " + e.getMessage());
            quickstart.exitCode = 1;
        } finally {
            quickstart.finished.countDown();
        }
        // Kafka's and Jedis's non-daemon threads would otherwise keep the JVM alive.
        System.exit(quickstart.exitCode);
    }

    /**
     * Sends Kafka's, the worker's and Jedis's logs to a file, so the terminal shows only the live view. Runs before
     * anything touches a logger.
     */
    private static void logToFile(Path workDir) {
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new QuickstartException("cannot create the work directory " + workDir + ": " + e.getMessage(), e);
        }
        URL config = Quickstart.class.getResource("/quickstart-log4j2.properties");
        System.setProperty("log4j2.configurationFile", String.valueOf(config));
        System.setProperty("quickstart.log.file", workDir.resolve("quickstart.log").toAbsolutePath().toString());
        // Our own shutdown hook still logs while it stops the worker and the broker.
        System.setProperty("log4j.shutdownHookEnabled", "false");
        julToFile(workDir.resolve("quickstart-jul.log"));
    }

    /**
     * Jersey and HK2 log through java.util.logging, straight to the terminal (stack traces while the REST server
     * stops); their lines go to a file next to the other logs instead.
     */
    private static void julToFile(Path file) {
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        try {
            FileHandler handler = new FileHandler(file.toAbsolutePath().toString());
            handler.setFormatter(new SimpleFormatter());
            root.addHandler(handler);
        } catch (IOException e) {
            throw new QuickstartException("cannot write logs to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Ctrl-C (or SIGTERM): ask {@link #run} to stop, keep the JVM alive until it has cleaned up and printed the
     * summary, then exit with run's code: stopping is how the quickstart is meant to end, not a failure.
     */
    private void stopAndAwaitCleanup() {
        if (finished.getCount() == 0) {
            return; // run() is done and main is exiting
        }
        stopRequested.countDown();
        try {
            if (finished.await(60, TimeUnit.SECONDS)) {
                out.flush();
                Runtime.getRuntime().halt(exitCode);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    int run() {
        long startMillis = System.currentTimeMillis();
        Path logFile = options.workDir().resolve("quickstart.log");
        out.println("Quickstart: Kafka -> Connect (Redis Pub/Sub sink) -> Redis. Logs: " + logFile);
        List<String> stopped = new ArrayList<>();
        RedisDeployment redis = null;
        QuickstartKafka kafka = null;
        QuickstartWorker worker = null;
        AutoCloseable watcher = null;
        Gateway gateway = null;
        SampleProducer producer = null;
        LiveStats stats = new LiveStats();
        LiveView view = null;
        try {
            requireFreePort(options.restPort(), "quickstart.rest.port", " (another Connect worker?)");
            requireFreePort(options.httpPort(), "quickstart.http.port", "");
            redis = step(options.redisMode() == QuickstartOptions.RedisMode.CLUSTER ? "Redis Cluster" : "Redis",
                    () -> RedisDeployment.obtain(options), RedisDeployment::location);
            kafka = step(options.bootstrapServers() == null ? "Kafka (embedded KRaft broker)" : "Kafka",
                    () -> QuickstartKafka.obtain(options.bootstrapServers(), options.workDir()), found -> found.bootstrapServers());
            Map<String, String> connectorConfig = connectorConfig(redis);
            String name = connectorName();
            String topic = connectorConfig.get("topics");
            QuickstartKafka kafkaRef = kafka;
            int partitions = step("topic " + topic, () -> kafkaRef.ensureTopic(topic, TOPIC_PARTITIONS));
            worker = step("Connect worker (distributed mode, REST on port " + options.restPort() + ")",
                    () -> QuickstartWorker.start(kafkaRef.bootstrapServers(), options.restPort(), options.pluginPath()));
            ConnectRest rest = new ConnectRest(options.restPort());
            step("plugin from plugin.path " + options.pluginPath(), () -> {
                rest.awaitPlugin(CONNECTOR_CLASS, STARTUP_TIMEOUT);
                return null;
            });
            step("connector " + name + " through PUT " + rest.connectorUrl(name) + "/config", () -> {
                rest.putConnector(name, connectorConfig);
                rest.awaitRunning(name, STARTUP_TIMEOUT);
                return null;
            });
            List<String> channels = sampleChannels(connectorConfig);
            watcher = redis.watch(stats, channels);
            RedisDeployment redisRef = redis;
            gateway = step("live page (gateway on 127.0.0.1:" + options.httpPort() + ")",
                    () -> startGateway(redisRef, kafkaRef, topic, connectorConfig, channels),
                    started -> started.url().toString());
            producer = new SampleProducer(kafka.bootstrapServers(), topic, options.rate());
            producer.start();
            out.println(String.format(Locale.ROOT, "Producing %d events/s to %s; watching %s%s", options.rate(),
                    topic, redis.subscription(), options.duration() == null ? "; Ctrl-C stops"
                            : " for " + options.duration().toSeconds() + " s"));
            view = new LiveView(out, ansi(), new LiveView.Setup(
                    kafka.isEmbedded() ? "embedded KRaft broker " + kafka.bootstrapServers() : kafka.bootstrapServers(),
                    topic, partitions, rest.baseUrl(), name, redis, options.rate(), gateway.url()), startMillis);
            watch(view, stats, producer, rest, name);
            producer.close();
            awaitDrain(stats, producer);
            return stats.received() > 0 ? 0 : noNotifications(logFile);
        } finally {
            closeQuietly(producer, "producer", stopped);
            closeQuietly(gateway, "gateway", stopped);
            closeQuietly(watcher, "subscriber", stopped);
            closeQuietly(worker, "Connect worker", stopped);
            if (kafka != null && kafka.isEmbedded()) {
                closeQuietly(kafka, "Kafka broker", stopped);
            }
            if (redis != null && redis.startedName() != null) {
                closeQuietly(redis, redis.startedName(), stopped);
            }
            if (view != null) {
                view.summary(stats, producer == null ? 0 : producer.sent(), producer == null ? 0 : producer.failed(),
                        System.currentTimeMillis(), stopped);
            }
        }
    }

    /** Fails before anything starts when a port the quickstart listens on is taken. */
    private static void requireFreePort(int port, String flag, String likelyCause) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("localhost", port));
        } catch (IOException e) {
            throw new QuickstartException("port " + port + " is in use" + likelyCause + ": stop it, or pass "
                    + "another port with -D" + flag + "=PORT");
        }
    }

    /** The live page's gateway: the same Redis and topic as the connector, its channel template. */
    private Gateway startGateway(RedisDeployment redis, QuickstartKafka kafka, String topic,
                                 Map<String, String> connectorConfig, List<String> channels) {
        try {
            return Gateway.start(options.httpPort(), redis.gatewaySubscriptions(channels), kafka.bootstrapServers(),
                    topic, connectorConfig.get("channel.template"));
        } catch (IOException | RuntimeException e) {
            throw new QuickstartException("the live page's gateway did not start on 127.0.0.1:" + options.httpPort()
                    + ": " + e.getMessage() + (e instanceof BindException ? " (pass another port with "
                    + "-Dquickstart.http.port=PORT)" : ""), e);
        }
    }

    private int noNotifications(Path logFile) {
        out.println("No notification arrived. The worker's log says why: " + logFile);
        return 1;
    }

    /** Redraws the view until the duration is over or Ctrl-C. */
    private void watch(LiveView view, LiveStats stats, SampleProducer producer, ConnectRest rest, String name) {
        Duration duration = options.duration();
        long endNanos = duration == null ? 0 : System.nanoTime() + duration.toNanos();
        long statusEveryMillis = 2000;
        long nextStatus = 0;
        String state = rest.status(name);
        try {
            while (true) {
                long waitMillis = view.interval().toMillis();
                if (duration != null) {
                    long leftMillis = (endNanos - System.nanoTime()) / 1_000_000;
                    if (leftMillis <= 0) {
                        return;
                    }
                    waitMillis = Math.min(waitMillis, leftMillis);
                }
                if (stopRequested.await(waitMillis, TimeUnit.MILLISECONDS)) {
                    return;
                }
                long now = System.currentTimeMillis();
                if (now >= nextStatus) {
                    state = rest.status(name);
                    nextStatus = now + statusEveryMillis;
                }
                view.draw(stats, producer.sent(), state, now);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Gives notifications still in flight a moment to arrive, so the summary counts them. */
    private void awaitDrain(LiveStats stats, SampleProducer producer) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        try {
            while (stats.received() < producer.sent() && System.nanoTime() < deadline) {
                Thread.sleep(100); // polling, bounded by the deadline
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean ansi() {
        return switch (options.view()) {
            case ANSI -> true;
            case PLAIN -> false;
            case AUTO -> System.console() != null;
        };
    }

    private String connectorName() {
        try {
            return new ObjectMapper().readTree(options.connectorConfig().toFile()).path("name").asText();
        } catch (IOException e) {
            throw new QuickstartException("cannot read " + options.connectorConfig() + ": " + e.getMessage(), e);
        }
    }

    /** The connector's config from the JSON file in config/, pointed at the Redis in use. */
    private Map<String, String> connectorConfig(RedisDeployment redis) {
        try {
            JsonNode root = new ObjectMapper().readTree(options.connectorConfig().toFile());
            Map<String, String> config = new LinkedHashMap<>(new ObjectMapper().convertValue(root.get("config"),
                    new TypeReference<Map<String, String>>() { }));
            config.putAll(redis.connectorSettings());
            return config;
        } catch (IOException | IllegalArgumentException e) {
            throw new QuickstartException("cannot read the connector config " + options.connectorConfig() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Every channel the sample events can be published on, by the connector's channel template. */
    static List<String> sampleChannels(Map<String, String> connectorConfig) {
        EventChannel template;
        try {
            template = new EventChannel(connectorConfig.get("channel.template"));
        } catch (IllegalArgumentException e) {
            throw new QuickstartException("the live view cannot follow " + e.getMessage(), e);
        }
        return SampleEvents.sources().stream().map(template::of).toList();
    }

    private interface Step<T> {
        T run();
    }

    private <T> T step(String what, Step<T> step) {
        return step(what, step, result -> "ok");
    }

    /** Runs one start-up step, printing what it does, how it ended and how long it took. */
    private <T> T step(String what, Step<T> step, Function<T, String> outcome) {
        if (stopRequested.getCount() == 0) {
            throw new QuickstartException("stopped before " + what);
        }
        long start = System.nanoTime();
        out.print("  " + what + " ... ");
        out.flush();
        T result;
        try {
            result = step.run();
        } catch (RuntimeException e) {
            out.println("failed");
            throw e;
        }
        out.println(String.format(Locale.ROOT, "%s (%.1f s)", outcome.apply(result), (System.nanoTime() - start) / 1e9));
        return result;
    }

    private void closeQuietly(AutoCloseable resource, String what, List<String> stopped) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
            stopped.add(what);
        } catch (Exception e) {
            out.println("  stopping the " + what + " failed: " + e.getMessage());
        }
    }
}
