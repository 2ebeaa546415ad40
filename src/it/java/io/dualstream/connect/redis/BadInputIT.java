package io.dualstream.connect.redis;

import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.ConnectStack;
import io.dualstream.connect.redis.testing.LogCapture;
import io.dualstream.connect.redis.testing.Subscriber;
import io.dualstream.connect.redis.testing.TaskMetricsJmx;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.management.ObjectName;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A table of hostile and broken records, each between two good ones, against the running connector with a
 * dead-letter queue: none stops the task or the partition; each is skipped, counted (read through JMX), sent to
 * the DLQ and logged by topic/partition/offset without its contents; the good ones and the odd-but-valid ones
 * are published in order.
 */
class BadInputIT {

    private static final String TOPIC = "bad-input";
    private static final String DLQ = "bad-input-dlq";
    private static final String CONNECTOR = "bad-input";
    /** Put into every hostile payload: it must never show in a log line. */
    private static final String SECRET = "SECRET-4111";

    private enum Outcome { PUBLISHED, MALFORMED, TOMBSTONE }

    /** One row: what is produced, and what must come of it (for PUBLISHED: the channel). */
    private record Row(String what, String key, byte[] value, List<String[]> headers, Outcome outcome, String channel) {
    }

    private static final List<String[]> TENANT = List.<String[]>of(new String[] {"tenant", "acme"});

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String event(String sourceId, String extra) {
        return "{\"id\":\"" + SECRET + "\",\"type\":\"push\",\"source_type\":\"user\",\"source_id\":" + sourceId + extra + "}";
    }

    private static Row malformed(String what, byte[] value) {
        return new Row(what, "k", value, TENANT, Outcome.MALFORMED, null);
    }

    private static List<Row> hostileRows() {
        byte[] invalidUtf8 = utf8(event("\"u-XX\"", ""));
        int at = new String(invalidUtf8, StandardCharsets.UTF_8).indexOf("XX");
        invalidUtf8[at] = (byte) 0xC3; // a lead byte ...
        invalidUtf8[at + 1] = (byte) 0x28; // ... followed by a byte that cannot continue it
        String deep = "[".repeat(5000) + "]".repeat(5000);
        return List.of(
                malformed("not JSON", utf8("hello " + SECRET)),
                malformed("JSON array, not an object", utf8("[\"" + SECRET + "\"]")),
                malformed("JSON string, not an object", utf8("\"" + SECRET + "\"")),
                malformed("truncated JSON", utf8(event("\"octo", ""))),
                malformed("channel field is an object", utf8(event("{\"x\":\"" + SECRET + "\"}", ""))),
                malformed("channel field is an array", utf8(event("[\"" + SECRET + "\"]", ""))),
                malformed("channel field is null", utf8(event("null", ""))),
                malformed("channel field is an empty string", utf8(event("\"\"", ""))),
                malformed("empty value", new byte[0]),
                malformed("very long id: channel over channel.max.bytes", utf8(event("\"" + "x".repeat(5000) + "\"", ""))),
                malformed("deep nesting (5000 levels)", utf8(event("\"u1\"", ",\"deep\":" + deep))),
                malformed("invalid UTF-8 bytes", invalidUtf8),
                new Row("channel header missing", "k", utf8(event("\"u1\"", "")), List.of(), Outcome.MALFORMED, null),
                new Row("null value (tombstone)", "k", null, TENANT, Outcome.TOMBSTONE, null),
                new Row("huge value, small ids", "k", utf8(event("\"big\"", ",\"body\":\"" + "b".repeat(500_000) + "\"")),
                        TENANT, Outcome.PUBLISHED, "events:acme:user:big"),
                new Row("control characters in the id", "k", utf8(event("\"a\\u0001b\\tc\"", "")), TENANT,
                        Outcome.PUBLISHED, "events:acme:user:a\u0001b\tc"),
                new Row("glob characters in the id", "k", utf8(event("\"a*b?c[d]\"", "")), TENANT,
                        Outcome.PUBLISHED, "events:acme:user:a*b?c[d]"),
                new Row("null key", null, utf8(event("\"nokey\"", "")), TENANT, Outcome.PUBLISHED, "events:acme:user:nokey"),
                new Row("channel header twice: the last wins", "k", utf8(event("\"twice\"", "")),
                        List.<String[]>of(new String[] {"tenant", "first"}, new String[] {"tenant", "second"}),
                        Outcome.PUBLISHED, "events:second:user:twice"));
    }

    @RegisterExtension
    final ConnectStack stack = ConnectStack.named("bad-input");

    @BeforeEach
    void createTopic() {
        stack.connect().kafka().createTopic(TOPIC, 1);
    }

