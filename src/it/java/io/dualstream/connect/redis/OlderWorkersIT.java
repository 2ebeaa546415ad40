package io.dualstream.connect.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualstream.connect.redis.metrics.TaskMetrics;
import io.dualstream.connect.redis.testing.Await;
import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.PackagedPlugin;
import io.dualstream.connect.redis.testing.RedisFixture;
import io.dualstream.connect.redis.testing.RedisProcess;
import io.dualstream.connect.redis.testing.StockWorker;
import io.dualstream.connect.redis.testing.Subscriber;
import io.dualstream.connect.redis.testing.TestCertificates;
import io.dualstream.quickstart.SampleEvents;
import io.dualstream.quickstart.SampleEvents.Event;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.management.ObjectName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged zip in stock Connect workers of Kafka 3.7 and 3.9 (the lines of Confluent Platform 7.7 and MSK
 * Connect 3.7), each a separate JVM with the jars Maven resolves for that version and the plugin only on its
 * plugin.path, against a Kafka 4.3.1 broker (KRaft) and a redis-server that requires TLS client certificates.
 * The connector trusts the CA from a PEM file with no type set and presents its key and certificate from one PEM
 * file, as clouds hand them out. Each run checks the exact notifications in order, hostile records skipped into
 * the dead-letter queue, and the task metrics in the private JMX registry these pre-KIP-877 workers need; then
 * a second connector with the real-time settings (maximum age, pacing that hands records back, two channels).
 * manifest.json and docs/install.md name the versions listed here.
 */
class OlderWorkersIT {

    /** The stock workers run here: what manifest.json and docs/install.md must name. */
    static final List<String> VERSIONS = List.of("3.7.2", "3.9.2");
    private static final Path BASE = Path.of(System.getProperty("project.basedir", "."));
    private static final String KEY_PASSWORD = "client-Key-Pa55";
    private static final String CONNECTOR = "redis-pubsub";

    @TempDir
    static Path dir;
    private static EmbeddedKafkaCluster kafka;
    private static TestCertificates certs;
    private static RedisFixture redis;
    private static int tlsPort;
    private static Path clientPem;
    private static Path pluginPath;
    /**
     * Each version's worker classpath, resolved by Maven in the background while Kafka, Redis and the earlier
     * versions' runs go on; one Maven at a time, so that two never download into the local repository at once.
     */
    private static final Map<String, CompletableFuture<String>> CLASSPATHS = new HashMap<>();
    private static final ExecutorService RESOLVER = Executors.newSingleThreadExecutor();
    private static long resolvingSince;

