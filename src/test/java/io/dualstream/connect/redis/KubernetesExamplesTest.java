package io.dualstream.connect.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig.RedisMode;
import io.dualstream.connect.redis.config.PublishCommand;
import io.dualstream.connect.redis.testing.TestCertificates;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Strimzi examples in {@code config/kubernetes/} as Kubernetes would receive them: the {@code KafkaConnect}
 * builds this plugin from its zip and enables the config providers the connectors' placeholders name, the RBAC
 * lets the provider read the secret they name, no password is written in a connector, and each
 * {@code KafkaConnector}, once its placeholders are resolved, passes the connector's {@code validate()}.
 *
 * <p>There is no Kubernetes here: the Strimzi rules checked are the ones of its v1 CRDs and documentation that
 * these files rely on, and {@code validate()} runs offline (see {@link OfflineConnectors}), so Redis being
 * unreachable is the one thing left unchecked.
 */
class KubernetesExamplesTest {

    private static final Path DIR = Path.of(System.getProperty("project.basedir", ".")).resolve("config/kubernetes");
    private static final String STRIMZI_API = "kafka.strimzi.io/v1";
    private static final String CONNECT_NAME_LABEL = "strimzi.io/cluster";

    /** From Strimzi's v1 KafkaConnect CRD: spec.build.plugins[].name and spec.build.plugins[].artifacts[].url. */
    private static final Pattern PLUGIN_NAME = Pattern.compile("^[a-z0-9][-_a-z0-9]*[a-z0-9]$");
    private static final Pattern ARTIFACT_URL =
            Pattern.compile("^(https?|ftp)://[-a-zA-Z0-9+&@#/%?=~_|!:,.;]*[-a-zA-Z0-9+&@#/%=~_|]$");

    /** A config provider reference as Kafka's ConfigTransformer reads it: ${provider:[path:]key}. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*?):(([^}]*?):)?([^}]*?)}");

    /** Settings Strimzi takes from metadata.name, spec.class and spec.tasksMax, refused in spec.config. */
    private static final Set<String> SET_BY_STRIMZI = Set.of("name", "connector.class", "tasks.max",
            "connector.plugin.version");

    /**
     * What the worker's providers would return for the keys of the secret the examples read. Connect resolves
     * config provider placeholders in the worker before it calls the connector's validate() (and before start()),
     * so the connector never sees "${secrets:...}"; to validate what it would see, the placeholders are replaced
     * here, explicitly, by plausible values. A placeholder for any other key fails the test, to be added here.
     */
    private static final Map<String, String> SECRET_VALUES = Map.of(
            "username", "notify-sink",
            "password", "a-password-from-the-secret",
            "sentinel-password", "a-sentinel-password-from-the-secret");

    /** One YAML document and the file it came from. */
    private record Resource(String file, JsonNode node) {
        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }

        String namespace() {
            return node.path("metadata").path("namespace").asText();
        }

        JsonNode spec() {
            return node.path("spec");
        }

