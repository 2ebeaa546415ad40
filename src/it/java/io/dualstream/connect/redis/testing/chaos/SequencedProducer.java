package io.dualstream.connect.redis.testing.chaos;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes events at a steady rate, round-robin over {@code keys} sources, each with its own sequence number:
 * source {@code k} is {@code source_id} {@code kK}, always on partition {@code K % partitions}, and its events are
 * {@code id} {@code kK-SEQ}, SEQ counting from 0. Remembers which events Kafka acknowledged and at which offset, so
 * that what a subscriber saw can be checked against what was produced and against committed offsets.
 */
public final class SequencedProducer implements AutoCloseable {

    /** The event's source type: channels are {@code PREFIX:chaos:kK}. */
    public static final String SOURCE_TYPE = "chaos";
    /** The rest of a realistic event's 300 bytes, which the notification leaves out. */
    private static final String PADDING = ",\"payload\":\"" + "x".repeat(200) + "\"}";

    private final String topic;
    private final int partitions;
    private final int[] next;
    private final BitSet[] acknowledged;
    /** Per partition, the event at each offset: {@code key << 32 | seq}. */
    private final long[][] byOffset;
    private final int[] offsetsKnown;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final KafkaProducer<byte[], byte[]> producer;
    private final Thread thread;
    private volatile double ratePerSecond;
    private volatile boolean running = true;

    public SequencedProducer(String bootstrapServers, String topic, int keys, int partitions, double ratePerSecond) {
        this.topic = topic;
        this.partitions = partitions;
        this.next = new int[keys];
        this.acknowledged = new BitSet[keys];
        Arrays.setAll(acknowledged, k -> new BitSet());
        this.byOffset = new long[partitions][1024];
        this.offsetsKnown = new int[partitions];
        this.ratePerSecond = ratePerSecond;
        // Idempotent, and patient: a broker restart must delay the events, not lose or reorder them.
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 600_000),
                new ByteArraySerializer(), new ByteArraySerializer());
        thread = new Thread(this::run, "sequenced-producer-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long start = System.nanoTime();
        long sent = 0;
        int key = 0;
        try {
            while (running) {
                long due = (long) ((System.nanoTime() - start) / 1e9 * ratePerSecond);
                if (sent >= due) {
                    LockSupport.parkNanos(2_000_000); // pacing the stream, not synchronisation
                    continue;
                }
                send(key);
                key = (key + 1) % next.length;
                sent++;
            }
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    private void send(int key) {
        int seq = next[key]++;
        String id = "k" + key + "-" + seq;
        String value = "{\"id\":\"" + id + "\",\"type\":\"ChaosEvent\",\"source_type\":\"" + SOURCE_TYPE
                + "\",\"source_id\":\"k" + key + "\",\"seq\":" + seq + ",\"produced_at\":" + System.currentTimeMillis()
                + PADDING;
        int partition = key % partitions;
        producer.send(new ProducerRecord<>(topic, partition, bytes("k" + key), bytes(value)), (metadata, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
                return;
            }
            record(key, seq, partition, metadata.offset());
        });
    }

    private synchronized void record(int key, int seq, int partition, long offset) {
        acknowledged[key].set(seq);
        long[] events = byOffset[partition];
        if (offset >= events.length) {
            events = byOffset[partition] = Arrays.copyOf(events, (int) Math.max(offset + 1, events.length * 2L));
        }
        events[(int) offset] = (long) key << 32 | seq;
        offsetsKnown[partition] = Math.max(offsetsKnown[partition], (int) offset + 1);
        acked.incrementAndGet();
    }

    public void rate(double perSecond) {
        ratePerSecond = perSecond;
    }

    public long acked() {
        return acked.get();
    }

    public String topic() {
        return topic;
    }

    public int partitions() {
        return partitions;
    }

    public int keys() {
        return next.length;
    }

    /** The next sequence number of each source, once the events handed to the producer so far are acknowledged. */
    public synchronized int[] acknowledgedCounts() {
        int[] counts = new int[acknowledged.length];
        Arrays.setAll(counts, k -> acknowledged[k].length());
        return counts;
    }

    /** Whether Kafka acknowledged event {@code seq} of source {@code key}. */
    public synchronized boolean acknowledged(int key, int seq) {
        return acknowledged[key].get(seq);
    }

    /** The event at {@code offset} of {@code partition} ({@code key << 32 | seq}), or -1 if none is known there. */
    public synchronized long eventAt(int partition, long offset) {
        return offset < offsetsKnown[partition] ? byOffset[partition][(int) offset] : -1;
    }

    /** One past the highest offset of {@code partition} that Kafka acknowledged. */
    public synchronized long endOffset(int partition) {
        return offsetsKnown[partition];
    }

    /** Stops producing and waits for Kafka to acknowledge everything sent; fails if a send failed. */
    public void stop() throws InterruptedException {
        running = false;
        thread.join(10_000);
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("the producer failed", failure.get());
        }
    }

    @Override
    public void close() {
        running = false;
        producer.close();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