    @Test
    void everyBadRecordIsSkippedCountedReportedAndLoggedWhileTheRestIsPublishedInOrder() throws Exception {
        Map<String, String> config = ConnectClusters.sinkConfig(TOPIC, stack.redis());
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("channel.template", "events:{header.tenant}:{source_type}:{source_id}");
        ConnectClusters.withDeadLetterQueue(config, DLQ);
        stack.connect().configureConnector(CONNECTOR, config);
        stack.connect().assertions().assertConnectorAndExactlyNumTasksAreRunning(CONNECTOR, 1, "not running");

        // good-0, hostile-0, good-1, hostile-1, ..., good-N: offsets follow the list order.
        List<Row> rows = new ArrayList<>();
        List<Row> hostile = hostileRows();
        for (int i = 0; i < hostile.size(); i++) {
            rows.add(new Row("good", "k", utf8("{\"id\":\"good-" + i + "\",\"type\":\"push\",\"source_type\":\"user\","
                    + "\"source_id\":\"octocat\"}"), TENANT, Outcome.PUBLISHED, "events:acme:user:octocat"));
            rows.add(hostile.get(i));
        }
        rows.add(new Row("good", "k", utf8("{\"id\":\"good-last\",\"type\":\"push\",\"source_type\":\"user\","
                + "\"source_id\":\"octocat\"}"), TENANT, Outcome.PUBLISHED, "events:acme:user:octocat"));
        List<String> expectedChannels = rows.stream().filter(r -> r.outcome() == Outcome.PUBLISHED).map(Row::channel).toList();
        Set<Long> malformedOffsets = new TreeSet<>();
        for (int offset = 0; offset < rows.size(); offset++) {
            if (rows.get(offset).outcome() == Outcome.MALFORMED) {
                malformedOffsets.add((long) offset);
            }
        }

        List<Subscriber.Message> received;
        try (LogCapture log = LogCapture.of(BadRecordHandler.class, Level.DEBUG);
             Subscriber subscriber = Subscriber.psubscribe(stack.redis(), "events:*")) {
            produce(rows);
            received = subscriber.awaitCount(expectedChannels.size(), Duration.ofSeconds(60));
            ConnectClusters.awaitCommitted(stack.connect(), CONNECTOR, TOPIC, rows.size(), Duration.ofSeconds(60));

            String lines = log.lines().toString();
            for (long offset : malformedOffsets) {
                assertTrue(lines.contains("Skipped record " + TOPIC + "/0/" + offset + ":"), "no line for offset " + offset + ": " + lines);
            }
            assertFalse(lines.contains(SECRET), "a log line shows record contents: " + lines);
        }

        assertEquals(expectedChannels, received.stream().map(Subscriber.Message::channel).toList(),
                "the good and odd-but-valid records are published in offset order, channels taken literally");
        assertTrue(received.get(0).payload().startsWith("{\"id\":\"good-0\""));
        assertTrue(received.get(received.size() - 1).payload().startsWith("{\"id\":\"good-last\""));

        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        stack.connect().kafka().consume(malformedOffsets.size(), 60_000, DLQ).forEach(dead::add);
        assertEquals(malformedOffsets, dead.stream()
                .map(r -> Long.parseLong(new String(r.headers().lastHeader("__connect.errors.offset").value(), StandardCharsets.UTF_8)))
                .collect(Collectors.toCollection(TreeSet::new)), "every malformed record is in the dead-letter queue");

        ObjectName metrics = TaskMetricsJmx.plugin(CONNECTOR, 0);
        assertEquals(rows.size(), TaskMetricsJmx.read(metrics, "records-received-total"));
        // Best-effort counts a batch when its replies are read: at the task's next put() or offset flush.
        awaitMetric(metrics, "notifications-published-total", expectedChannels.size());
        assertEquals(expectedChannels.size(), TaskMetricsJmx.read(metrics, "notifications-published-total"));
        assertEquals(expectedChannels.size(), TaskMetricsJmx.read(metrics, "subscribers-reached-total"), "one subscriber");
        assertEquals(malformedOffsets.size(), TaskMetricsJmx.read(metrics, "records-skipped-malformed-total"));
        assertEquals(malformedOffsets.size(), TaskMetricsJmx.read(metrics, "records-reported-total"));
        assertEquals(1.0, TaskMetricsJmx.read(metrics, "records-skipped-null-total"));
        assertEquals(0.0, TaskMetricsJmx.read(metrics, "publish-failures-total"));
        assertEquals(0.0, TaskMetricsJmx.read(metrics, "notifications-dropped-total"));
        assertEquals(1.0, TaskMetricsJmx.read(metrics, "redis-available"));
        assertTrue(TaskMetricsJmx.read(metrics, "pipeline-latency-max") > 0);
        double oldest = TaskMetricsJmx.read(metrics, "record-age-at-publish-max");
        assertTrue(oldest >= 0 && oldest < 60_000, "records are published seconds after they were produced: " + oldest);
        assertTrue(TaskMetricsJmx.read(metrics, "record-age-at-publish-avg") <= oldest);

        stack.connect().assertions().assertConnectorAndExactlyNumTasksAreRunning(CONNECTOR, 1, "bad input must not stop the task");
        assertNull(stack.connect().connectorStatus(CONNECTOR).tasks().get(0).trace());
    }

    private void produce(List<Row> rows) {
        Map<String, Object> props = new HashMap<>();
        props.put("max.request.size", "2000000");
        try (KafkaProducer<byte[], byte[]> producer = stack.connect().kafka().createProducer(props)) {
            for (Row row : rows) {
                RecordHeaders headers = new RecordHeaders();
                row.headers().forEach(h -> headers.add(new RecordHeader(h[0], utf8(h[1]))));
                producer.send(new ProducerRecord<>(TOPIC, 0, row.key() == null ? null : utf8(row.key()), row.value(), headers));
                producer.flush(); // one at a time keeps the offsets in list order
            }
        }
    }

    private static void awaitMetric(ObjectName metrics, String name, double expected) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (TaskMetricsJmx.read(metrics, name) != expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(100); // polling interval
        }
    }
}
