package io.dualstream.quickstart;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Produces sample events to Kafka at a steady rate, keyed by source so each source stays in order. */
public final class SampleProducer implements AutoCloseable {

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final int ratePerSecond;
    private final SampleEvents events = new SampleEvents("evt", System.nanoTime());
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    public SampleProducer(String bootstrapServers, String topic, int ratePerSecond) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.CLIENT_ID_CONFIG, "quickstart-sample-producer"),
                new StringSerializer(), new StringSerializer());
        this.topic = topic;
        this.ratePerSecond = ratePerSecond;
        this.thread = new Thread(this::run, "quickstart-producer");
    }

    public void start() {
        thread.start();
    }

    private void run() {
        long start = System.nanoTime();
        long produced = 0;
        while (running) {
            long due = (System.nanoTime() - start) * ratePerSecond / 1_000_000_000L;
            for (; produced < due && running; produced++) {
                SampleEvents.Event event = events.next();
                // The record timestamp (set now) is the event time the live view measures latency from.
                producer.send(new ProducerRecord<>(topic, event.key(), event.json()), (metadata, error) -> {
                    if (error == null) {
                        sent.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                });
            }
            try {
                Thread.sleep(5); // pacing: the loop catches up with the schedule on each pass
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Events Kafka has acknowledged. */
    public long sent() {
        return sent.get();
    }

    public long failed() {
        return failed.get();
    }

    public int ratePerSecond() {
        return ratePerSecond;
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