    @BeforeAll
    static void startKafkaAndRedis() throws IOException {
        resolvingSince = System.nanoTime();
        for (String version : VERSIONS) {
            CLASSPATHS.put(version, CompletableFuture.supplyAsync(() -> {
                try {
                    return StockWorker.classpath(version, dir);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }, RESOLVER));
        }
        RESOLVER.shutdown();
        pluginPath = Files.createDirectories(dir.resolve("plugins"));
        PackagedPlugin.install(pluginPath);
        certs = TestCertificates.createCa(Files.createDirectories(dir.resolve("certs")));
        clientPem = certs.clientPem("sink-client", KEY_PASSWORD);
        tlsPort = RedisProcess.freePort();
        redis = certs.tlsRedis(certs.serverCertificate("redis", "IP:127.0.0.1"), tlsPort, true);
        kafka = new EmbeddedKafkaCluster(1, new Properties());
        kafka.start();
    }

    @AfterAll
    static void stop() {
        RESOLVER.shutdownNow();
        if (kafka != null) {
            kafka.stop();
        }
        if (redis != null) {
            redis.close();
        }
    }

    static List<String> versions() {
        return VERSIONS;
    }

    @Test
    void theManifestAndTheInstallGuideNameTheVersionsTestedHere() throws IOException {
        String requirements = new ObjectMapper().readTree(BASE.resolve("manifest.json").toFile())
                .path("requirements").toString();
        String install = Files.readString(BASE.resolve("docs/install.md"));
        for (String version : VERSIONS) {
            assertTrue(requirements.contains(version), "manifest.json requirements name " + version + ": " + requirements);
            assertTrue(install.contains("| Apache Kafka " + version + " | `OlderWorkersIT`"),
                    "docs/install.md names " + version);
        }
    }

    @ParameterizedTest(name = "Kafka Connect {0}")
    @MethodSource("versions")
    void thePackagedPluginPublishesExactlySkipsHostileRecordsAndReportsMetricsInAStockWorker(String kafkaVersion)
            throws Exception {
        String classpath = CLASSPATHS.get(kafkaVersion).get(5, TimeUnit.MINUTES);
        long started = System.nanoTime();
        System.out.printf("Kafka Connect %s: jars resolved %d ms after the test class started%n", kafkaVersion,
                (started - resolvingSince) / 1_000_000);
        String topic = "events-" + kafkaVersion;
        String dlq = "dlq-" + kafkaVersion;
        kafka.createTopic(topic, 1);
        Path workDir = Files.createDirectories(dir.resolve(kafkaVersion));

        try (StockWorker worker = StockWorker.start(kafkaVersion, classpath, kafka.bootstrapServers(), pluginPath, workDir);
             Subscriber subscriber = Subscriber.psubscribe(redis, "events:*")) {
            long workerUp = System.nanoTime();
            assertEquals(kafkaVersion, worker.reportedVersion(), "the stock worker of that version answers");
            assertListed(worker);
            // plugin.discovery=hybrid_warn (the 3.x default) checks every plugin for a ServiceLoader manifest.
            assertTrue(worker.log().contains("All plugins have ServiceLoader manifests"),
                    "the plugin also loads with plugin.discovery=service_load");

            worker.configureConnector(CONNECTOR, connectorConfig(topic, dlq));
            worker.awaitRunning(CONNECTOR, Duration.ofSeconds(60));

            // After every third good record, a hostile one that cannot become a notification.
            List<Event> events = SampleEvents.generate("compat-" + kafkaVersion, 60, 11);
            List<byte[]> values = new ArrayList<>();
            TreeSet<Long> hostileOffsets = new TreeSet<>();
            for (int i = 0; i < events.size(); i++) {
                if (i % 3 == 2) {
                    hostileOffsets.add((long) values.size());
                    values.add(hostile(i));
                }
                values.add(events.get(i).json().getBytes(StandardCharsets.UTF_8));
            }
            produce(topic, values);

            List<Subscriber.Message> received = subscriber.awaitCount(events.size(), Duration.ofSeconds(60));
            assertEquals(events.size(), received.size(), "one notification per good record, no more");
            for (int i = 0; i < events.size(); i++) {
                assertEquals(events.get(i).channel(), received.get(i).channel(), "notification " + i);
                assertEquals(events.get(i).notification(), received.get(i).payload(), "notification " + i);
            }

            List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
            kafka.consume(hostileOffsets.size(), 60_000, dlq).forEach(dead::add);
            assertEquals(hostileOffsets, dead.stream()
                    .map(r -> Long.parseLong(new String(r.headers().lastHeader("__connect.errors.offset").value(),
                            StandardCharsets.UTF_8)))
                    .collect(Collectors.toCollection(TreeSet::new)), "every hostile record is in the dead-letter queue");

            assertMetricsInThePrivateRegistry(worker, values.size(), events.size(), hostileOffsets.size());
            assertEquals("RUNNING", worker.taskStatus(CONNECTOR).path("state").asText(), "hostile records do not stop the task");
            realTimeSettingsWork(worker, kafkaVersion);
            System.out.printf("Kafka Connect %s: worker up in %d ms, checks %d ms, whole run %d ms%n",
                    kafkaVersion, worker.starting().toMillis(),
                    (System.nanoTime() - workerUp) / 1_000_000, (System.nanoTime() - started) / 1_000_000);
        }
    }

    private static void assertListed(StockWorker worker) throws Exception {
        JsonNode ours = null;
        for (JsonNode plugin : worker.connectorPlugins()) {
            if (plugin.path("class").asText().equals(ConnectClusters.CONNECTOR_CLASS)) {
                ours = plugin;
            }
        }
        assertTrue(ours != null, "the worker found the connector on plugin.path");
        assertEquals(System.getProperty("plugin.version"), ours.path("version").asText());
    }

    /**
     * The real-time settings lean on the worker: pacing rewinds partitions (SinkTaskContext.offset) and caps
     * preCommit, which these older workers must honour as 4.x does. Stale records first, then fresh ones that
     * pacing cannot take on in one put(), each fanned out to two channels.
     */
    private static void realTimeSettingsWork(StockWorker worker, String kafkaVersion) throws Exception {
        String connector = "realtime-" + kafkaVersion;
        String topic = "realtime-" + kafkaVersion;
        kafka.createTopic(topic, 1);
        List<Event> stale = SampleEvents.generate("stale-" + kafkaVersion, 20, 5);
        List<Event> fresh = SampleEvents.generate("fresh-" + kafkaVersion, 120, 6);
        Map<String, String> config = connectorConfig(topic, "dlq-" + connector);
        config.put("channel.template", "live:{source_type}:{source_id},live:all");
        config.put("notification.max.age.ms", "600000");
        config.put("notification.max.rate", "100");
        try (Subscriber subscriber = Subscriber.psubscribe(redis, "live:*")) {
            long hourAgo = System.currentTimeMillis() - 3_600_000;
            try (KafkaProducer<byte[], byte[]> producer = kafka.createProducer(Map.of())) {
                for (Event event : stale) {
                    producer.send(new ProducerRecord<>(topic, null, hourAgo, event.key().getBytes(StandardCharsets.UTF_8),
                            event.json().getBytes(StandardCharsets.UTF_8)));
                }
                for (Event event : fresh) {
                    producer.send(new ProducerRecord<>(topic, event.key().getBytes(StandardCharsets.UTF_8),
                            event.json().getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush();
            }
            worker.configureConnector(connector, config);
            worker.awaitRunning(connector, Duration.ofSeconds(60));

            List<Subscriber.Message> received = subscriber.awaitCount(2 * fresh.size(), Duration.ofSeconds(60));
            List<String> all = received.stream().filter(m -> m.channel().equals("live:all")).map(Subscriber.Message::payload).toList();
            assertEquals(fresh.stream().map(Event::notification).toList(), all,
                    "every fresh record once on the aggregate channel, in order; no stale one");
            for (Event event : fresh) {
                assertEquals(1, received.stream().filter(m -> m.channel().equals("live:" + event.sourceType() + ":"
                        + event.sourceId()) && m.payload().equals(event.notification())).count(), event.id());
            }
            String pattern = TaskMetrics.FALLBACK_JMX_PREFIX + ":type=" + TaskMetrics.FALLBACK_GROUP + ",connector=" + connector + ",*";
            assertEquals(stale.size(), single(worker.mbeans(pattern, "records-skipped-stale-total")));
            assertTrue(single(worker.mbeans(pattern, "records-deferred-total")) > 0,
                    "100 notifications/s of 2 channels: one put() takes on 50 records, the rest come again");
            long end = stale.size() + fresh.size();
            try (Admin admin = kafka.createAdminClient()) {
                Await.until("the offsets of " + connector + " committed to the end", Duration.ofSeconds(30), () -> {
                    OffsetAndMetadata committed;
                    try {
                        committed = admin.listConsumerGroupOffsets("connect-" + connector)
                                .partitionsToOffsetAndMetadata().get().get(new TopicPartition(topic, 0));
                    } catch (InterruptedException | ExecutionException e) {
                        throw new IllegalStateException(e);
                    }
                    return committed != null && committed.offset() == end;
                });
            }
            System.out.printf("Kafka Connect %s: real-time run: %d stale skipped, %.0f records deferred, %d notifications%n",
                    kafkaVersion, stale.size(), single(worker.mbeans(pattern, "records-deferred-total")), received.size());
        }
    }

    /** rediss:// with mutual TLS, the CA and the client's key and certificate as PEM files. */
    private static Map<String, String> connectorConfig(String topic, String dlq) {
        Map<String, String> config = ConnectClusters.sinkConfig(topic, Map.of(
                "redis.uri", "rediss://127.0.0.1:" + tlsPort,
                "redis.ssl.truststore.location", certs.caCertificate().toString(),
                "redis.ssl.keystore.location", clientPem.toString(),
                "redis.ssl.keystore.type", "PEM",
                "redis.ssl.keystore.password", KEY_PASSWORD,
                "value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter"));
        return ConnectClusters.withDeadLetterQueue(config, dlq);
    }

    private static byte[] hostile(int i) {
        String[] kinds = {
            "not JSON at all",
            "[\"an array, not an object\"]",
            "{\"id\":\"x\",\"type\":\"push\",\"source_type\":\"user\",\"source_id\":{\"nested\":true}}",
        };
        return kinds[i % kinds.length].getBytes(StandardCharsets.UTF_8);
    }

    private static void produce(String topic, List<byte[]> values) {
        Map<String, Object> props = new HashMap<>();
        props.put("linger.ms", "5");
        try (KafkaProducer<byte[], byte[]> producer = kafka.createProducer(props)) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(topic, "k".getBytes(StandardCharsets.UTF_8), value));
            }
            producer.flush();
        }
    }

    /**
     * These workers have no plugin metrics (KIP-877 is Kafka 4.1+): the task says so in the worker's log and keeps
     * its metrics in a private registry, which an operator reads over JMX like the worker's own.
     */
    private static void assertMetricsInThePrivateRegistry(StockWorker worker, int records, int published, int skipped)
            throws Exception {
        assertTrue(worker.log().contains("This Connect worker has no plugin metrics"), "the fallback is logged");
        String pattern = TaskMetrics.FALLBACK_JMX_PREFIX + ":type=" + TaskMetrics.FALLBACK_GROUP + ",connector=" + CONNECTOR + ",*";
        assertEquals(Map.of(), worker.mbeans("kafka.connect:type=plugins,*", "records-received-total"),
                "no plugin metrics on this worker");
        // Best-effort counts a batch when its replies are read: at the next put() or offset flush.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<ObjectName, Object> publishedTotal = Map.of();
        while (System.nanoTime() < deadline) {
            publishedTotal = worker.mbeans(pattern, "notifications-published-total");
            if (publishedTotal.size() == 1 && ((Number) publishedTotal.values().iterator().next()).doubleValue() >= published) {
                break;
            }
            Thread.sleep(200); // polling interval, bounded by the deadline
        }
        assertEquals(1, publishedTotal.size(), "one task's metrics: " + publishedTotal);
        assertEquals((double) published, single(publishedTotal));
        assertEquals((double) records, single(worker.mbeans(pattern, "records-received-total")));
        assertEquals((double) skipped, single(worker.mbeans(pattern, "records-skipped-malformed-total")));
        assertEquals((double) skipped, single(worker.mbeans(pattern, "records-reported-total")));
        assertEquals(1.0, single(worker.mbeans(pattern, "redis-available")));
    }

    private static double single(Map<ObjectName, Object> values) {
        assertEquals(1, values.size(), values.toString());
        return ((Number) values.values().iterator().next()).doubleValue();
    }
}