        @Override
        public String toString() {
            return kind() + " " + name() + " (" + file + ")";
        }
    }

    @TempDir
    static Path dir;
    private static List<Resource> resources;
    private static Resource connect;
    private static List<Resource> connectors;
    /** The local files standing in for what the KafkaConnect mounts into its pods, by mount path. */
    private static Map<String, Path> mountedFiles;

    @BeforeAll
    static void parseEveryDocument() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(DIR)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no YAML file in " + DIR);
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        resources = new ArrayList<>();
        for (Path file : files) {
            for (JsonNode node : yaml.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile()).readAll()) {
                if (!node.isNull() && !node.isMissingNode()) {
                    resources.add(new Resource(file.getFileName().toString(), node));
                }
            }
        }
        List<Resource> connects = ofKind("KafkaConnect");
        assertEquals(1, connects.size(), "one KafkaConnect: " + connects);
        connect = connects.get(0);
        connectors = ofKind("KafkaConnector");
        // A mounted file (the CA of the cluster example) is a file on the worker, which validate() reads; here
        // a real CA certificate stands in for it, so that the PEM file is read and checked as it would be there.
        Path ca = TestCertificates.createCa(dir).caCertificate();
        mountedFiles = new HashMap<>();
        for (String mountPath : mountedSecrets().keySet()) {
            mountedFiles.put(mountPath, ca);
        }
    }

    private static List<Resource> ofKind(String kind) {
        return resources.stream().filter(r -> r.kind().equals(kind)).toList();
    }

    private static Map<String, String> config(Resource connector) {
        Map<String, String> config = new LinkedHashMap<>();
        connector.spec().path("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        return config;
    }

    private static Map<String, String> workerConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        connect.spec().path("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        return config;
    }

    /** Mount path to the name of the secret mounted there, from the KafkaConnect's pod template. */
    private static Map<String, String> mountedSecrets() {
        Map<String, String> secretByVolume = new HashMap<>();
        for (JsonNode volume : connect.spec().path("template").path("pod").path("volumes")) {
            if (volume.has("secret")) {
                secretByVolume.put(volume.path("name").asText(), volume.path("secret").path("secretName").asText());
            }
        }
        Map<String, String> mounts = new LinkedHashMap<>();
        for (JsonNode mount : connect.spec().path("template").path("connectContainer").path("volumeMounts")) {
            String secret = secretByVolume.get(mount.path("name").asText());
            assertNotNull(secret, "volume mount " + mount + " names no secret volume of the pod template");
            mounts.put(mount.path("mountPath").asText(), secret);
        }
        return mounts;
    }

    @Test
    void thereIsAConnectorForEachTopologyAndEveryResourceIsInTheConnectNamespace() {
        Set<RedisMode> modes = new HashSet<>();
        for (Resource connector : connectors) {
            modes.add(new RedisPubSubSinkConfig(resolved(connector)).mode());
        }
        assertEquals(Set.of(RedisMode.STANDALONE, RedisMode.CLUSTER, RedisMode.SENTINEL), modes);
        Set<String> kinds = Set.of("KafkaConnect", "KafkaConnector", "Role", "RoleBinding");
        Set<String> names = new HashSet<>();
        for (Resource resource : resources) {
            assertTrue(kinds.contains(resource.kind()), "unexpected " + resource);
            assertTrue(names.add(resource.kind() + "/" + resource.name()), "twice: " + resource);
            assertEquals(connect.namespace(), resource.namespace(), "namespace of " + resource);
            if (resource.kind().startsWith("Kafka")) {
                assertEquals(STRIMZI_API, resource.node().path("apiVersion").asText(), "apiVersion of " + resource);
            } else {
                assertEquals("rbac.authorization.k8s.io/v1", resource.node().path("apiVersion").asText(),
                        "apiVersion of " + resource);
            }
        }
    }

    @Test
    void theConnectClusterBuildsThePluginFromTheZipWithItsChecksum() {
        JsonNode spec = connect.spec();
        assertEquals("true", connect.node().path("metadata").path("annotations")
                .path("strimzi.io/use-connector-resources").asText(), "KafkaConnectors are only used with it");
        // Required in v1; spec.externalConfiguration is gone from v1 (volumes go through spec.template).
        for (String required : List.of("replicas", "bootstrapServers", "groupId", "configStorageTopic",
                "offsetStorageTopic", "statusStorageTopic")) {
            assertTrue(spec.hasNonNull(required), "spec." + required + " is required by the v1 API");
        }
        assertFalse(spec.has("externalConfiguration"), "not in the v1 API");
        JsonNode output = spec.path("build").path("output");
        assertTrue(Set.of("docker", "imagestream").contains(output.path("type").asText()), output.toString());
        assertFalse(output.path("image").asText().isEmpty(), "spec.build.output.image");

        JsonNode plugins = spec.path("build").path("plugins");
        assertEquals(1, plugins.size(), plugins.toString());
        JsonNode plugin = plugins.get(0);
        assertTrue(PLUGIN_NAME.matcher(plugin.path("name").asText()).matches(), plugin.path("name").asText());
        JsonNode artifacts = plugin.path("artifacts");
        assertEquals(1, artifacts.size(), artifacts.toString());
        JsonNode zip = artifacts.get(0);
        assertEquals("zip", zip.path("type").asText());
        String url = zip.path("url").asText();
        assertTrue(ARTIFACT_URL.matcher(url).matches(), "Strimzi's CRD refuses the url " + url);
        assertTrue(url.endsWith(".zip") && url.contains("/dualstream-kafka-connect-redis-pubsub-"),
                "the plugin zip that the build makes (target/components/packages/): " + url);
        assertFalse(zip.path("sha512sum").asText().isBlank(), "without sha512sum Strimzi does not check the download");

        Map<String, String> worker = workerConfig();
        assertEquals("org.apache.kafka.connect.converters.ByteArrayConverter", worker.get("value.converter"),
                "the connector reads JSON text itself; ByteArrayConverter hands it the bytes untouched");
        for (String mountPath : mountedSecrets().keySet()) {
            assertTrue(mountPath.startsWith("/mnt/"), "Strimzi requires additional volumes under /mnt/: " + mountPath);
        }
    }

    @Test
    void eachConnectorIsThisSinkOnThisConnectClusterWithASaneTaskCount() {
        for (Resource connector : connectors) {
            assertEquals(connect.name(), connector.node().path("metadata").path("labels").path(CONNECT_NAME_LABEL)
                    .asText(), "the " + CONNECT_NAME_LABEL + " label of " + connector);
            assertEquals(RedisPubSubSinkConnector.class.getName(), connector.spec().path("class").asText(),
                    "spec.class of " + connector);
            JsonNode tasksMax = connector.spec().path("tasksMax");
            assertTrue(tasksMax.isInt() && tasksMax.asInt() >= 1 && tasksMax.asInt() <= 10,
                    "spec.tasksMax of " + connector + ": " + tasksMax);
            for (String key : SET_BY_STRIMZI) {
                assertFalse(config(connector).containsKey(key), key + " is set by Strimzi, not in spec.config: " + connector);
            }
        }
    }

    @Test
    void theConnectorsUseOnlyProvidersTheWorkerEnablesAndSecretsTheRoleLetItRead() {
        Map<String, String> worker = workerConfig();
        List<String> enabled = Arrays.stream(worker.getOrDefault("config.providers", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String alias : enabled) {
            assertNotNull(worker.get("config.providers." + alias + ".class"), "the class of provider " + alias);
        }
        assertEquals("io.strimzi.kafka.KubernetesSecretConfigProvider", worker.get("config.providers.secrets.class"));

        Set<String> secretsRead = new HashSet<>();
        int placeholders = 0;
        for (Resource connector : connectors) {
            for (Map.Entry<String, String> setting : config(connector).entrySet()) {
                Matcher m = PLACEHOLDER.matcher(setting.getValue());
                while (m.find()) {
                    placeholders++;
                    String alias = m.group(1);
                    String path = m.group(3);
                    String where = setting.getKey() + " of " + connector;
                    assertTrue(enabled.contains(alias), "provider '" + alias + "' of " + where + " is not in "
                            + "the KafkaConnect's config.providers " + enabled);
                    String providerClass = worker.get("config.providers." + alias + ".class");
                    if (providerClass.equals("io.strimzi.kafka.KubernetesSecretConfigProvider")) {
                        assertEquals(connect.namespace() + "/", path.substring(0, path.indexOf('/') + 1),
                                "the secret's namespace in " + where);
                        secretsRead.add(path.substring(path.indexOf('/') + 1));
                    } else if (providerClass.endsWith(".DirectoryConfigProvider")) {
                        assertTrue(mountedSecrets().containsKey(path), "no secret is mounted at " + path + ": " + where);
                    }
                }
            }
        }
        assertTrue(placeholders > 0, "the connectors take their credentials from a config provider");

        // Strimzi's documentation: a Role that may get those secrets, bound to the Connect pods' service account.
        Set<String> readable = new HashSet<>();
        Set<String> rolesBound = new HashSet<>();
        for (Resource binding : ofKind("RoleBinding")) {
            for (JsonNode subject : binding.node().path("subjects")) {
                if (subject.path("kind").asText().equals("ServiceAccount")
                        && subject.path("name").asText().equals(connect.name() + "-connect")
                        && subject.path("namespace").asText().equals(connect.namespace())) {
                    rolesBound.add(binding.node().path("roleRef").path("name").asText());
                }
            }
        }
        for (Resource role : ofKind("Role")) {
            if (!rolesBound.contains(role.name())) {
                continue;
            }
            for (JsonNode rule : role.node().path("rules")) {
                if (contains(rule.path("apiGroups"), "") && contains(rule.path("resources"), "secrets")
                        && contains(rule.path("verbs"), "get")) {
                    rule.path("resourceNames").forEach(n -> readable.add(n.asText()));
                }
            }
        }
        assertFalse(secretsRead.isEmpty());
        assertTrue(readable.containsAll(secretsRead), "the service account " + connect.name() + "-connect may get "
                + readable + ", the connectors read " + secretsRead);
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode element : array) {
            if (element.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void noPasswordIsWrittenInAConnector() {
        for (Resource connector : connectors) {
            for (Map.Entry<String, String> setting : config(connector).entrySet()) {
                ConfigDef.ConfigKey key = RedisPubSubSinkConfig.CONFIG_DEF.configKeys().get(setting.getKey());
                boolean secret = (key != null && key.type == ConfigDef.Type.PASSWORD)
                        || setting.getKey().toLowerCase().contains("password");
                if (secret) {
                    assertTrue(PLACEHOLDER.matcher(setting.getValue()).matches(), setting.getKey() + " of " + connector
                            + " must come from a config provider, not be written in the file");
                }
            }
            String uri = config(connector).getOrDefault("redis.uri", "");
            assertFalse(Pattern.compile("://[^/@,#]*:[^/@,#]*@").matcher(uri).find(),
                    "redis.uri of " + connector + " carries a password");
        }
    }

    @Test
    void eachConnectorPassesValidateOnceTheWorkerHasResolvedItsPlaceholders() {
        for (Resource connector : connectors) {
            Map<String, String> config = resolved(connector);
            List<String> dialled = new ArrayList<>();
            assertEquals(Map.of(), OfflineConnectors.validationErrors(config, dialled), "validate() of " + connector);
            assertEquals(1, dialled.size(), "validate() of " + connector + " went as far as connecting to Redis");
        }
        Resource cluster = connectors.stream()
                .filter(c -> "cluster".equals(config(c).get("redis.mode"))).findFirst().orElseThrow();
        RedisPubSubSinkConfig parsed = new RedisPubSubSinkConfig(resolved(cluster));
        assertEquals(PublishCommand.SPUBLISH, parsed.publishCommand());
    }

    /**
     * The configuration Connect would hand the connector: spec.config with its placeholders resolved as the
     * worker would (see {@link #SECRET_VALUES}), paths under a mount replaced by the local file standing in for
     * it ({@link #mountedFiles}), plus the settings Strimzi derives from the resource.
     */
    private static Map<String, String> resolved(Resource connector) {
        Map<String, String> config = new LinkedHashMap<>();
        for (Map.Entry<String, String> setting : config(connector).entrySet()) {
            Matcher m = PLACEHOLDER.matcher(setting.getValue());
            StringBuilder value = new StringBuilder();
            while (m.find()) {
                String secretKey = m.group(4);
                String resolved = SECRET_VALUES.get(secretKey);
                if (resolved == null) {
                    fail("no plausible value for the secret key '" + secretKey + "' of " + setting.getKey() + " in "
                            + connector + "; add one to SECRET_VALUES");
                }
                m.appendReplacement(value, Matcher.quoteReplacement(resolved));
            }
            m.appendTail(value);
            String resolvedValue = value.toString();
            for (Map.Entry<String, Path> file : mountedFiles.entrySet()) {
                if (resolvedValue.startsWith(file.getKey() + "/")) {
                    resolvedValue = file.getValue().toString();
                }
            }
            config.put(setting.getKey(), resolvedValue);
        }
        config.put("name", connector.name());
        config.put("connector.class", connector.spec().path("class").asText());
        config.put("tasks.max", connector.spec().path("tasksMax").asText());
        return config;
    }
}
