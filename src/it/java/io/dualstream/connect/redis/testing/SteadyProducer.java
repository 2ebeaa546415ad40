package io.dualstream.connect.redis.testing;

import io.dualstream.quickstart.SampleEvents;
import io.dualstream.quickstart.SampleEvents.Event;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Produces realistic events in small batches, about 500 a second, until closed. Event ids are
 * {@code seq-BATCH-INDEX}, 25 per batch, so a notification tells which event (and when) it came from.
 */
public final class SteadyProducer implements AutoCloseable {

    private static final int BATCH = 25;

    private final Thread thread;
    private final AtomicLong produced = new AtomicLong();
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    public SteadyProducer(EmbeddedConnectCluster connect, String topic) {
        thread = new Thread(() -> {
            try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(Map.of())) {
                int batch = 0;
                while (running) {
                    for (Event event : SampleEvents.generate("seq-" + batch, BATCH, batch)) {
                        producer.send(new ProducerRecord<>(topic, bytes(event.key()), bytes(event.json())));
                    }
                    producer.flush();
                    produced.addAndGet(BATCH);
                    batch++;
                    Thread.sleep(50); // pacing the stream, not synchronisation
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure = e;
            }
        }, "steady-producer-" + topic);
        thread.start();
    }

    /** Events produced (and acknowledged by Kafka) so far. */
    public long produced() {
        return produced.get();
    }

    /** The first {@code produced} events, as this producer made them (they are generated from fixed seeds). */
    public static List<Event> events(long produced) {
        List<Event> events = new ArrayList<>();
        for (int batch = 0; (long) batch * BATCH < produced; batch++) {
            events.addAll(SampleEvents.generate("seq-" + batch, BATCH, batch));
        }
        return events.subList(0, (int) produced);
    }

    /** The number of events produced before the one with this notification payload. */
    public static long sequenceOf(String payload) {
        int start = payload.indexOf("seq-") + 4;
        String[] parts = payload.substring(start, payload.indexOf('"', start)).split("-");
        return Long.parseLong(parts[0]) * BATCH + Long.parseLong(parts[1]);
    }

    public void awaitProduced(long count, Duration timeout) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (produced.get() < count && System.currentTimeMillis() < deadline && failure == null) {
            Thread.sleep(50); // polling interval
        }
        if (failure != null) {
            throw failure;
        }
        assertTrue(produced.get() >= count, "produced " + produced.get() + " of " + count);
    }

    /** Stops producing; returns how many events were produced in all. */
    public long stop() throws InterruptedException {
        running = false;
        thread.join(10_000);
        return produced.get();
    }

    /** Stops producing; an interrupt while waiting for the thread is kept on the flag for the caller. */
    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
