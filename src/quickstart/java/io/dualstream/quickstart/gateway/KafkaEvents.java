package io.dualstream.quickstart.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Kafka half of the gateway: the most recent events of a watch (for a page that connects mid-stream) and one
 * event by its coordinates (for a click). One consumer without a group, assigned and seeked per call; calls take
 * turns, as a KafkaConsumer is single-threaded.
 */
public final class KafkaEvents implements AutoCloseable {

    /** How far back each partition is read for the recent events of a watch. */
    static final int SCAN_PER_PARTITION = 2000;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private final String topic;
    private final EventChannel channels;
    private final KafkaConsumer<String, String> consumer;

    public KafkaEvents(String bootstrapServers, String topic, EventChannel channels) {
        this.topic = topic;
        this.channels = channels;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "quickstart-gateway",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // Reading up to the end returns as soon as the end is reached, not after the default 500 ms.
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50),
                new StringDeserializer(), new StringDeserializer());
        try {
            partitions(); // connects now, so the first page does not wait for it; a missing topic shows at start
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    public String topic() {
        return topic;
    }

    /**
     * The newest {@code limit} events on the watched channels, oldest first. Each partition is read backwards from
     * its current end in growing steps ({@code limit}, 4 times that, ...) until it has given {@code limit} of them,
     * or its start or {@link #SCAN_PER_PARTITION} records back is reached: a busy watch costs a few hundred records,
     * a quiet one more. Called after the live subscription is confirmed, that end covers everything Redis
     * delivered before it.
     */
    public synchronized List<Notification> recent(Watch watch, int limit) {
        List<TopicPartition> partitions = partitions();
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, READ_TIMEOUT);
        Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions, READ_TIMEOUT);
        Map<TopicPartition, Long> readFrom = new HashMap<>(ends); // from there to the end has been read
        Map<TopicPartition, Integer> found = new HashMap<>();
        List<Match> matching = new ArrayList<>();
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        for (long step = limit; ; step *= 4) {
            Map<TopicPartition, Long> from = new HashMap<>();
            Map<TopicPartition, Long> until = new HashMap<>();
            for (TopicPartition partition : partitions) {
                long end = ends.get(partition);
                long next = Math.max(starts.get(partition), end - Math.min(step, SCAN_PER_PARTITION));
                if (next < readFrom.get(partition) && found.getOrDefault(partition, 0) < limit) {
                    from.put(partition, next);
                    until.put(partition, readFrom.get(partition));
                    readFrom.put(partition, next);
                }
            }
            if (from.isEmpty()) {
                break;
            }
            for (Match match : read(from, until, watch, deadline)) {
                matching.add(match);
                found.merge(new TopicPartition(topic, match.record().partition()), 1, Integer::sum);
            }
        }
        matching.sort(Comparator.comparingLong((Match m) -> m.record().timestamp())
                .thenComparingInt(m -> m.record().partition()).thenComparingLong(m -> m.record().offset()));
        long now = System.currentTimeMillis();
        return matching.subList(Math.max(0, matching.size() - limit), matching.size()).stream()
                .map(m -> Notification.fromKafka(m.channel(), m.event(), m.record(), now)).toList();
    }

    /** The records on watched channels in [from, until) of each partition. */
    private List<Match> read(Map<TopicPartition, Long> from, Map<TopicPartition, Long> until, Watch watch,
                             long deadline) {
        assign(from.keySet());
        from.forEach(consumer::seek);
        List<Match> matching = new ArrayList<>();
        Set<TopicPartition> unread = new HashSet<>(from.keySet());
        while (!unread.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("reading the recent events of " + topic + " took over " + READ_TIMEOUT);
            }
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() < until.get(new TopicPartition(record.topic(), record.partition()))) {
                    Match match = match(record, watch);
                    if (match != null) {
                        matching.add(match);
                    }
                }
            }
            for (TopicPartition partition : List.copyOf(unread)) {
                if (consumer.position(partition) >= until.get(partition)) {
                    consumer.pause(List.of(partition)); // read far enough: fetch no further
                    unread.remove(partition);
                }
            }
        }
        return matching;
    }

    /** Assigns the partitions, none of them paused by an earlier read. */
    private void assign(Collection<TopicPartition> partitions) {
        consumer.assign(partitions);
        consumer.resume(consumer.paused());
    }

    /** The record at these coordinates, or empty when the partition has none there (not yet, or not any more). */
    public synchronized Optional<ConsumerRecord<String, String>> at(int partition, long offset) {
        TopicPartition tp = new TopicPartition(topic, partition);
        if (partition < 0 || partition >= partitions().size()) {
            return Optional.empty();
        }
        assign(List.of(tp));
        long end = consumer.endOffsets(List.of(tp), READ_TIMEOUT).get(tp);
        long start = consumer.beginningOffsets(List.of(tp), READ_TIMEOUT).get(tp);
        if (offset < start || offset >= end) {
            return Optional.empty();
        }
        consumer.seek(tp, offset);
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                // A compacted topic may have no record at exactly this offset: the next one is not it.
                return record.offset() == offset ? Optional.of(record) : Optional.empty();
            }
        }
        throw new IllegalStateException("reading " + tp + " at offset " + offset + " took over " + READ_TIMEOUT);
    }

    private record Match(ConsumerRecord<String, String> record, JsonNode event, String channel) {
    }

    /** The record with its event and channel when it is on a watched channel; null otherwise. */
    private Match match(ConsumerRecord<String, String> record, Watch watch) {
        if (record.value() == null) {
            return null;
        }
        JsonNode event;
        try {
            event = Notification.JSON.readTree(record.value());
        } catch (IOException notJson) {
            return null; // the connector skips it too (behavior.on.malformed.record=skip): no notification exists
        }
        String channel = event.isObject() && event.path("id").isValueNode() ? channels.of(event) : null;
        return channel != null && watch.matches(channel) ? new Match(record, event, channel) : null;
    }

    private List<TopicPartition> partitions() {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, READ_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " has no partitions");
        }
        return infos.stream().map(info -> new TopicPartition(topic, info.partition())).sorted(
                Comparator.comparingInt(TopicPartition::partition)).toList();
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }
}
