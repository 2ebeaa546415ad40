package io.dualstream.connect.redis.bench;

import io.dualstream.quickstart.SampleEvents.Event;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Produces realistic events at a steady rate, each stamped with {@code sent_nanos} (this JVM's
 * {@link System#nanoTime()} at send) besides the record timestamp the producer sets, so the subscriber in the same
 * JVM can measure end-to-end latency precisely. Sends immediately ({@code linger.ms=0}), as a latency-minded
 * producer would.
 */
final class PacedProducer implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final List<Event> templates = BenchEvents.events(10_000);
    private long sequence;

    PacedProducer(BenchStack stack, String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put("linger.ms", "0");
        producer = stack.connect.kafka().createProducer(props);
        this.topic = topic;
    }

    /** Sends {@code rate} events per second for {@code seconds}; {@code during} runs once, at {@code atSecond}. */
    long run(int rate, int seconds, double atSecond, Runnable during) {
        long start = System.nanoTime();
        long duration = seconds * 1_000_000_000L;
        long sent = 0;
        boolean done = during == null;
        while (true) {
            long elapsed = System.nanoTime() - start;
            if (elapsed >= duration) {
                break;
            }
            if (!done && elapsed >= (long) (atSecond * 1e9)) {
                done = true;
                Thread side = new Thread(during, "bench-disturbance");
                side.setDaemon(true);
                side.start();
            }
            long due = (long) ((double) rate * elapsed / 1e9);
            while (sent < due) {
                send();
                sent++;
            }
            LockSupport.parkNanos(200_000);
        }
        producer.flush();
        return sent;
    }

    private void send() {
        Event event = templates.get((int) (sequence++ % templates.size()));
        String value = "{\"sent_nanos\":" + System.nanoTime() + "," + event.json().substring(1);
        producer.send(new ProducerRecord<>(topic, event.key().getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void close() {
        producer.close();
    }
}
