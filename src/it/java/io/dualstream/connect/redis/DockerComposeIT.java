package io.dualstream.connect.redis;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.dualstream.connect.redis.testing.Executables.onPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml cannot run here (no Docker engine), so this checks what can be checked: the file validates,
 * and every path, port, host name and config file it refers to exists and agrees with the repo. It runs after
 * {@code package}, so the plugin folder the file mounts has been built.
 */
class DockerComposeIT {

    private static final Path BASE = Path.of(System.getProperty("project.basedir", "."));
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode compose() throws IOException {
        return YAML.readTree(BASE.resolve("docker-compose.yml").toFile());
    }

    private static JsonNode service(String name) throws IOException {
        JsonNode service = compose().path("services").path(name);
        assertFalse(service.isMissingNode(), "docker-compose.yml has no service " + name);
        return service;
    }

    /** host path -> container path, for the bind mounts of a service. */
    private static Map<String, String> mounts(String serviceName) throws IOException {
        Map<String, String> mounts = new HashMap<>();
        for (JsonNode volume : service(serviceName).path("volumes")) {
            String[] parts = volume.asText().split(":");
            mounts.put(parts[0], parts[1]);
        }
        return mounts;
    }

    private static String command(String serviceName) throws IOException {
        List<String> parts = new ArrayList<>();
        service(serviceName).path("command").forEach(part -> parts.add(part.asText()));
        return String.join(" ", parts);
    }

