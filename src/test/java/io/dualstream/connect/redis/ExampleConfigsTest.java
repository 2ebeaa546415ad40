package io.dualstream.connect.redis;

import com.fasterxml.jackson.core.type.TypeReference;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import io.dualstream.connect.redis.config.PublishCommand;
import io.dualstream.connect.redis.publish.RedisTopology;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped examples are valid configurations, agree with each other, and are the ones the README shows. */
class ExampleConfigsTest {

    private static final Path BASE = Path.of(System.getProperty("project.basedir", "."));

    private static Map<String, String> jsonExample() throws IOException {
        return jsonConfig("config/redis-pubsub-sink.json");
    }

    private static Map<String, String> jsonConfig(String path) throws IOException {
        JsonNode root = new ObjectMapper().readTree(BASE.resolve(path).toFile());
        return new ObjectMapper().convertValue(root.get("config"), new TypeReference<Map<String, String>>() { });
    }

    private static Map<String, String> propertiesExample() throws IOException {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(BASE.resolve("config/redis-pubsub-sink.properties"))) {
            props.load(in);
        }
        Map<String, String> map = new HashMap<>();
        props.stringPropertyNames().forEach(name -> map.put(name, props.getProperty(name)));
        return map;
    }

    private static List<String> errors(Map<String, String> config) {
        // The examples name a local Redis; a unit test must not depend on one running there (see OfflineConnectors).
        return List.copyOf(OfflineConnectors.validationErrors(config, new ArrayList<>()).keySet());
    }

    @Test
    void bothExamplesValidateWithoutErrors() throws IOException {
        assertEquals(List.of(), errors(jsonExample()));
        assertEquals(List.of(), errors(propertiesExample()));
    }

    @Test
    void theStandaloneAndRestExamplesConfigureTheSameConnector() throws IOException {
        Map<String, String> properties = propertiesExample();
        properties.remove("name");
        assertEquals(jsonExample(), properties);
    }

    @Test
    void theReadmeShowsTheRestExampleAsItIs() throws IOException {
        String readme = Files.readString(BASE.resolve("README.md"), StandardCharsets.UTF_8);
        String json = Files.readString(BASE.resolve("config/redis-pubsub-sink.json"), StandardCharsets.UTF_8);
        assertTrue(readme.contains("```json\n" + json + "```"), "README.md must show config/redis-pubsub-sink.json verbatim");
        assertEquals(RedisPubSubSinkConnector.class.getName(), jsonExample().get("connector.class"));
    }

    @Test
    void theProductionExamplesPassValuesAsBytesAsTheDocsRecommend() throws IOException {
        String bytes = "org.apache.kafka.connect.converters.ByteArrayConverter";
        assertEquals(bytes, jsonExample().get("value.converter"));
        assertEquals(bytes, propertiesExample().get("value.converter"));
        assertEquals(bytes, jsonConfig("config/redis-pubsub-sink-cluster.json").get("value.converter"));
        assertEquals(bytes, jsonConfig("config/redis-pubsub-sink-sentinel.json").get("value.converter"));
    }

    @Test
    void theClusterAndSentinelExamplesAreValidAndChooseTheirTopology() throws IOException {
        // The configuration alone (validate() would also try to reach the example hosts).
        RedisPubSubSinkConfig cluster = new RedisPubSubSinkConfig(jsonConfig("config/redis-pubsub-sink-cluster.json"));
        assertEquals(RedisPubSubSinkConfig.RedisMode.CLUSTER, cluster.mode());
        assertEquals(PublishCommand.SPUBLISH, cluster.publishCommand());
        RedisPubSubSinkConfig sentinel = new RedisPubSubSinkConfig(jsonConfig("config/redis-pubsub-sink-sentinel.json"));
        assertEquals(RedisPubSubSinkConfig.RedisMode.SENTINEL, sentinel.mode());
        assertEquals("master 'mymaster' (sentinels [sentinel-1:26379, sentinel-2:26379, sentinel-3:26379])",
                RedisTopology.of(sentinel).describe());
        // Apart from the Redis settings, they configure the same connector as the standalone example.
        Map<String, String> base = jsonExample();
        for (Map<String, String> example : List.of(jsonConfig("config/redis-pubsub-sink-cluster.json"),
                jsonConfig("config/redis-pubsub-sink-sentinel.json"))) {
            for (String key : List.of("channel.template", "notification.fields", "value.converter", "topics")) {
                assertEquals(base.get(key), example.get(key), key);
            }
        }
    }

    @Test
    void theQuickstartAndDockerConnectorsValidateWithoutErrors() throws IOException {
        assertEquals(List.of(), errors(jsonConfig("config/quickstart-sink.json")));
        assertEquals(List.of(), errors(jsonConfig("config/docker-redis-pubsub-sink.json")));
    }

    @Test
    void theQuickstartIsTheRestExamplePlusTheKafkaCoordinates() throws IOException {
        Map<String, String> quickstart = new HashMap<>(jsonConfig("config/quickstart-sink.json"));
        assertEquals("id,type,source_id,topic=topic,partition=partition,offset=offset,timestamp=timestamp",
                quickstart.remove("notification.fields"), "coordinates for replay, timestamp for the latency view");
        Map<String, String> example = new HashMap<>(jsonExample());
        example.remove("notification.fields");
        assertEquals(example, quickstart);
    }
}
