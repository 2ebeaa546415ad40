package io.dualstream.connect.redis;

import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.FakeRedis;
import io.dualstream.connect.redis.testing.RedisClusterFixture;
import io.dualstream.connect.redis.testing.RedisFixture;
import io.dualstream.connect.redis.testing.RedisProcess;
import io.dualstream.connect.redis.testing.RedisSentinelFixture;
import io.dualstream.connect.redis.testing.ServerKind;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * validate() against real clusters, sentinels and servers: each topology mistake is reported on the key to fix,
 * naming the server as it reports itself (Redis or Valkey, see {@link ServerKind}).
 */
class TopologyValidateIT {

    private static RedisClusterFixture cluster;
    private static RedisSentinelFixture sentinels;

    @BeforeAll
    static void start() {
        cluster = RedisClusterFixture.builder().masters(3).replicasPerMaster(0).start();
        sentinels = RedisSentinelFixture.builder().sentinelPassword("sentinel-pw").start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (sentinels != null) {
            sentinels.close();
        }
    }

    private static Map<String, List<String>> errors(String... keyValues) {
        Map<String, String> props = ConnectClusters.sinkConfig("events", Map.of());
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return new RedisPubSubSinkConnector().validate(props).configValues().stream()
                .filter(v -> !v.errorMessages().isEmpty())
                .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    private static void assertOnly(String key, String fragment, Map<String, List<String>> errors) {
        assertEquals(List.of(key), List.copyOf(errors.keySet()), errors.toString());
        assertTrue(errors.get(key).get(0).contains(fragment), errors.toString());
    }

    @Test
    void correctConfigurationsOfEachModeValidate() {
        assertEquals(Map.of(), errors("redis.mode", "cluster", "redis.uri", cluster.seedUri(),
                "redis.publish.command", "SPUBLISH"));
        assertEquals(Map.of(), errors("redis.mode", "sentinel", "redis.uri", sentinels.sentinelUris(),
                "redis.sentinel.master", sentinels.masterName(), "redis.sentinel.password", "sentinel-pw"));
    }

    /** The server as the connector's messages name it, e.g. "Valkey 8.0.1", read from the server itself. */
    private static String serverName(RedisFixture redis) {
        try (var jedis = redis.client()) {
            Map<String, String> info = RedisFixture.info(jedis, "server");
            return ServerKind.current().product() + " " + info.getOrDefault("valkey_version", info.get("redis_version"));
        }
    }

    @Test
    void aClusterNodeConfiguredAsStandaloneIsReportedOnTheMode() {
        Map<String, List<String>> errors = errors("redis.uri", cluster.seedUri());
        assertOnly("redis.mode", "set redis.mode=cluster", errors);
        assertTrue(errors.get("redis.mode").get(0).contains("(" + ServerKind.current().product() + " "), errors.toString());
    }

    @Test
    void aClusterNodeThatDoesNotAnswerHelloIsStillReportedOnTheMode() {
        // As behind a proxy that does not know HELLO: validate() falls back to INFO, where Valkey names its mode
        // server_mode and its version valkey_version (its redis_version is a fixed 7.2.4).
        try (RedisFixture node = RedisFixture.start("--cluster-enabled", "yes", "--rename-command", "HELLO", "\"\"")) {
            Map<String, List<String>> errors = errors("redis.uri", node.uri());
            assertOnly("redis.mode", "set redis.mode=cluster", errors);
            assertTrue(errors.get("redis.mode").get(0).contains("(" + serverName(node) + " in cluster mode)"),
                    errors.toString());
        }
    }

    @Test
    void aStandaloneServerConfiguredAsAClusterIsReportedOnTheMode() {
        try (RedisFixture redis = RedisFixture.start()) {
            Map<String, List<String>> errors = errors("redis.mode", "cluster", "redis.uri", redis.uri());
            assertOnly("redis.mode", "not a cluster node: it is " + serverName(redis) + " in standalone mode", errors);
        }
    }

    @Test
    void aSentinelConfiguredAsAStandaloneServerIsReportedOnTheMode() {
        String sentinel = sentinels.sentinelUris().split(",")[0];
        Map<String, List<String>> errors = errors("redis.uri", sentinel.replace("redis://", "redis://:sentinel-pw@"));
        assertOnly("redis.mode", "set redis.mode=sentinel", errors);
    }

    @Test
    void anUnknownMasterNameIsReportedWithTheNamesTheSentinelsKnow() {
        Map<String, List<String>> errors = errors("redis.mode", "sentinel", "redis.uri", sentinels.sentinelUris(),
                "redis.sentinel.master", "nosuchmaster", "redis.sentinel.password", "sentinel-pw");
        assertOnly("redis.sentinel.master", "monitor no master named 'nosuchmaster'", errors);
        assertTrue(errors.get("redis.sentinel.master").get(0).contains(sentinels.masterName()), errors.toString());
    }

    @Test
    void sentinelAuthenticationFailuresAreReportedOnTheSentinelPassword() {
        Map<String, List<String>> missing = errors("redis.mode", "sentinel", "redis.uri", sentinels.sentinelUris(),
                "redis.sentinel.master", sentinels.masterName());
        assertOnly("redis.sentinel.password", "Sentinels have credentials of their own", missing);
        Map<String, List<String>> wrong = errors("redis.mode", "sentinel", "redis.uri", sentinels.sentinelUris(),
                "redis.sentinel.master", sentinels.masterName(), "redis.sentinel.password", "wrong");
        assertOnly("redis.sentinel.password", "refused the connection", wrong);
    }

    @Test
    void spublishOnARedisOlderThanSevenIsReportedOnTheCommand() throws Exception {
        try (FakeRedis redis6 = new FakeRedis("6.2.14")) {
            assertOnly("redis.publish.command", "SPUBLISH needs Redis 7",
                    errors("redis.uri", redis6.uri(), "redis.publish.command", "SPUBLISH"));
            assertEquals(Map.of(), errors("redis.uri", redis6.uri()), "PUBLISH is fine on Redis 6");
        }
    }

    @Test
    void anAclUserWithoutSpublishIsReportedOnTheUser() {
        try (RedisFixture redis = RedisFixture.start("--user", "notifier", "on", ">pw", "+@connection", "+publish",
                "+multi", "+discard", "&*")) {
            Map<String, List<String>> errors = errors("redis.uri", redis.uri(), "redis.username", "notifier",
                    "redis.password", "pw", "redis.publish.command", "SPUBLISH");
            assertOnly("redis.username", "+spublish", errors);
        }
    }

    @Test
    void anUnreachableClusterIsOnlyLogged() throws Exception {
        int closed = RedisProcess.freePort();
        assertEquals(Map.of(), errors("redis.mode", "cluster", "redis.uri", "redis://127.0.0.1:" + closed));
    }
}
