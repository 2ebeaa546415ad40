package io.dualstream.connect.redis.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Real Kafka + Connect in the test JVM, set up the way these tests need. */
public final class ConnectClusters {

    public static final String CONNECTOR_CLASS = "io.dualstream.connect.redis.RedisPubSubSinkConnector";

    private ConnectClusters() {
    }

    /** One broker and one worker; offsets are committed every 500 ms so tests can watch them. */
    public static EmbeddedConnectCluster start(String name, Map<String, String> extraWorkerProps) {
        return start(name, 1, extraWorkerProps);
    }

    /** One broker and {@code workers} workers. */
    public static EmbeddedConnectCluster start(String name, int workers, Map<String, String> extraWorkerProps) {
        Map<String, String> workerProps = new HashMap<>();
        workerProps.put("offset.flush.interval.ms", "500");
        workerProps.putAll(extraWorkerProps);
        EmbeddedConnectCluster connect = new EmbeddedConnectCluster.Builder()
                .name(name)
                .numWorkers(workers)
                .numBrokers(1)
                .workerProps(workerProps)
                .build();
        connect.start();
        return connect;
    }

    /**
     * {@code workers} workers that load the connector from the packaged zip, installed on their plugin.path and found
     * by its ServiceLoader manifests ({@code plugin.discovery=service_load}, as Kafka recommends: no reflective scan
     * of the whole test class path, which costs a worker tens of seconds on a busy machine).
     */
    public static EmbeddedConnectCluster startWithPackagedPlugin(String name, int workers,
                                                                 Map<String, String> extraWorkerProps) {
        Map<String, String> workerProps = new HashMap<>(extraWorkerProps);
        workerProps.put("plugin.path", installPackagedPlugin().toString());
        workerProps.put("plugin.discovery", "service_load");
        return start(name, workers, workerProps);
    }

    /** The packaged zip unzipped into a new plugin.path folder, which it returns. */
    public static Path installPackagedPlugin() {
        try {
            Path pluginPath = Files.createTempDirectory("plugin-path");
            PackagedPlugin.install(pluginPath);
            return pluginPath;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A sink connector config for {@code topic} publishing to {@code redis}, with string keys. */
    public static Map<String, String> sinkConfig(String topic, RedisFixture redis) {
        return sinkConfig(topic, redis, Map.of());
    }

    /** Like {@link #sinkConfig(String, RedisFixture)}, with {@code overrides} on top. */
    public static Map<String, String> sinkConfig(String topic, RedisFixture redis, Map<String, String> overrides) {
        Map<String, String> config = sinkConfig(topic, Map.of("redis.uri", redis.uri()));
        config.putAll(overrides);
        return config;
    }

    /**
     * The one sink connector config of the tests and benchmarks, for {@code topic}: this connector, one task, String
     * keys and schemaless JSON values, then {@code settings} on top (the Redis settings: redis.uri, redis.mode...;
     * and whatever a test sets otherwise, such as tasks.max, another converter or another connector class). The
     * result is mutable, for a test to add to.
     */
    public static Map<String, String> sinkConfig(String topic, Map<String, String> settings) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", CONNECTOR_CLASS);
        config.put("tasks.max", "1");
        config.put("topics", topic);
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter.schemas.enable", "false");
        config.putAll(settings);
        return config;
    }

    /** Makes the connector tolerate bad records and send them to {@code topic}, with the error context in headers. */
    public static Map<String, String> withDeadLetterQueue(Map<String, String> config, String topic) {
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", topic);
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        config.put("errors.deadletterqueue.context.headers.enable", "true");
        return config;
    }

    /** Sends key/value pairs (a null value is a tombstone) and waits until Kafka has them all. */
    public static void produce(EmbeddedConnectCluster connect, String topic, List<String[]> keyValues) {
        send(connect, records(topic, keyValues));
    }

    /**
     * Like {@link #produce(EmbeddedConnectCluster, String, List)}, in batches of up to 1 MB: a backlog of hundreds of
     * thousands of events is in Kafka within seconds.
     */
    public static void produceBacklog(EmbeddedConnectCluster connect, String topic, List<String[]> keyValues) {
        sendBacklog(connect, records(topic, keyValues));
    }

    /** A record of UTF-8 text for {@code topic}: to {@code partition}, or by the key's hash when it is null. */
    public static ProducerRecord<byte[], byte[]> record(String topic, Integer partition, String key, String value) {
        return new ProducerRecord<>(topic, partition, bytes(key), bytes(value));
    }

    private static List<ProducerRecord<byte[], byte[]>> records(String topic, List<String[]> keyValues) {
        return keyValues.stream().map(kv -> record(topic, null, kv[0], kv[1])).toList();
    }

    /**
     * Sends the records as they are (partition, timestamp, headers), in order, and waits until Kafka has them all;
     * returns where Kafka put each one (partition, offset) and its timestamp, in the same order.
     */
    public static List<RecordMetadata> send(EmbeddedConnectCluster connect, List<ProducerRecord<byte[], byte[]>> records) {
        return send(connect, records, Map.of("linger.ms", "5"));
    }

    /** Like {@link #send(EmbeddedConnectCluster, List)}, in batches of up to 1 MB, for a large backlog. */
    public static List<RecordMetadata> sendBacklog(EmbeddedConnectCluster connect,
                                                   List<ProducerRecord<byte[], byte[]>> records) {
        return send(connect, records, Map.of("linger.ms", "50", "batch.size", Integer.toString(1 << 20),
                "buffer.memory", Long.toString(128L << 20)));
    }

    private static List<RecordMetadata> send(EmbeddedConnectCluster connect, List<ProducerRecord<byte[], byte[]>> records,
                                             Map<String, Object> props) {
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
        try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(props)) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                acks.add(producer.send(record));
            }
            producer.flush();
            List<RecordMetadata> written = new ArrayList<>(acks.size());
            for (Future<RecordMetadata> ack : acks) {
                written.add(ack.get());
            }
            return written;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka did not take a record", e);
        }
    }

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /** The offsets the connector's consumer group has committed. */
    public static Map<TopicPartition, OffsetAndMetadata> committedOffsets(EmbeddedConnectCluster connect, String connector) {
        try (Admin admin = connect.kafka().createAdminClient()) {
            return admin.listConsumerGroupOffsets("connect-" + connector).partitionsToOffsetAndMetadata().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sum of the committed offsets over all partitions of {@code topic}. */
    public static long committedTotal(EmbeddedConnectCluster connect, String connector, String topic) {
        return committedOffsets(connect, connector).entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset())
                .sum();
    }

    /** Waits until the connector has committed at least {@code expected} offsets on {@code topic}, in total. */
    public static void awaitCommitted(EmbeddedConnectCluster connect, String connector, String topic, long expected,
                                      Duration timeout) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        long committed = -1;
        while (System.currentTimeMillis() < deadline) {
            committed = committedTotal(connect, connector, topic);
            if (committed >= expected) {
                return;
            }
            try {
                Thread.sleep(200); // polling interval
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError(connector + " committed " + committed + " offsets on " + topic + ", expected " + expected);
    }
}
