package io.dualstream.connect.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.PackagedPlugin;
import io.dualstream.connect.redis.testing.RedisFixture;
import io.dualstream.connect.redis.testing.Subscriber;
import io.dualstream.quickstart.SampleEvents;
import io.dualstream.quickstart.SampleEvents.Event;
import jakarta.ws.rs.core.Response;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Installs the zip that {@code mvn package} built into a worker's {@code plugin.path}, as a user would, and
 * runs it. This test's classpath does not hold the connector's classes (see the failsafe execution
 * {@code packaged-plugin-test}), so a packaging mistake fails here.
 */
class PackagedPluginIT {

    @TempDir
    Path pluginPath;

    @Test
    void theZipInstalledOnPluginPathPublishesNotifications() throws Exception {
        assertThrows(ClassNotFoundException.class, () -> Class.forName(ConnectClusters.CONNECTOR_CLASS),
                "the connector must come from plugin.path, not from the test classpath");
        String version = System.getProperty("plugin.version");
        Path pluginDir = PackagedPlugin.install(pluginPath);

        assertLayout(pluginDir, version);

        try (RedisFixture redis = RedisFixture.start()) {
            EmbeddedConnectCluster connect = ConnectClusters.start("packaged-plugin",
                    Map.of("plugin.path", pluginPath.toString()));
            try {
                assertPluginListed(connect, version);
                String topic = "packaged-events";
                connect.kafka().createTopic(topic, 1);
                try (Subscriber subscriber = Subscriber.psubscribe(redis, "events:*")) {
                    connect.configureConnector("packaged", ConnectClusters.sinkConfig(topic, redis));
                    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("packaged", 1, "not running");
                    List<Event> events = SampleEvents.generate("pkg", 200, 7);
                    ConnectClusters.produce(connect, topic, events.stream().map(e -> new String[] {e.key(), e.json()}).toList());

                    List<Subscriber.Message> received = subscriber.awaitCount(events.size(), Duration.ofSeconds(60));
                    for (int i = 0; i < events.size(); i++) {
                        assertEquals(events.get(i).channel(), received.get(i).channel());
                        assertEquals(events.get(i).notification(), received.get(i).payload());
                    }
                }
            } finally {
                connect.stop();
            }
        }
    }

    private static void assertLayout(Path pluginDir, String version) throws IOException {
        JsonNode manifest = new ObjectMapper().readTree(pluginDir.resolve("manifest.json").toFile());
        assertEquals(version, manifest.get("version").asText(), "manifest.json carries the built version");
        assertEquals("sink", manifest.get("component_types").get(0).asText());
        assertUserDocuments(pluginDir.resolve("doc"));
        assertTrue(Files.isRegularFile(pluginDir.resolve("etc/redis-pubsub-sink.properties")), "etc/ holds the examples");
        assertTrue(Files.isRegularFile(pluginDir.resolve("etc/monitoring/jmx-exporter-rules.yml"))
                && Files.isRegularFile(pluginDir.resolve("etc/kubernetes/kafka-connect.yaml")),
                "etc/ holds the monitoring kit and the Kubernetes examples");
        Set<String> jars;
        try (Stream<Path> lib = Files.list(pluginDir.resolve("lib"))) {
            jars = lib.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        assertTrue(jars.contains("kafka-connect-redis-pubsub-" + version + ".jar"), jars.toString());
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("jedis-")), jars.toString());
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("jackson-databind-")), jars.toString());
        assertTrue(jars.stream().noneMatch(j -> j.startsWith("kafka-clients") || j.startsWith("connect-")
                || j.startsWith("slf4j")), "the worker provides Kafka and slf4j: " + jars);
    }

    /**
     * doc/ holds the user's documents, README.md, CHANGELOG.md, LICENSE and docs/ as doc/docs/, not the
     * contributor's guide; the README's links into docs/ resolve there.
     */
    private static void assertUserDocuments(Path doc) throws IOException {
        for (String document : List.of("README.md", "CHANGELOG.md", "LICENSE", "docs/configuration.md",
                "docs/operations.md", "docs/install.md", "docs/security.md", "docs/topologies.md", "docs/real-time.md",
                "docs/gateway.md")) {
            assertTrue(Files.isRegularFile(doc.resolve(document)), "doc/" + document);
        }
        assertFalse(Files.exists(doc.resolve("CONTRIBUTING.md")), "the contributor's guide is not shipped");
        assertFalse(Files.exists(doc.resolve("BENCHMARKS.md")), "BENCHMARKS.md is not shipped");
        String readme = Files.readString(doc.resolve("README.md"));
        Matcher link = Pattern.compile("\\]\\((docs/[^)#\\s]+)").matcher(readme);
        int links = 0;
        while (link.find()) {
            links++;
            assertTrue(Files.isRegularFile(doc.resolve(link.group(1))),
                    "the README's link " + link.group(1) + " resolves in doc/");
        }
        assertTrue(links > 5, "the README links into docs/: " + links);
    }

    private static void assertPluginListed(EmbeddedConnectCluster connect, String version) throws IOException {
        Response response = connect.requestGet(connect.endpointForResource("connector-plugins"));
        JsonNode plugins = new ObjectMapper().readTree((String) response.getEntity());
        JsonNode ours = null;
        for (JsonNode plugin : plugins) {
            if (plugin.get("class").asText().equals(ConnectClusters.CONNECTOR_CLASS)) {
                ours = plugin;
            }
        }
        assertTrue(ours != null, "the worker lists the connector: " + plugins);
        assertEquals("sink", ours.get("type").asText());
        assertEquals(version, ours.get("version").asText(), "version() returns the project version");
    }
}
