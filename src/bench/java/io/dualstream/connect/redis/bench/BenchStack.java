package io.dualstream.connect.redis.bench;

import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.RedisFixture;
import io.dualstream.connect.redis.testing.Subscriber;
import io.dualstream.quickstart.SampleEvents.Event;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What every harness runs on: a spawned {@code redis-server}, one embedded Kafka broker and one Connect worker in
 * this JVM (Kafka's own test kit, as in the ITs), all on loopback.
 */
final class BenchStack implements AutoCloseable {

    final RedisFixture redis;
    final EmbeddedConnectCluster connect;

    BenchStack(String name) {
        // A benchmark subscriber must not be cut off by Redis's pubsub output-buffer limit while it catches up.
        redis = RedisFixture.start("--client-output-buffer-limit", "pubsub 0 0 0");
        Map<String, String> worker = new HashMap<>();
        worker.put("connector.client.config.override.policy", "All");
        worker.put("offset.flush.interval.ms", "10000");
        connect = ConnectClusters.start(name, worker);
    }

    void createTopic(String topic, int partitions) {
        connect.kafka().createTopic(topic, partitions);
    }

    /** Produces the events (key = source, value = JSON) as fast as the producer can, and waits for all acks. */
    void produce(String topic, List<Event> events) {
        Map<String, Object> props = new HashMap<>();
        props.put("linger.ms", "20");
        props.put("batch.size", "262144");
        try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(props)) {
            for (Event event : events) {
                producer.send(new ProducerRecord<>(topic, event.key().getBytes(StandardCharsets.UTF_8),
                        event.json().getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /** The sink config of the ITs (String keys, schemaless JSON values) for {@code connectorClass}, plus extras. */
    Map<String, String> sinkConfig(String connectorClass, String topic, int tasks, Map<String, String> extra) {
        Map<String, String> config = ConnectClusters.sinkConfig(topic, redis,
                Map.of("connector.class", connectorClass, "tasks.max", Integer.toString(tasks)));
        config.putAll(extra);
        return config;
    }

    /** Creates the connector and returns at once (the clock of a drain starts here). */
    void createConnector(String name, Map<String, String> config) {
        connect.configureConnector(name, config);
    }

    void deleteConnector(String name) {
        connect.deleteConnector(name);
    }

    String tasksRunning(String name) {
        ConnectorStateInfo info = connect.connectorStatus(name);
        return info.tasks().size() + " task(s) " + info.tasks().stream().map(ConnectorStateInfo.TaskState::state).toList();
    }

    /**
     * A subscriber that only counts (it keeps up with hundreds of thousands of messages a second) and subscribes again
     * when Redis comes back, like a gateway.
     */
    Subscriber subscriber(String pattern) {
        return countingSubscriber(redis.host(), redis.port(), pattern);
    }

    static Subscriber countingSubscriber(String host, int port, String pattern) {
        return Subscriber.psubscribeResubscribing(host, port, pattern).countOnly();
    }

    /** What a harness calls to do; may throw anything. */
    interface Harness {
        void run(String[] args) throws Exception;
    }

    /**
     * Runs a harness's {@code main}, then ends the JVM, whose embedded cluster leaves non-daemon threads behind:
     * with status 1 and the stack trace when the run failed.
     */
    static void runThenExit(String[] args, Harness harness) {
        try {
            harness.run(args);
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    static long gcCount() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionCount());
        }
        return total;
    }

    static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    static String environment() {
        return "JDK " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
                + " CPUs, max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB";
    }

    @Override
    public void close() {
        try {
            connect.stop();
        } finally {
            redis.close();
        }
    }
}
