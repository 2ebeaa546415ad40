package io.dualstream.connect.redis;

import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.GitHubEvents;
import io.dualstream.connect.redis.testing.GitHubEvents.Event;
import io.dualstream.connect.redis.testing.RedisFixture;
import io.dualstream.connect.redis.testing.Subscriber;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Redis is best-effort: killing it never stops the task, offsets keep committing, publishing resumes alone. */
class RedisOutageIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String TOPIC = "outage-events";
    private static final String CONNECTOR = "outage";

    private RedisFixture redis;
    private EmbeddedConnectCluster connect;

    @BeforeEach
    void start() {
        redis = RedisFixture.start();
        connect = ConnectClusters.start("redis-outage", Map.of());
        connect.kafka().createTopic(TOPIC, 3);
    }

    @AfterEach
    void stop() {
        connect.stop();
        redis.close();
    }

    @Test
    void killedRedisNeitherStopsTheTaskNorHoldsOffsetsAndPublishingResumesAfterRestart() throws Exception {
        Map<String, String> config = ConnectClusters.sinkConfig(TOPIC, redis);
        config.put("redis.timeout.ms", "1000");
        config.put("redis.retry.backoff.max.ms", "1000");
        connect.configureConnector(CONNECTOR, config);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(CONNECTOR, 1, "not running");

        try (SteadyProducer stream = new SteadyProducer(connect, TOPIC)) {
            try (Subscriber subscriber = Subscriber.psubscribe(redis, "events:*")) {
                subscriber.awaitCount(200, TIMEOUT);
            }

            redis.kill();
            long producedAtKill = stream.produced();
            stream.awaitProduced(producedAtKill + 500, TIMEOUT);
            // Offsets move past events produced while Redis is down: nothing waits for Redis.
            ConnectClusters.awaitCommitted(connect, CONNECTOR, TOPIC, producedAtKill + 500, TIMEOUT);
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(CONNECTOR, 1,
                    "a Redis outage must not fail the task");

            redis.restart();
            try (Subscriber subscriber = Subscriber.psubscribe(redis, "events:*")) {
                long producedAtRestart = stream.produced();
                // Events produced after the restart arrive, without restarting the connector.
                List<Subscriber.Message> after = subscriber.await(
                        list -> list.stream().anyMatch(m -> stream.sequenceOf(m.payload()) > producedAtRestart + 100),
                        TIMEOUT, "a notification for an event produced after the restart");
                assertTrue(after.size() > 0);
            }
        }
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(CONNECTOR, 1, "still running");
        assertNull(connect.connectorStatus(CONNECTOR).tasks().get(0).trace(), "the task never failed");
    }

    /** Produces realistic events in small batches, about 500 a second, until closed. */
    private static final class SteadyProducer implements AutoCloseable {
        private final Thread thread;
        private final AtomicLong produced = new AtomicLong();
        private volatile boolean running = true;
        private volatile RuntimeException failure;

        SteadyProducer(EmbeddedConnectCluster connect, String topic) {
            thread = new Thread(() -> {
                try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(Map.of())) {
                    int batch = 0;
                    while (running) {
                        for (Event event : GitHubEvents.generate("seq-" + batch, 25, batch)) {
                            producer.send(new ProducerRecord<>(topic, bytes(event.key()), bytes(event.json())));
                        }
                        producer.flush();
                        produced.addAndGet(25);
                        batch++;
                        Thread.sleep(50); // pacing the stream, not synchronisation
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    failure = e;
                }
            }, "steady-producer");
            thread.start();
        }

        long produced() {
            return produced.get();
        }

        /** The number of events produced before the one with this notification payload. */
        long sequenceOf(String payload) {
            // ids are seq-BATCH-INDEX, 25 per batch
            String id = payload.substring(payload.indexOf("seq-") + 4, payload.indexOf('"', payload.indexOf("seq-")));
            String[] parts = id.split("-");
            return Long.parseLong(parts[0]) * 25 + Long.parseLong(parts[1]);
        }

        void awaitProduced(long count, Duration timeout) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            while (produced.get() < count && System.currentTimeMillis() < deadline && failure == null) {
                Thread.sleep(50); // polling interval
            }
            if (failure != null) {
                throw failure;
            }
            assertTrue(produced.get() >= count, "produced " + produced.get() + " of " + count);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }

        private static byte[] bytes(String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
    }
}
