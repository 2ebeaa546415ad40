package io.dualstream.connect.redis;

import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.ConnectStack;
import io.dualstream.connect.redis.testing.Subscriber;
import io.dualstream.quickstart.SampleEvents;
import io.dualstream.quickstart.SampleEvents.Event;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.runtime.rest.entities.ConfigValueInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.dualstream.connect.redis.testing.ConnectClusters.produce;
import static io.dualstream.connect.redis.testing.ConnectClusters.sinkConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Records produced to Kafka become exact notifications on a real Redis, through a real Connect worker. */
class NotificationFlowIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final ConnectStack stack = ConnectStack.named("notification-flow");
    private Subscriber subscriber;
    private final List<String> connectors = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        if (subscriber != null) {
            subscriber.close();
        }
        connectors.forEach(stack.connect()::deleteConnector);
    }

    private void startConnector(String name, Map<String, String> config) throws InterruptedException {
        stack.connect().configureConnector(name, config);
        connectors.add(name);
        stack.connect().assertions().assertConnectorAndExactlyNumTasksAreRunning(name, Integer.parseInt(config.get("tasks.max")),
                "connector did not start");
    }

    @Test
    void thousandsOfRealisticEventsBecomeExactNotificationsInPartitionOrder() throws Exception {
        String topic = "github-events";
        stack.connect().kafka().createTopic(topic, 3);
        List<Event> events = SampleEvents.generate("evt", 3000, 42);
        subscriber = Subscriber.psubscribe(stack.redis(), "events:*");
        Map<String, String> config = sinkConfig(topic, stack.redis());
        config.put("tasks.max", "2");
        startConnector("flow", config);

        produce(stack.connect(), topic, events.stream().map(e -> new String[] {e.key(), e.json()}).toList());

        List<Subscriber.Message> received = subscriber.awaitCount(events.size(), TIMEOUT);
        assertEquals(events.size(), received.size(), "one notification per event, no more");
        // Per channel, exactly the expected payloads in production order (a source's events share a key, so a
        // partition, and Connect keeps partition order).
        Map<String, List<String>> expected = events.stream().collect(Collectors.groupingBy(Event::channel,
                LinkedHashMap::new, Collectors.mapping(Event::notification, Collectors.toList())));
        Map<String, List<String>> actual = received.stream().collect(Collectors.groupingBy(Subscriber.Message::channel,
                LinkedHashMap::new, Collectors.mapping(Subscriber.Message::payload, Collectors.toList())));
        assertEquals(expected.keySet(), actual.keySet(), "channels");
        for (String channel : expected.keySet()) {
            assertEquals(expected.get(channel), actual.get(channel), "notifications on " + channel);
        }
        assertTrue(expected.containsKey("events:repo:org1/repo-3"), "channels carry slashes as they are");
    }

    @Test
    void structValuesFromJsonConverterWithSchemasKeepNumbersAndBooleans() throws Exception {
        String topic = "struct-events";
        stack.connect().kafka().createTopic(topic, 1);
        subscriber = Subscriber.psubscribe(stack.redis(), "events:*");
        Map<String, String> config = sinkConfig(topic, stack.redis());
        config.put("value.converter.schemas.enable", "true");
        config.put("notification.fields", "id,type,source_id,seq,public,actor=value.actor.login,offset=offset");
        startConnector("struct", config);

        String schema = "{\"type\":\"struct\",\"fields\":["
                + "{\"field\":\"id\",\"type\":\"string\"},{\"field\":\"type\",\"type\":\"string\"},"
                + "{\"field\":\"source_type\",\"type\":\"string\"},{\"field\":\"source_id\",\"type\":\"string\"},"
                + "{\"field\":\"seq\",\"type\":\"int64\"},{\"field\":\"public\",\"type\":\"boolean\"},"
                + "{\"field\":\"actor\",\"type\":\"struct\",\"fields\":[{\"field\":\"login\",\"type\":\"string\"}]},"
                + "{\"field\":\"body\",\"type\":\"string\",\"optional\":true}]}";
        List<String[]> records = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String payload = "{\"id\":\"s" + i + "\",\"type\":\"push\",\"source_type\":\"repo\",\"source_id\":\"acme/app\","
                    + "\"seq\":" + (1_000_000_000_000L + i) + ",\"public\":" + (i % 2 == 0) + ",\"actor\":{\"login\":\"dev" + i
                    + "\"},\"body\":\"a long body that must not be published\"}";
            records.add(new String[] {"repo:acme/app", "{\"schema\":" + schema + ",\"payload\":" + payload + "}"});
        }
        produce(stack.connect(), topic, records);

        List<Subscriber.Message> received = subscriber.awaitCount(50, TIMEOUT);
        for (int i = 0; i < 50; i++) {
            Subscriber.Message message = received.get(i);
            assertEquals("events:repo:acme/app", message.channel());
            assertEquals("{\"id\":\"s" + i + "\",\"type\":\"push\",\"source_id\":\"acme/app\",\"seq\":" + (1_000_000_000_000L + i)
                    + ",\"public\":" + (i % 2 == 0) + ",\"actor\":\"dev" + i + "\",\"offset\":" + i + "}", message.payload());
        }
    }

    private static final String GOOD_1 = "{\"id\":\"g1\",\"type\":\"star\",\"source_type\":\"user\",\"source_id\":\"octocat\"}";
    private static final String GOOD_2 = "{\"id\":\"g2\",\"type\":\"push\",\"source_type\":\"user\",\"source_id\":\"octocat\"}";
    private static final String GOOD_3 = "{\"id\":\"g3\",\"type\":\"fork\",\"source_type\":\"user\",\"source_id\":\"octocat\"}";
    private static final List<String> BAD = List.of(
            "this is not json",
            "[1,2,3]",
            "{\"id\":\"b3\",\"type\":\"push\",\"source_id\":\"octocat\"}",
            "{\"id\":\"b4\",\"type\":\"push\",\"source_type\":{\"nested\":true},\"source_id\":\"octocat\"}");

    /** good, 4 malformed, a tombstone, good, then good: only the good ones are published, in order. */
    private static List<String[]> mixedRecords() {
        List<String[]> records = new ArrayList<>();
        records.add(new String[] {"k", GOOD_1});
        BAD.forEach(bad -> records.add(new String[] {"k", bad}));
        records.add(new String[] {"k", null});
        records.add(new String[] {"k", GOOD_2});
        records.add(new String[] {null, GOOD_3});
        return records;
    }

    private static Map<String, String> stringValueConfig(String topic) {
        Map<String, String> config = sinkConfig(topic, stack.redis());
        config.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        return config;
    }

    @Test
    void malformedRecordsAndTombstonesAreSkippedAndTheTaskKeepsRunning() throws Exception {
        String topic = "mixed-events";
        stack.connect().kafka().createTopic(topic, 1);
        subscriber = Subscriber.psubscribe(stack.redis(), "events:*");
        startConnector("mixed", stringValueConfig(topic));

        List<String[]> records = mixedRecords();
        produce(stack.connect(), topic, records);

        List<String> payloads = subscriber.awaitCount(3, TIMEOUT).stream().map(Subscriber.Message::payload).toList();
        assertEquals(List.of("{\"id\":\"g1\",\"type\":\"star\",\"source_id\":\"octocat\"}",
                "{\"id\":\"g2\",\"type\":\"push\",\"source_id\":\"octocat\"}",
                "{\"id\":\"g3\",\"type\":\"fork\",\"source_id\":\"octocat\"}"), payloads);
        stack.connect().assertions().assertConnectorAndExactlyNumTasksAreRunning("mixed", 1, "a bad record must not kill the task");
        ConnectClusters.awaitCommitted(stack.connect(), "mixed", topic, records.size(), TIMEOUT);
    }

    @Test
    void malformedRecordsGoToTheDeadLetterQueueWhenConfigured() throws Exception {
        String topic = "dlq-events";
        String dlq = "dlq-events-dead";
        stack.connect().kafka().createTopic(topic, 1);
        subscriber = Subscriber.psubscribe(stack.redis(), "events:*");
        Map<String, String> config = stringValueConfig(topic);
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", dlq);
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        config.put("errors.deadletterqueue.context.headers.enable", "true");
        startConnector("dlq", config);

        produce(stack.connect(), topic, mixedRecords());

        assertEquals(3, subscriber.awaitCount(3, TIMEOUT).size());
        ConsumerRecords<byte[], byte[]> dead = stack.connect().kafka().consume(BAD.size(), TIMEOUT.toMillis(), dlq);
        List<String> deadValues = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : dead) {
            deadValues.add(new String(record.value(), StandardCharsets.UTF_8));
            assertTrue(record.headers().lastHeader("__connect.errors.exception.message") != null,
                    "the DLQ record says why it was rejected");
        }
        assertEquals(BAD, deadValues, "exactly the malformed records, in order; tombstones are not errors");
        stack.connect().assertions().assertConnectorAndExactlyNumTasksAreRunning("dlq", 1, "task keeps running");
    }

    @Test
    void failBehaviourStopsTheTaskOnAMalformedRecord() throws Exception {
        String topic = "strict-events";
        stack.connect().kafka().createTopic(topic, 1);
        Map<String, String> config = stringValueConfig(topic);
        config.put("behavior.on.malformed.record", "fail");
        startConnector("strict", config);

        produce(stack.connect(), topic, List.<String[]>of(new String[] {"k", "not json"}));

        stack.connect().assertions().assertConnectorIsRunningAndTasksHaveFailed("strict", 1,
                "behavior.on.malformed.record=fail must fail the task");
        String trace = stack.connect().connectorStatus("strict").tasks().get(0).trace();
        assertTrue(trace.contains("strict-events/0/0") && trace.contains("behavior.on.malformed.record"),
                "the failure names the record's coordinates and the setting: " + trace);
    }

    /** PUT /connector-plugins/RedisPubSubSinkConnector/config/validate with these settings on a valid base. */
    private static ConfigInfos validate(Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>(sinkConfig("any", stack.redis()));
        config.put("name", "invalid");
        config.putAll(overrides);
        return stack.connect().validateConnectorConfig("RedisPubSubSinkConnector", config);
    }

    private static Map<String, List<String>> errorsByKey(ConfigInfos result) {
        return result.configs().stream()
                .map(ConfigInfo::configValue)
                .filter(v -> !v.errors().isEmpty())
                .collect(Collectors.toMap(ConfigValueInfo::name, ConfigValueInfo::errors));
    }

    @Test
    void validateReportsEachBadSettingOnItsKeyWithAFix() {
        ConfigInfos result = validate(Map.of("redis.uri", "http://:s3cret@localhost:6379",
                "channel.template", "events:{source_type", "notification.fields", "id,whole=value"));

        Map<String, List<String>> errors = errorsByKey(result);
        assertEquals(3, result.errorCount(), "errors: " + errors);
        assertTrue(errors.get("redis.uri").get(0).contains("redis://"), errors.toString());
        assertTrue(!errors.get("redis.uri").get(0).contains("s3cret"), "the password is never echoed");
        assertTrue(errors.get("channel.template").get(0).contains("not closed"), errors.toString());
        assertTrue(errors.get("notification.fields").get(0).contains("value.FIELD"), errors.toString());
    }

    @Test
    void validateReportsCrossFieldErrors() {
        ConfigInfos result = validate(Map.of("redis.uri", "redis://:one@localhost:6379", "redis.password", "two"));

        assertEquals(1, result.errorCount());
        List<String> password = errorsByKey(result).get("redis.password");
        assertTrue(password.get(0).contains("one place"), password.toString());
    }
}
