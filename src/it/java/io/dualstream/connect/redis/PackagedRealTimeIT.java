package io.dualstream.connect.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dualstream.connect.redis.testing.Await;
import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.ConnectStack;
import io.dualstream.connect.redis.testing.Subscriber;
import io.dualstream.connect.redis.testing.Subscriber.Message;
import io.dualstream.connect.redis.testing.TaskMetricsJmx;
import io.dualstream.quickstart.SampleEvents;
import io.dualstream.quickstart.SampleEvents.Event;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.management.ObjectName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real-time settings of the packaged plugin, loaded from a 4.3.1 worker's plugin.path, against one
 * redis-server: a backlog that grew older than notification.max.age.ms during a pause is skipped, several
 * channel templates (one optional) fan each record out, notification.max.rate paces a large backlog and hands
 * what a put() cannot take on back to Kafka, and notification.coalesce keeps the newest notification per channel.
 */
class PackagedRealTimeIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_AGE_MS = 3000;

    // -Dit.test hands this class to both failsafe executions; only packaged-plugin-test (no target/classes on the
    // classpath, which PackagedPluginIT checks) runs the zip, so the other one skips it.
    @RegisterExtension
    static final ConnectStack stack = ConnectStack.named("packaged-real-time").packagedPlugin()
            // The deferral test sets its task's consumer.override.max.poll.records.
            .workerProps(Map.of("connector.client.config.override.policy", "All"));

    @Test
    void aBacklogThatGrewOlderThanTheMaximumAgeDuringAPauseIsSkippedAndFreshEventsFlowAgain() throws Exception {
        String name = "stale";
        String topic = "stale-events";
        Map<String, String> config = sink(topic, 3, Map.of("notification.max.age.ms", Long.toString(MAX_AGE_MS)));
        List<Event> live = SampleEvents.generate("live", 20, 1);
        List<Event> backlog = SampleEvents.generate("backlog", 500, 2);
        List<Event> fresh = SampleEvents.generate("fresh", 100, 3);
        try (Subscriber subscriber = Subscriber.psubscribe(stack.redis(), "events:*")) {
            run(name, config);
            ConnectClusters.send(stack.connect(), records(topic, live));
            subscriber.awaitCount(live.size(), TIMEOUT);

            pause(name);
            long newest = ConnectClusters.send(stack.connect(), records(topic, backlog)).stream()
                    .mapToLong(RecordMetadata::timestamp).max().orElseThrow();
            Await.until("the newest backlog record to be older than " + MAX_AGE_MS + " ms", Duration.ofSeconds(30),
                    () -> System.currentTimeMillis() - newest > MAX_AGE_MS);
            long resumedAt = System.currentTimeMillis();
            stack.connect().resumeConnector(name);
            stack.connect().assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "not resumed");

            ObjectName metrics = TaskMetricsJmx.plugin(name, 0);
            TaskMetricsJmx.awaitAtLeast(metrics, "records-skipped-stale-total", backlog.size(), TIMEOUT);
            ConnectClusters.awaitCommitted(stack.connect(), name, topic, live.size() + backlog.size(), TIMEOUT);
            long skippedIn = System.currentTimeMillis() - resumedAt;

            // The backlog is behind us (committed): had any of it been published, it would be in Redis before these.
            ConnectClusters.send(stack.connect(), records(topic, fresh));
            List<Message> received = delivered(subscriber, live.size() + fresh.size(), name, topic,
                    live.size() + backlog.size() + fresh.size());

            List<Event> published = new ArrayList<>(live);
            published.addAll(fresh);
            assertEquals(byChannel(published), byChannelReceived(received),
                    "the live and fresh events once each, in order per channel, and nothing of the backlog");
            assertEquals(backlog.size(), TaskMetricsJmx.read(metrics, "records-skipped-stale-total"));
            assertEquals(published.size(), TaskMetricsJmx.read(metrics, "notifications-published-total"));
            assertEquals(live.size() + backlog.size() + fresh.size(), TaskMetricsJmx.read(metrics, "records-received-total"));
            System.out.printf(Locale.ROOT, "stale: %d backlog records skipped and committed %d ms after the resume; "
                    + "%d notifications in all%n", backlog.size(), skippedIn, received.size());
        }
        stack.connect().deleteConnector(name);
    }

    @Test
    void everyRecordGoesOnceToEachDistinctChannelOfItsTemplatesAndTheOptionalOneOnlyWhenItRenders() throws Exception {
        String name = "fan-out";
        String topic = "fan-out-events";
        Map<String, String> config = sink(topic, 1, Map.of("channel.template",
                "events:{source_type}:{source_id},events:{source_type},events:all,?tenant:{tenant}"));
        List<Event> events = new ArrayList<>();
        List<String> values = new ArrayList<>();
        Map<String, List<String>> channelsOf = new HashMap<>();
        List<Event> generated = SampleEvents.generate("fan", 300, 4);
        for (int i = 0; i < generated.size(); i++) {
            Event event = generated.get(i);
            ObjectNode value = (ObjectNode) JSON.readTree(event.json());
            if (i % 25 == 0) {
                // source_type "all": events:{source_type} renders events:all, which the record gets once.
                value.put("source_type", "all");
                event = new Event(event.id(), event.type(), "all", event.sourceId(), value.toString());
            }
            String tenant = null;
            switch (i % 6) {
                case 0, 3 -> tenant = "t" + i % 4;
                case 1 -> value.putNull("tenant");
                case 2 -> value.put("tenant", "");
                default -> { } // no tenant field at all
            }
            if (tenant != null) {
                value.put("tenant", tenant);
            }
            Set<String> channels = new LinkedHashSet<>(List.of(event.channel(), "events:" + event.sourceType(), "events:all"));
            if (tenant != null) {
                channels.add("tenant:" + tenant);
            }
            events.add(event);
            values.add(value.toString());
            channelsOf.put(event.id(), List.copyOf(channels));
        }
        List<String> expected = new ArrayList<>();
        for (Event event : events) {
            for (String channel : channelsOf.get(event.id())) {
                expected.add(channel + " " + event.notification());
            }
        }

        try (Subscriber subscriber = Subscriber.psubscribe(stack.redis(), "*")) {
            run(name, config);
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                records.add(ConnectClusters.record(topic, null, events.get(i).key(), values.get(i)));
            }
            ConnectClusters.send(stack.connect(), records);
            // One partition and one task: the whole stream is known, each record's channels next to each other.
            List<String> received = delivered(subscriber, expected.size(), name, topic, events.size()).stream()
                    .map(m -> m.channel() + " " + m.payload()).toList();
            for (int i = 0; i < Math.min(expected.size(), received.size()); i++) {
                assertEquals(expected.get(i), received.get(i), "notification " + i);
            }
            assertEquals(expected.size(), received.size(), "nothing else was published");
            ObjectName metrics = TaskMetricsJmx.plugin(name, 0);
            assertEquals(expected.size(), TaskMetricsJmx.read(metrics, "notifications-published-total"));
            assertEquals(0.0, TaskMetricsJmx.read(metrics, "records-skipped-malformed-total"),
                    "a missing, null or empty tenant only leaves the optional channel out");
            long tenantChannels = received.stream().filter(m -> m.startsWith("tenant:")).count();
            System.out.printf(Locale.ROOT, "fan-out: %d records, %d notifications (%d on tenant channels)%n",
                    events.size(), received.size(), tenantChannels);
            assertTrue(tenantChannels > 0 && tenantChannels < events.size(), "some records have a tenant, some not");
        }
        stack.connect().deleteConnector(name);
    }

    @Test
    void pacingDrainsATwentyThousandRecordBacklogAtTheRateLosingNothing() throws Exception {
        String name = "paced";
        String topic = "paced-events";
        int rate = 2000;
        Map<String, String> config = sink(topic, 3, Map.of("notification.max.rate", Integer.toString(rate)));
        List<Event> backlog = SampleEvents.generate("paced", 20_000, 5);
        ConnectClusters.sendBacklog(stack.connect(), records(topic, backlog));

        try (Subscriber subscriber = Subscriber.psubscribe(stack.redis(), "events:*")) {
            run(name, config);
            List<Message> received = delivered(subscriber, backlog.size(), name, topic, backlog.size());

            assertEquals(byChannel(backlog), byChannelReceived(received), "every event once, in order per channel");
            Drain.of(received, TaskMetricsJmx.plugin(name, 0)).assertPaced(rate, backlog.size());
        }
        stack.connect().deleteConnector(name);
    }

    @Test
    void aLowRateHandsRecordsBackToKafkaAndTheyAllComeAgainInPartitionOrder() throws Exception {
        String name = "deferred";
        String topic = "deferred-events";
        int rate = 200;
        int partitions = 3;
        // Batches of up to 500 records, while one put() takes on about rate (one second's worth): the rest go back.
        Map<String, String> config = sink(topic, partitions, Map.of("notification.max.rate", Integer.toString(rate),
                "consumer.override.max.poll.records", "500"));
        List<Event> backlog = SampleEvents.generate("deferred", 1000, 6);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < backlog.size(); i++) {
            records.add(ConnectClusters.record(topic, i % partitions, backlog.get(i).key(), backlog.get(i).json()));
        }
        List<RecordMetadata> written = ConnectClusters.send(stack.connect(), records);
        // Per partition, the notifications in offset order.
        Map<Integer, List<String>> expected = new TreeMap<>();
        Map<String, Integer> partitionOf = new HashMap<>();
        for (int i = 0; i < backlog.size(); i++) {
            expected.computeIfAbsent(written.get(i).partition(), p -> new ArrayList<>()).add(backlog.get(i).notification());
            partitionOf.put(backlog.get(i).notification(), written.get(i).partition());
        }

        try (Subscriber subscriber = Subscriber.psubscribe(stack.redis(), "events:*")) {
            run(name, config);
            List<Message> received = delivered(subscriber, backlog.size(), name, topic, backlog.size());

            Map<Integer, List<String>> perPartition = new TreeMap<>();
            for (Message m : received) {
                Integer partition = partitionOf.get(m.payload());
                assertTrue(partition != null, "an unexpected notification: " + m);
                perPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add(m.payload());
            }
            assertEquals(expected, perPartition, "every event once, in offset order per partition");
            Drain drain = Drain.of(received, TaskMetricsJmx.plugin(name, 0));
            drain.assertPaced(rate, backlog.size());
            assertTrue(drain.deferred() > 0, "a put() of more than a second's worth hands records back");
            assertEquals(backlog.size() + drain.deferred(), drain.recordsReceived(),
                    "each record handed back comes to the task again, and is counted each time");
        }
        stack.connect().deleteConnector(name);
    }

    @Test
    void coalescingPublishesTheNewestEventPerChannelWithTheCountItStandsFor() throws Exception {
        String name = "coalesced";
        String topic = "coalesced-events";
        int channels = 10;
        int perChannel = 50;
        Map<String, String> config = sink(topic, 1, Map.of("notification.coalesce", "true", "notification.fields", "id,seq"));
        // 50 events for each of 10 sensors, shuffled; seq is the event's place in the partition.
        List<Integer> sensors = new ArrayList<>();
        IntStream.range(0, channels * perChannel).forEach(i -> sensors.add(i % channels));
        Collections.shuffle(sensors, new Random(7));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<String, List<Integer>> seqsOf = new LinkedHashMap<>();
        for (int seq = 0; seq < sensors.size(); seq++) {
            String sensor = "s" + sensors.get(seq);
            String value = "{\"id\":\"c-" + seq + "\",\"source_type\":\"sensor\",\"source_id\":\"" + sensor
                    + "\",\"seq\":" + seq + "}";
            records.add(ConnectClusters.record(topic, 0, sensor, value));
            seqsOf.computeIfAbsent("events:sensor:" + sensor, c -> new ArrayList<>()).add(seq);
        }

        try (Subscriber subscriber = Subscriber.psubscribe(stack.redis(), "events:sensor:*")) {
            run(name, config);
            pause(name);
            ConnectClusters.send(stack.connect(), records);
            stack.connect().resumeConnector(name);
            stack.connect().assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "not resumed");
            subscriber.await(list -> countsPerChannel(list).values().stream().mapToInt(Integer::intValue).sum()
                    >= records.size(), TIMEOUT, "counts standing for all " + records.size() + " events");
            ConnectClusters.awaitCommitted(stack.connect(), name, topic, records.size(), TIMEOUT);
            List<Message> received = subscriber.received();

            Map<String, List<JsonNode>> notifications = new TreeMap<>();
            for (Message m : received) {
                notifications.computeIfAbsent(m.channel(), c -> new ArrayList<>()).add(JSON.readTree(m.payload()));
            }
            assertEquals(new TreeMap<>(seqsOf).keySet(), notifications.keySet(), "every channel, no other");
            for (Map.Entry<String, List<Integer>> channel : seqsOf.entrySet()) {
                List<Integer> seqs = channel.getValue();
                List<JsonNode> published = notifications.get(channel.getKey());
                int newest = seqs.get(seqs.size() - 1);
                JsonNode last = published.get(published.size() - 1);
                assertEquals(newest, last.path("seq").asInt(), channel.getKey() + ": the last is the newest event");
                assertEquals("c-" + newest, last.path("id").asText());
                int previous = -1;
                int total = 0;
                for (JsonNode n : published) {
                    int seq = n.path("seq").asInt();
                    assertEquals(Set.of("id", "seq", "coalesced"), fieldNames(n), channel.getKey() + ": " + n);
                    assertTrue(seqs.contains(seq) && seq > previous, channel.getKey() + ": in order, own events: " + n);
                    int from = previous;
                    long standsFor = seqs.stream().filter(s -> s > from && s <= seq).count();
                    assertEquals(standsFor, n.path("coalesced").asInt(),
                            channel.getKey() + ": the count covers the events since the channel's previous notification: " + n);
                    total += n.path("coalesced").asInt();
                    previous = seq;
                }
                assertEquals(seqs.size(), total, channel.getKey() + ": the counts add up to the channel's events");
            }
            ObjectName metrics = TaskMetricsJmx.plugin(name, 0);
            double coalesced = TaskMetricsJmx.read(metrics, "notifications-coalesced-total");
            System.out.printf(Locale.ROOT, "coalesced: %d events on %d channels became %d notifications "
                    + "(notifications-coalesced-total %.0f)%n", records.size(), channels, received.size(), coalesced);
            assertTrue(received.size() < records.size(), "the backlog came in batches of several events per channel");
            assertEquals(records.size() - received.size(), coalesced);
            assertEquals(received.size(), TaskMetricsJmx.read(metrics, "notifications-published-total"));
        }
        stack.connect().deleteConnector(name);
    }

    /** Creates {@code topic} and returns a one-task sink config for it, with {@code settings}. */
    private static Map<String, String> sink(String topic, int partitions, Map<String, String> settings) {
        stack.connect().kafka().createTopic(topic, partitions);
        return ConnectClusters.sinkConfig(topic, stack.redis(), settings);
    }

    private static void run(String name, Map<String, String> config) throws InterruptedException {
        stack.connect().configureConnector(name, config);
        stack.connect().assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "not running");
    }

    /**
     * What the subscriber received once it has {@code notifications} and the connector has committed {@code records}
     * offsets on the topic.
     */
    private static List<Message> delivered(Subscriber subscriber, int notifications, String name, String topic,
                                           int records) {
        subscriber.awaitCount(notifications, TIMEOUT);
        ConnectClusters.awaitCommitted(stack.connect(), name, topic, records, TIMEOUT);
        return subscriber.received();
    }

    /** Pauses a running connector through REST and waits until its task is paused. */
    private static void pause(String name) throws InterruptedException {
        stack.connect().pauseConnector(name);
        stack.connect().assertions().assertConnectorAndExactlyNumTasksArePaused(name, 1, "not paused");
    }

    private static List<ProducerRecord<byte[], byte[]>> records(String topic, List<Event> events) {
        return events.stream().map(e -> ConnectClusters.record(topic, null, e.key(), e.json())).toList();
    }

    /** The default notification of each event, per channel in order (a channel's events share a key, a partition). */
    private static Map<String, List<String>> byChannel(List<Event> events) {
        Map<String, List<String>> expected = new TreeMap<>();
        events.forEach(e -> expected.computeIfAbsent(e.channel(), c -> new ArrayList<>()).add(e.notification()));
        return expected;
    }

    private static Map<String, List<String>> byChannelReceived(List<Message> received) {
        Map<String, List<String>> actual = new TreeMap<>();
        received.forEach(m -> actual.computeIfAbsent(m.channel(), c -> new ArrayList<>()).add(m.payload()));
        return actual;
    }

    /** Per channel, the sum of the coalesced counts received so far. */
    private static Map<String, Integer> countsPerChannel(List<Message> messages) {
        Map<String, Integer> counts = new HashMap<>();
        for (Message m : messages) {
            try {
                counts.merge(m.channel(), JSON.readTree(m.payload()).path("coalesced").asInt(), Integer::sum);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return counts;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new LinkedHashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * A paced drain as the subscriber saw it. The rate is checked over a sliding 1 s window of receive times, not
     * per clock second: a burst of twice the rate that straddles the turn of a second would be split into two
     * clock seconds that each look right, while no window of a second can hide it. The window does charge the
     * connector for the subscriber's own jitter: a subscriber thread that was not scheduled for a while reads what
     * piled up meanwhile all at once, so a stall of S ms puts S ms' worth more into one window. The connector
     * itself stays within the rate plus 20 ms of catch-up and one 20 ms slice (1.04 times); the 20 % allowance
     * leaves the subscriber about 160 ms of stall. The biggest clump (most messages received within 5 ms) tells the
     * two apart: the connector sends at most 40 ms' worth at once (a slice and its catch-up), while what piled up
     * during a longer stall arrives as a larger clump.
     */
    private record Drain(int notifications, long millis, int busiestWindow, int busiestClockSecond, int biggestClump,
                         double deferred, double recordsReceived) {

        static Drain of(List<Message> received, ObjectName metrics) {
            long[] times = received.stream().mapToLong(Message::receivedAtMillis).sorted().toArray();
            Map<Long, Integer> perSecond = new HashMap<>();
            for (long time : times) {
                perSecond.merge(time / 1000, 1, Integer::sum);
            }
            return new Drain(received.size(), times[times.length - 1] - times[0],
                    Subscriber.busiestWindow(received, Duration.ofSeconds(1)), Collections.max(perSecond.values()),
                    Subscriber.busiestWindow(received, Duration.ofMillis(5)),
                    TaskMetricsJmx.read(metrics, "records-deferred-total"), TaskMetricsJmx.read(metrics, "records-received-total"));
        }

        void assertPaced(int rate, int expected) {
            System.out.printf(Locale.ROOT, "paced at %d/s: %d notifications in %d ms; busiest 1 s window %d, busiest "
                            + "clock second %d, biggest clump %d in 5 ms; %.0f records deferred, %.0f received%n", rate,
                    notifications, millis, busiestWindow, busiestClockSecond, biggestClump, deferred, recordsReceived);
            assertEquals(expected, notifications);
            assertTrue(busiestWindow <= rate * 1.2, "at most " + rate + "/s (+20 %) in any second, saw " + busiestWindow
                    + " (busiest clock second " + busiestClockSecond + ", biggest clump " + biggestClump + " in 5 ms)");
            // At the rate, the last notification goes out (n - slice) / rate after the first; a second less is plenty.
            long fastest = (expected / rate - 1) * 1000L;
            assertTrue(millis >= fastest, notifications + " notifications at " + rate + "/s took " + millis
                    + " ms, less than " + fastest);
        }
    }
}
