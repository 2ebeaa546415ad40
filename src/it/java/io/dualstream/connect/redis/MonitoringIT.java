package io.dualstream.connect.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualstream.connect.redis.metrics.TaskMetrics;
import io.dualstream.connect.redis.testing.Await;
import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.PackagedPlugin;
import io.dualstream.connect.redis.testing.Prometheus;
import io.dualstream.connect.redis.testing.RedisProcess;
import io.dualstream.connect.redis.testing.StockWorker;
import io.dualstream.connect.redis.testing.Subscriber;
import io.dualstream.quickstart.SampleEvents;
import io.dualstream.quickstart.SampleEvents.Event;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import javax.management.ObjectName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The monitoring kit in {@code config/monitoring} with real parts: stock Kafka Connect workers of Kafka 4.3.1
 * (plugin metrics, KIP-877) and 3.9.2 (the task's own MBean), each in its own JVM with the packaged plugin on its
 * plugin.path and the Prometheus JMX exporter's Java agent serving the kit's rules file as its whole
 * configuration; a real {@code prometheus} scraping both every second and evaluating a copy of the kit's alert
 * rules whose {@code for:} is {@value #SHORT_FOR}; a real {@code redis-server}. After a known mix of records
 * (good, malformed, tombstones, stale), every metric in the table of docs/operations.md must be one series per task
 * with the connector's values and labels, every query of the Grafana dashboard must return series, promtool must accept
 * the alerts, and the alerts must fire on their conditions: malformed records and old records at once, Redis
 * unavailable (timed) after Redis is stopped. Skipped when {@code prometheus}/{@code promtool} are not on the
 * PATH.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(MonitoringIT.Diagnostics.class)
class MonitoringIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path BASE = Path.of(System.getProperty("project.basedir", "."));
    private static final Path KIT = BASE.resolve("config/monitoring");
    private static final String PREFIX = "kafka_connect_redis_pubsub_";
    /** A worker with plugin metrics (Kafka 4.1+) and one without. */
    private static final List<String> VERSIONS = List.of("4.3.1", "3.9.2");
    private static final String SHORT_FOR = "5s";

    private static final int GOOD = 40;
    private static final int MALFORMED = 4;
    private static final int TOMBSTONES = 2;
    private static final int STALE = 3;
    /** The good records' age when produced: what record-age-at-publish must report, plus the time to publish. */
    private static final long AGE_MS = 120_000;
    /** notification.max.age.ms: the good records are younger, the stale ones (an hour old) older. */
    private static final long MAX_AGE_MS = 600_000;
    private static final Set<String> WINDOWED = Set.of("pipeline-latency-avg", "pipeline-latency-max",
            "record-age-at-publish-avg", "record-age-at-publish-max");

    @TempDir
    static Path dir;
    private static long startedAt;
    private static EmbeddedKafkaCluster kafka;
    private static RedisProcess redis;
    private static Subscriber subscriber;
    private static Prometheus prometheus;
    private static final Map<String, StockWorker> WORKERS = new ConcurrentHashMap<>();
    private static int produced;

    private static final String NO_PROMETHEUS = "MonitoringIT skipped: it needs prometheus and promtool on the PATH "
            + "(Debian/Ubuntu: apt-get install prometheus, which also brings promtool)";

    /** Each test is reported skipped with the reason (an assumption in @BeforeAll would count no test at all). */
    @BeforeEach
    void needsPrometheus() {
        assumeTrue(Prometheus.onPath(), NO_PROMETHEUS);
    }

    @BeforeAll
    static void startWorkersWithTheExporterAndPrometheus() throws Exception {
        if (!Prometheus.onPath()) {
            System.out.println(NO_PROMETHEUS);
            return;
        }
        startedAt = System.nanoTime();
        // Maven resolves the workers' jars and the agent one at a time, so that two never download into the
        // local repository at once, in the background while Kafka and Redis start.
        ExecutorService resolver = Executors.newSingleThreadExecutor();
        Map<String, Future<String>> classpaths = new LinkedHashMap<>();
        for (String version : VERSIONS) {
            classpaths.put(version, resolver.submit(() -> StockWorker.classpath(version, dir)));
        }
        Future<Path> agentJar = resolver.submit(() -> StockWorker.jmxExporterAgent(dir));
        resolver.shutdown();
        Path pluginPath = Files.createDirectories(dir.resolve("plugins"));
        PackagedPlugin.install(pluginPath);
        redis = RedisProcess.startLocal();
        kafka = new EmbeddedKafkaCluster(1, new Properties());
        kafka.start();

        // Both workers start at once, each with the agent serving the kit's rules, as KAFKA_OPTS would add it.
        Path agent = agentJar.get(5, TimeUnit.MINUTES);
        Path rules = KIT.resolve("jmx-exporter-rules.yml").toAbsolutePath();
        Map<String, Map<String, String>> targets = new LinkedHashMap<>();
        Map<String, Future<StockWorker>> starting = new LinkedHashMap<>();
        ExecutorService starter = Executors.newFixedThreadPool(VERSIONS.size());
        for (String version : VERSIONS) {
            int exporterPort = RedisProcess.freePort();
            targets.put("127.0.0.1:" + exporterPort, Map.of("worker", version));
            String classpath = classpaths.get(version).get(5, TimeUnit.MINUTES);
            List<String> javaagent = List.of("-javaagent:" + agent + "=127.0.0.1:" + exporterPort + ":" + rules);
            Path workDir = Files.createDirectories(dir.resolve(version));
            starting.put(version, starter.submit(() -> {
                StockWorker worker = StockWorker.start(version, classpath, kafka.bootstrapServers(), pluginPath,
                        workDir, javaagent);
                WORKERS.put(version, worker);
                return worker;
            }));
        }
        starter.shutdown();
        for (Future<StockWorker> worker : starting.values()) {
            worker.get(4, TimeUnit.MINUTES);
        }
        System.out.printf("MonitoringIT: JMX exporter agent %s; workers up %d ms after the test class started%n",
                agent.getFileName(), millisSince(startedAt));

        Path prometheusDir = Files.createDirectories(dir.resolve("prometheus"));
        prometheus = Prometheus.start(prometheusDir, "kafka-connect", targets, List.of(alertsWithShortFor(prometheusDir)));

        subscriber = Subscriber.psubscribe(redis, "events:*");
        for (String version : VERSIONS) {
            kafka.createTopic(topic(version), 1);
            WORKERS.get(version).configureConnector(connector(version), connectorConfig(version));
        }
        for (String version : VERSIONS) {
            WORKERS.get(version).awaitRunning(connector(version), Duration.ofSeconds(90));
        }
        // Scraped before the first record, so that the counters start at 0 in Prometheus and increase() sees them go up.
        for (String version : VERSIONS) {
            awaitSeries(PREFIX + "records_received_total" + selector(version), value -> value == 0,
                    "records_received_total of " + connector(version) + " scraped at 0");
        }
        long now = System.currentTimeMillis();
        for (String version : VERSIONS) {
            produceTheMix(version, now);
        }
        subscriber.awaitCount(GOOD * VERSIONS.size(), Duration.ofSeconds(60));
        produced = GOOD * VERSIONS.size();
        System.out.printf("MonitoringIT: records produced and published %d ms after the test class started%n",
                millisSince(startedAt));
    }

    @AfterAll
    static void stopEverything() {
        if (subscriber != null) {
            subscriber.close();
        }
        if (prometheus != null) {
            prometheus.close();
        }
        WORKERS.values().forEach(StockWorker::close);
        if (kafka != null) {
            kafka.stop();
        }
        if (redis != null) {
            redis.close();
        }
        if (startedAt != 0) {
            System.out.printf("MonitoringIT: whole run %d ms%n", millisSince(startedAt));
        }
    }

    @Test
    @Order(1)
    void promtoolAcceptsTheAlertRulesAndRejectsABrokenCopy() throws Exception {
        Prometheus.ToolRun check = Prometheus.promtool(dir, "check", "rules", KIT.resolve("alerts.yml").toString());
        assertEquals(0, check.exitCode(), "promtool check rules alerts.yml:\n" + check.output());
        assertTrue(check.output().contains("SUCCESS"), check.output());
        // The check is not a formality: the same file with one expression broken fails it.
        String alerts = Files.readString(KIT.resolve("alerts.yml"));
        Path broken = dir.resolve("alerts-broken.yml");
        Files.writeString(broken, alerts.replace("redis_available == 0", "redis_available == == 0"));
        assertNotEquals(0, Prometheus.promtool(dir, "check", "rules", broken.toString()).exitCode(),
                "promtool rejects a broken expression");
    }

    @Test
    @Order(2)
    void everyMetricOfTheTaskIsOneSeriesWithItsValueTypeAndLabels() throws Exception {
        Map<String, Double> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("records-received-total", (double) (GOOD + MALFORMED + TOMBSTONES + STALE)),
                Map.entry("notifications-published-total", (double) GOOD),
                Map.entry("subscribers-reached-total", (double) GOOD), // one subscriber, on events:*
                Map.entry("publish-failures-total", 0.0),
                Map.entry("notifications-dropped-total", 0.0),
                Map.entry("notifications-redelivered-total", 0.0),
                Map.entry("records-skipped-malformed-total", (double) MALFORMED),
                Map.entry("records-skipped-null-total", (double) TOMBSTONES),
                Map.entry("records-skipped-stale-total", (double) STALE),
                Map.entry("records-deferred-total", 0.0),
                Map.entry("notifications-coalesced-total", 0.0),
                Map.entry("records-reported-total", (double) MALFORMED), // to the dead-letter queue
                Map.entry("redis-available", 1.0),
                Map.entry("topology-refreshes-total", 0.0),
                Map.entry("redirects-followed-total", 0.0)));
        Set<String> documented = documentedMetrics();
        Set<String> checked = new TreeSet<>(expected.keySet());
        checked.addAll(WINDOWED);
        assertEquals(documented, checked, "this test checks every metric in the table of docs/operations.md");

        for (String version : VERSIONS) {
            StockWorker worker = WORKERS.get(version);
            String pattern = mbeanPattern(version);
            Map<ObjectName, List<String>> mbeans = worker.attributeNames(pattern);
            assertEquals(1, mbeans.size(), "one task MBean " + pattern + ": " + mbeans.keySet());
            ObjectName mbean = mbeans.keySet().iterator().next();
            assertEquals(documented, new TreeSet<>(mbeans.get(mbean)),
                    "the task registers the metrics of docs/operations.md, in " + mbean);
            Map<String, String> taskLabel = pluginMetrics(version)
                    ? Map.of("task", mbean.getKeyProperty("task"))
                    : Map.of("task_instance", mbean.getKeyProperty("task-instance"));
            if (pluginMetrics(version)) {
                assertEquals(worker.taskStatus(connector(version)).path("id").asText(), mbean.getKeyProperty("task"),
                        "the task label is Connect's task number");
            }

            // Best-effort counts a batch when its replies are read, at the next put() or offset flush.
            awaitSeries(series("notifications-published-total") + selector(version), value -> value == GOOD,
                    "notifications_published_total of " + connector(version));
            for (String metric : documented) {
                String name = series(metric);
                JsonNode found;
                if (WINDOWED.contains(metric)) {
                    // The MBean gives milliseconds; the series is in seconds. Both read the same window.
                    double millis = ((Number) worker.mbeans(mbean.toString(), metric).get(mbean)).doubleValue();
                    found = awaitSeries(name + selector(version), value -> Math.abs(value - millis / 1000) < 1e-9,
                            name + " of " + connector(version) + " = " + millis + " ms in JMX");
                } else {
                    double value = expected.get(metric);
                    found = awaitSeries(name + selector(version), v -> v == value,
                            name + " of " + connector(version) + " = " + value);
                }
                Map<String, String> labels = new TreeMap<>();
                found.path("metric").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                Map<String, String> expectedLabels = new TreeMap<>(taskLabel);
                expectedLabels.put("__name__", name);
                expectedLabels.put("connector", connector(version));
                expectedLabels.put("worker", version);
                expectedLabels.put("job", "kafka-connect");
                expectedLabels.put("instance", labels.get("instance"));
                assertEquals(expectedLabels, labels, name + " on Kafka Connect " + version);
                assertEquals(metric.endsWith("-total") ? "counter" : "gauge", type(name),
                        "the type the exporter gives " + name);
                System.out.printf("MonitoringIT: %s %s = %s%n", name, labels, found.path("value").path(1).asText());
            }

            double ageAvg = scraped(series("record-age-at-publish-avg") + selector(version));
            double ageMax = scraped(series("record-age-at-publish-max") + selector(version));
            assertTrue(ageAvg >= AGE_MS / 1000.0 && ageMax >= ageAvg && ageMax < AGE_MS / 1000.0 + 60,
                    "records produced " + AGE_MS + " ms old: age at publish avg " + ageAvg + " s, max " + ageMax + " s");
            double latencyAvg = scraped(series("pipeline-latency-avg") + selector(version));
            double latencyMax = scraped(series("pipeline-latency-max") + selector(version));
            assertTrue(latencyAvg > 0 && latencyMax >= latencyAvg && latencyMax < 10,
                    "pipeline latency avg " + latencyAvg + " s, max " + latencyMax + " s");

            // The lag rule: the sink task's consumer, caught up.
            String client = "connector-consumer-" + connector(version) + "-0";
            JsonNode lag = awaitSeries("kafka_consumer_fetch_manager_records_lag{clientid=\"" + client + "\"}",
                    value -> value == 0, "the consumer lag of " + client + " back to 0");
            assertEquals(topic(version), lag.path("metric").path("topic").asText());
            assertEquals("0", lag.path("metric").path("partition").asText());
            assertEquals("gauge", type("kafka_consumer_fetch_manager_records_lag"));
            System.out.printf("MonitoringIT: kafka_consumer_fetch_manager_records_lag %s = %s%n",
                    lag.path("metric"), lag.path("value").path(1).asText());
        }
    }

    @Test
    @Order(3)
    void theRulesMakeOneSeriesPerTaskOfEachMetricAndNoOther() throws IOException {
        Set<String> expected = new TreeSet<>();
        for (String metric : documentedMetrics()) {
            expected.add(series(metric));
        }
        Map<String, Integer> perTask = new TreeMap<>();
        for (String name : expected) {
            perTask.put(name, VERSIONS.size());
        }
        Await.until("one series per task of each metric, and no other name of the prefix", Duration.ofSeconds(30), () -> {
            Map<String, Integer> perName = new TreeMap<>();
            prometheus.query("{__name__=~\"" + PREFIX + ".*\"}")
                    .forEach(s -> perName.merge(s.path("metric").path("__name__").asText(), 1, Integer::sum));
            if (!perName.equals(perTask)) {
                throw new IllegalStateException("series per name: " + perName);
            }
            return perName;
        });
    }

    @Test
    @Order(4)
    void everyQueryOfTheDashboardReturnsSeriesForEachConnector() throws Exception {
        JsonNode dashboard = JSON.readTree(KIT.resolve("grafana-dashboard.json").toFile());
        Map<String, JsonNode> variables = new LinkedHashMap<>();
        dashboard.path("templating").path("list").forEach(v -> variables.put(v.path("name").asText(), v));
        assertEquals(Set.of("datasource", "connector"), variables.keySet(), "the dashboard's variables");
        assertEquals("datasource", variables.get("datasource").path("type").asText());
        assertEquals("prometheus", variables.get("datasource").path("query").asText());

        // The connector variable's label_values(metric, label) lists both connectors, as Grafana would ask it.
        Matcher labelValues = Pattern.compile("label_values\\((\\w+),\\s*(\\w+)\\)")
                .matcher(variables.get("connector").path("query").asText());
        assertTrue(labelValues.matches(), "connector variable query: " + variables.get("connector").path("query"));
        assertEquals("connector", labelValues.group(2));
        List<String> connectors = prometheus.labelValues("connector", labelValues.group(1));
        for (String version : VERSIONS) {
            assertTrue(connectors.contains(connector(version)), "the connector variable offers " + connector(version)
                    + ": " + connectors);
        }

        int queries = 0;
        Set<Integer> ids = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            String title = panel.path("title").asText();
            assertTrue(ids.add(panel.path("id").asInt()), "panel ids are unique: " + title);
            assertEquals("${datasource}", panel.path("datasource").path("uid").asText(), title);
            assertTrue(panel.path("targets").size() > 0, title + " has queries");
            List<String> counts = new ArrayList<>();
            for (JsonNode target : panel.path("targets")) {
                assertEquals("${datasource}", target.path("datasource").path("uid").asText(), title);
                String expr = target.path("expr").asText();
                List<String> values = new ArrayList<>();
                for (String version : VERSIONS) {
                    values.add(connector(version));
                }
                values.add(".*"); // the variable's "All"
                for (String connector : values) {
                    String query = expr.replace("${connector:regex}", connector).replace("$connector", connector)
                            .replace("$__rate_interval", "1m");
                    assertFalse(query.contains("$"), "a variable this test does not know in " + title + ": " + expr);
                    List<JsonNode> result = Await.until("series for " + title + " (" + connector + "): " + query,
                            Duration.ofSeconds(30), () -> {
                                List<JsonNode> series = prometheus.query(query);
                                return series.isEmpty() ? null : series;
                            });
                    counts.add(Integer.toString(result.size()));
                }
                queries++;
            }
            System.out.printf("MonitoringIT: dashboard panel \"%s\": series per query and connector %s%n", title, counts);
        }
        assertTrue(queries >= 10, "the dashboard's queries: " + queries);
    }

    @Test
    @Order(5)
    void theMalformedAndRecordAgeAlertsFireWhileRedisIsFine() throws Exception {
        // Record age at publish covers the last two 30 s windows: publish more old records now.
        long now = System.currentTimeMillis();
        for (String version : VERSIONS) {
            produce(version, SampleEvents.generate("late-" + version, 5, 7), now - AGE_MS);
        }
        produced += 5 * VERSIONS.size();
        subscriber.awaitCount(produced, Duration.ofSeconds(60));
        for (String version : VERSIONS) {
            awaitFiring("RedisPubSubSinkMalformedRecords", version, Duration.ofSeconds(60));
            awaitFiring("RedisPubSubSinkRecordAgeHigh", version, Duration.ofSeconds(60));
        }
        for (JsonNode alert : prometheus.alerts()) {
            String name = alert.path("labels").path("alertname").asText();
            assertFalse(name.equals("RedisPubSubSinkRedisUnavailable") || name.equals("RedisPubSubSinkNotificationsDropped"),
                    "Redis is fine, yet " + alert);
        }
    }

    @Test
    @Order(6)
    void theRedisUnavailableAlertFiresAfterRedisStops() throws Exception {
        for (JsonNode alert : prometheus.alerts()) {
            assertNotEquals("RedisPubSubSinkRedisUnavailable", alert.path("labels").path("alertname").asText(),
                    "not before Redis stops: " + alert);
        }
        long stopped = System.nanoTime();
        redis.kill();
        // redis-available changes when a task tries to publish: one record each.
        long now = System.currentTimeMillis();
        for (String version : VERSIONS) {
            produce(version, SampleEvents.generate("outage-" + version, 1, 3), now);
        }
        Map<String, Long> firingAfter = new LinkedHashMap<>();
        for (String version : VERSIONS) {
            awaitFiring("RedisPubSubSinkRedisUnavailable", version, Duration.ofSeconds(90));
            firingAfter.put(version, millisSince(stopped));
        }
        for (String version : VERSIONS) {
            assertEquals(0.0, scraped(series("redis-available") + selector(version)));
            assertTrue(scraped(series("publish-failures-total") + selector(version)) >= 1, "a failure counted");
            awaitFiring("RedisPubSubSinkNotificationsDropped", version, Duration.ofSeconds(60));
        }
        System.out.printf("MonitoringIT: Redis killed -> RedisPubSubSinkRedisUnavailable firing after %s ms by worker"
                + " (for: %s, scrape and evaluation every 1 s)%n", firingAfter, SHORT_FOR);
        for (String version : VERSIONS) {
            String target = "{worker=\"" + version + "\"}";
            System.out.printf("MonitoringIT: scrapes of Kafka Connect %s: %.0f, %.0f failed, average %.3f s, longest %.3f s%n",
                    version, value("count_over_time(up" + target + "[10m])"),
                    value("count_over_time(up" + target + "[10m]) - sum_over_time(up" + target + "[10m])"),
                    value("avg_over_time(scrape_duration_seconds" + target + "[10m])"),
                    value("max_over_time(scrape_duration_seconds" + target + "[10m])"));
        }
    }

    /** The alert {@code name} firing for the task of {@code version}'s connector, its summary naming the task. */
    private static JsonNode awaitFiring(String name, String version, Duration timeout) {
        JsonNode alert = Await.until(name + " firing for " + connector(version), timeout, () -> {
            List<String> seen = new ArrayList<>();
            for (JsonNode candidate : prometheus.alerts()) {
                JsonNode labels = candidate.path("labels");
                seen.add(labels.path("alertname").asText() + "/" + labels.path("connector").asText() + "/"
                        + candidate.path("state").asText());
                if (labels.path("alertname").asText().equals(name)
                        && labels.path("connector").asText().equals(connector(version))
                        && candidate.path("state").asText().equals("firing")) {
                    return candidate;
                }
            }
            throw new IllegalStateException("alerts now: " + seen);
        });
        String task = pluginMetrics(version)
                ? "task " + alert.path("labels").path("task").asText()
                : "task instance " + alert.path("labels").path("task_instance").asText();
        String summary = alert.path("annotations").path("summary").asText();
        assertTrue(summary.contains(connector(version)) && summary.contains("(" + task),
                "the summary names the connector and " + task + ": " + summary);
        assertFalse(alert.path("annotations").path("description").asText().isBlank(), alert.toString());
        System.out.printf("MonitoringIT: %s firing: %s%n", name, summary);
        return alert;
    }

    /** Polls Prometheus until {@code query} returns exactly one series whose value satisfies {@code ok}. */
    private static JsonNode awaitSeries(String query, DoublePredicate ok, String what) {
        return Await.until(what, Duration.ofSeconds(60), () -> {
            List<JsonNode> result = prometheus.query(query);
            if (result.size() == 1 && ok.test(Double.parseDouble(result.get(0).path("value").path(1).asText()))) {
                return result.get(0);
            }
            throw new IllegalStateException(query + " returned " + result);
        });
    }

    /**
     * The value of the one series {@code query} returns. Waits for it: a scrape that failed (timed out on a busy
     * machine) leaves the target's series stale, absent from queries, until the next one.
     */
    private static double scraped(String query) {
        return Double.parseDouble(awaitSeries(query, value -> true, query).path("value").path(1).asText());
    }

    /** The value of the one series {@code query} returns now (for series that every scrape writes, such as up). */
    private static double value(String query) {
        List<JsonNode> result = prometheus.query(query);
        assertEquals(1, result.size(), query + ": " + result);
        return Double.parseDouble(result.get(0).path("value").path(1).asText());
    }

    /** The type that the exporter's exposition gave {@code name} (counters are listed under their family name too). */
    private static String type(String name) {
        List<JsonNode> metadata = prometheus.targetMetadata(name);
        if (metadata.isEmpty() && name.endsWith("_total")) {
            metadata = prometheus.targetMetadata(name.substring(0, name.length() - "_total".length()));
        }
        Set<String> types = new TreeSet<>();
        metadata.forEach(m -> types.add(m.path("type").asText()));
        assertEquals(1, types.size(), "one type for " + name + ": " + metadata);
        return types.iterator().next();
    }

    /** The metric names in the first column of the Metrics table of docs/operations.md ("| Metric | Meaning |"). */
    private static Set<String> documentedMetrics() throws IOException {
        String operations = Files.readString(BASE.resolve("docs/operations.md"));
        int header = operations.indexOf("| Metric | Meaning |", operations.indexOf("\n## Metrics\n"));
        assertTrue(header > 0, "the Metrics table of docs/operations.md");
        Set<String> names = new TreeSet<>();
        List<String> rows = operations.substring(header).lines().skip(2)
                .takeWhile(line -> line.startsWith("|")).toList();
        for (String row : rows) {
            Matcher name = Pattern.compile("`([a-z-]+)`").matcher(row.substring(0, row.indexOf(" |", 2)));
            while (name.find()) {
                names.add(name.group(1));
            }
        }
        return names;
    }

    /** The kit's series name for a metric: Prometheus style, and the millisecond gauges in seconds. */
    private static String series(String metric) {
        return PREFIX + metric.replace('-', '_') + (WINDOWED.contains(metric) ? "_seconds" : "");
    }

    private static String selector(String version) {
        return "{connector=\"" + connector(version) + "\"}";
    }

    private static boolean pluginMetrics(String version) {
        return !version.startsWith("3.");
    }

    private static String mbeanPattern(String version) {
        return pluginMetrics(version)
                ? "kafka.connect:type=plugins,connector=" + connector(version) + ",*"
                : TaskMetrics.FALLBACK_JMX_PREFIX + ":type=" + TaskMetrics.FALLBACK_GROUP + ",connector="
                + connector(version) + ",*";
    }

    private static String connector(String version) {
        return "monitoring-" + version.replace('.', '-');
    }

    private static String topic(String version) {
        return "events-" + version.replace('.', '-');
    }

    /** The kit's alert rules with every {@code for:} shortened, so that the test need not wait minutes. */
    private static Path alertsWithShortFor(Path prometheusDir) throws IOException {
        String alerts = Files.readString(KIT.resolve("alerts.yml"));
        Matcher forClause = Pattern.compile("(?m)^(\\s+for:) \\S+$").matcher(alerts);
        String shortened = forClause.replaceAll("$1 " + SHORT_FOR);
        int rules = alerts.split("- alert:", -1).length - 1;
        assertEquals(rules, shortened.split("for: " + SHORT_FOR, -1).length - 1, "every alert's for: shortened");
        Path copy = prometheusDir.resolve("alerts-short-for.yml");
        Files.writeString(copy, shortened);
        return copy;
    }

    private static Map<String, String> connectorConfig(String version) {
        Map<String, String> config = ConnectClusters.sinkConfig(topic(version), redis);
        // The connector parses the bytes itself, so records that are not JSON reach it and count as malformed.
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.remove("value.converter.schemas.enable");
        config.put("notification.max.age.ms", Long.toString(MAX_AGE_MS));
        return ConnectClusters.withDeadLetterQueue(config, "dlq-" + topic(version));
    }

    /** Stale records (an hour old), good ones {@link #AGE_MS} old, malformed ones and tombstones. */
    private static void produceTheMix(String version, long now) {
        try (KafkaProducer<byte[], byte[]> producer = kafka.createProducer(Map.of())) {
            for (Event event : SampleEvents.generate("stale-" + version, STALE, 5)) {
                producer.send(record(version, now - 3_600_000, event.key(), event.json()));
            }
            for (Event event : SampleEvents.generate("good-" + version, GOOD, 11)) {
                producer.send(record(version, now - AGE_MS, event.key(), event.json()));
            }
            String[] malformed = {"not JSON at all", "[\"an array, not an object\"]",
                "{\"id\":\"x\",\"type\":\"push\",\"source_type\":\"user\",\"source_id\":{\"nested\":true}}", ""};
            for (int i = 0; i < MALFORMED; i++) {
                producer.send(record(version, now, "bad", malformed[i % malformed.length]));
            }
            for (int i = 0; i < TOMBSTONES; i++) {
                producer.send(record(version, now, "gone", null));
            }
            producer.flush();
        }
    }

    private static void produce(String version, List<Event> events, long timestamp) {
        try (KafkaProducer<byte[], byte[]> producer = kafka.createProducer(Map.of())) {
            for (Event event : events) {
                producer.send(record(version, timestamp, event.key(), event.json()));
            }
            producer.flush();
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String version, long timestamp, String key, String value) {
        return new ProducerRecord<>(topic(version), null, timestamp, key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /** On a failure, the tails of the workers' and Prometheus's logs and the scrape targets' health. */
    static final class Diagnostics implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
            throw withLogs(failure);
        }

        @Override
        public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure)
                throws Throwable {
            throw withLogs(failure);
        }

        private static Throwable withLogs(Throwable failure) {
            if (failure instanceof TestAbortedException) {
                return failure; // a skip, not a failure
            }
            StringBuilder logs = new StringBuilder(String.valueOf(failure.getMessage()));
            for (Map.Entry<String, StockWorker> worker : new TreeMap<>(WORKERS).entrySet()) {
                logs.append("\n--- Kafka Connect ").append(worker.getKey()).append(" log tail ---\n")
                        .append(worker.getValue().logTail());
            }
            if (prometheus != null) {
                logs.append("\n--- prometheus log tail ---\n").append(prometheus.logTail());
                try {
                    logs.append("\n--- scrape targets ---\n").append(prometheus.targets());
                } catch (RuntimeException e) {
                    logs.append("\n(targets unavailable: ").append(e).append(')');
                }
            }
            System.out.println(logs);
            return new AssertionError(logs.toString(), failure);
        }
    }
}