    private static Properties workerProperties() throws IOException {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(BASE.resolve("config/docker-connect-distributed.properties"))) {
            props.load(in);
        }
        return props;
    }

    private static Map<String, String> connectorConfig() throws IOException {
        JsonNode root = new ObjectMapper().readTree(BASE.resolve("config/docker-redis-pubsub-sink.json").toFile());
        return new ObjectMapper().convertValue(root.get("config"), new TypeReference<Map<String, String>>() { });
    }

    @Test
    void dockerComposeConfigAcceptsTheFile() throws Exception {
        Assumptions.assumeTrue(onPath("docker-compose"),
                "docker-compose is not installed (apt-get install -y --no-install-recommends docker-compose)");
        Process process = new ProcessBuilder("docker-compose", "-f", "docker-compose.yml", "config", "-q")
                .directory(BASE.toFile()).redirectErrorStream(true).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "docker-compose config did not finish");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "docker-compose config -q rejected the file:\n" + output);
    }

    @Test
    void hasEveryServiceTheReadmeDescribesAndNoTopLevelName() throws IOException {
        JsonNode compose = compose();
        assertFalse(compose.has("name"), "docker-compose 1.29 rejects a top-level name:");
        Set<String> services = new TreeSet<>();
        compose.path("services").fieldNames().forEachRemaining(services::add);
        assertEquals(new TreeSet<>(List.of("kafka", "connect", "redis", "register", "producer", "watcher")), services);
    }

    @Test
    void kafkaAndTheWorkerUseTheApacheKafkaImageOfTheVersionWeBuildAgainst() throws IOException {
        String pom = Files.readString(BASE.resolve("pom.xml"));
        Matcher version = Pattern.compile("<kafka.version>([^<]+)</kafka.version>").matcher(pom);
        assertTrue(version.find());
        for (String name : List.of("kafka", "connect", "producer")) {
            assertEquals("apache/kafka:" + version.group(1), service(name).path("image").asText(), name);
        }
        assertTrue(service("redis").path("image").asText().startsWith("redis:7"));
        assertTrue(service("kafka").path("environment").path("KAFKA_PROCESS_ROLES").asText().contains("controller"),
                "a KRaft node: broker and controller in one");
    }

    @Test
    void everyMountedHostPathExistsOrIsBuiltByPackage() throws IOException {
        List<String> hostPaths = new ArrayList<>();
        for (String name : List.of("connect", "register")) {
            hostPaths.addAll(mounts(name).keySet());
        }
        assertFalse(hostPaths.isEmpty());
        for (String hostPath : hostPaths) {
            assertTrue(hostPath.startsWith("./"), "relative to the repository: " + hostPath);
            assertTrue(Files.exists(BASE.resolve(hostPath)), hostPath + " does not exist (after ./mvnw package)");
        }
        // target/plugin must be a plugin.path: plugin folders, each with the connector jar in lib/.
        Path pluginPath = BASE.resolve("target/plugin");
        assertTrue(hostPaths.contains("./target/plugin"), "the built plugin is mounted");
        try (Stream<Path> folders = Files.list(pluginPath)) {
            List<Path> plugins = folders.toList();
            assertEquals(1, plugins.size(), plugins.toString());
            try (Stream<Path> jars = Files.list(plugins.get(0).resolve("lib"))) {
                assertTrue(jars.anyMatch(j -> j.getFileName().toString().startsWith("kafka-connect-redis-pubsub-")));
            }
        }
    }

    @Test
    void theWorkerReadsItsPropertiesAndFindsThePluginWhereTheyAreMounted() throws IOException {
        Map<String, String> mounts = mounts("connect");
        String propertiesInContainer = mounts.get("./config/docker-connect-distributed.properties");
        assertTrue(command("connect").matches(".*connect-distributed\\.sh " + Pattern.quote(propertiesInContainer) + ".*"),
                "connect-distributed.sh must read the mounted properties: " + command("connect"));
        assertEquals(mounts.get("./target/plugin"), workerProperties().getProperty("plugin.path"));
    }

    @Test
    void everyPublishedPortIsBoundToLoopbackOnly() throws IOException {
        List<String> published = new ArrayList<>();
        compose().path("services").forEach(service -> service.path("ports").forEach(p -> published.add(p.asText())));
        assertEquals(List.of("127.0.0.1:9092:9092", "127.0.0.1:8083:8083"), published,
                "host:container pairs without an address listen on every interface");
    }

    @Test
    void hostsAndPortsAgreeAcrossTheFileAndTheConfigs() throws IOException {
        Properties worker = workerProperties();
        JsonNode kafkaEnv = service("kafka").path("environment");

        // The worker and the producer reach Kafka through the listener Kafka advertises for containers.
        String internal = kafkaEnv.path("KAFKA_INTER_BROKER_LISTENER_NAME").asText();
        String advertised = listener(kafkaEnv.path("KAFKA_ADVERTISED_LISTENERS").asText(), internal);
        assertEquals(advertised, worker.getProperty("bootstrap.servers"));
        assertTrue(command("producer").contains("--bootstrap-server " + advertised), command("producer"));
        String port = advertised.substring(advertised.indexOf(':') + 1);
        assertEquals(":" + port, listener(kafkaEnv.path("KAFKA_LISTENERS").asText(), internal));
        // Host clients: the published port is the one advertised to them.
        String hostListener = listener(kafkaEnv.path("KAFKA_ADVERTISED_LISTENERS").asText(), "HOST");
        assertTrue(published("kafka").contains(hostListener.substring(hostListener.indexOf(':') + 1)));

        // The REST API: the port the worker listens on is published, and the register step calls it.
        int restPort = URI.create(worker.getProperty("listeners")).getPort();
        assertTrue(published("connect").contains(Integer.toString(restPort)));
        assertEquals("connect", worker.getProperty("rest.advertised.host.name"));
        assertTrue(command("register").contains("http://connect:" + restPort + "/connectors"), command("register"));

        // The connector publishes to the redis service, which the watcher subscribes to.
        URI redis = URI.create(connectorConfig().get("redis.uri"));
        assertEquals("redis", redis.getHost());
        assertEquals(6379, redis.getPort());
        assertTrue(command("watcher").contains("-h redis -p 6379"), command("watcher"));
        assertTrue(command("watcher").contains("psubscribe events:*"), command("watcher"));
        assertTrue(connectorConfig().get("channel.template").startsWith("events:"), "the watcher's pattern matches");

        // The producer writes the topic the connector reads.
        assertTrue(command("producer").contains("--topic " + connectorConfig().get("topics")), command("producer"));
    }

    @Test
    void theRegisteredConnectorConfigValidatesAndIsTheRestExampleWithTheComposeRedis() throws IOException {
        Map<String, String> registered = connectorConfig();
        Map<String, String> mounts = mounts("register");
        String inContainer = mounts.get("./config/docker-redis-pubsub-sink.json");
        assertTrue(command("register").contains("--data @" + inContainer), command("register"));

        // "redis" only resolves inside the compose network: validate() runs offline here.
        List<String> dialled = new ArrayList<>();
        List<String> errors = OfflineConnectors.recording(dialled).validate(registered).configValues().stream()
                .filter(v -> !v.errorMessages().isEmpty()).map(ConfigValue::name).toList();
        assertEquals(List.of(), errors);
        assertEquals(List.of("redis:6379"), dialled);

        JsonNode example = new ObjectMapper().readTree(BASE.resolve("config/redis-pubsub-sink.json").toFile());
        Map<String, String> expected = new HashMap<>(new ObjectMapper().convertValue(example.get("config"),
                new TypeReference<Map<String, String>>() { }));
        expected.put("redis.uri", "redis://redis:6379");
        assertEquals(expected, registered);
    }

    /** The host:port of the listener called {@code name} in a Kafka listeners list. */
    private static String listener(String listeners, String name) {
        for (String entry : listeners.split(",")) {
            if (entry.startsWith(name + "://")) {
                return entry.substring(name.length() + 3);
            }
        }
        throw new AssertionError("no " + name + " listener in " + listeners);
    }

    private static String published(String serviceName) throws IOException {
        List<String> ports = new ArrayList<>();
        service(serviceName).path("ports").forEach(p -> ports.add(p.asText()));
        return String.join(",", ports);
    }
}
