package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.testing.Props;
import io.dualstream.connect.redis.config.PublishCommand;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * redis.mode, the list forms of redis.uri, the sentinel settings and redis.publish.command, and the topology and
 * client settings {@link RedisTopology#of} and {@link RedisClientSettings#of} make of them (no Redis dialled).
 */
class RedisTopologyTest {

    private static RedisPubSubSinkConfig config(String... keyValues) {
        return new RedisPubSubSinkConfig(Props.of(keyValues));
    }

    @Test
    void standaloneIsTheDefault() {
        RedisPubSubSinkConfig config = config();
        assertEquals(RedisPubSubSinkConfig.RedisMode.STANDALONE, config.mode());
        assertInstanceOf(StandaloneTopology.class, RedisTopology.of(config));
        assertEquals(PublishCommand.PUBLISH, config.publishCommand());
        assertEquals("localhost:6379", RedisTopology.of(config).describe());
    }

    @Test
    void clusterTakesSeveralSeedsAndSpublish() {
        RedisPubSubSinkConfig config = config("redis.mode", "cluster",
                "redis.uri", "redis://10.0.0.1:7000,redis://10.0.0.2:7000, redis://10.0.0.3",
                "redis.publish.command", "spublish");
        assertInstanceOf(ClusterTopology.class, RedisTopology.of(config));
        assertEquals("cluster [10.0.0.1:7000, 10.0.0.2:7000, 10.0.0.3:6379]", RedisTopology.of(config).describe());
        assertEquals(PublishCommand.SPUBLISH, config.publishCommand());
    }

    @Test
    void sentinelUrisDefaultToPort26379AndNeedAMasterName() {
        RedisPubSubSinkConfig config = config("redis.mode", "sentinel",
                "redis.uri", "redis://s1,redis://s2:26380", "redis.sentinel.master", "mymaster");
        assertInstanceOf(SentinelTopology.class, RedisTopology.of(config));
        assertEquals("master 'mymaster' (sentinels [s1:26379, s2:26380])", RedisTopology.of(config).describe());

        ConfigException missing = assertThrows(ConfigException.class,
                () -> config("redis.mode", "sentinel", "redis.uri", "redis://s1"));
        assertTrue(missing.getMessage().contains("redis.sentinel.master"), missing.getMessage());
    }

    @Test
    void theRedisSentinelFormImpliesSentinelModeAndNamesTheMaster() {
        RedisPubSubSinkConfig config = config("redis.uri", "redis-sentinel://:pw@s1:26379,s2,s3:26381/0#mymaster");
        assertEquals(RedisPubSubSinkConfig.RedisMode.SENTINEL, config.mode());
        assertEquals("master 'mymaster' (sentinels [s1:26379, s2:26379, s3:26381])", RedisTopology.of(config).describe());
        assertEquals("pw", config.password(), "the URI's password is the data nodes', as in Lettuce");
        assertFalse(config.endpoint().tls());
        assertTrue(config("redis.uri", "rediss-sentinel://s1#m").endpoint().tls(), "rediss-sentinel:// is TLS everywhere");
    }

    @Test
    void sentinelCredentialsAreTheirOwn() {
        RedisPubSubSinkConfig config = config("redis.uri", "redis-sentinel://s1#m", "redis.password", "data",
                "redis.sentinel.username", "watcher", "redis.sentinel.password", "sentinel-pw");
        assertEquals("data", RedisClientSettings.of(config).password());
        assertEquals("watcher", RedisClientSettings.of(config).sentinelUser());
        assertEquals("sentinel-pw", RedisClientSettings.of(config).sentinelPassword());
        assertFalse(config.describe().contains("sentinel-pw"));
        assertFalse(RedisClientSettings.of(config).toString().contains("sentinel-pw"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "two servers in standalone mode     | redis.uri              | redis://a,redis://b                   | | set redis.mode=cluster",
            "TLS on some nodes only             | redis.uri              | redis://a,rediss://b                  | cluster | mixes redis:// and rediss://",
            "credentials differ between nodes   | redis.uri              | redis://:x@a,redis://:y@b             | cluster | different credentials",
            "a database in a cluster            | redis.uri              | redis://a/3                           | cluster | only database 0",
            "a sentinel URI in cluster mode     | redis.mode             | redis-sentinel://a#m                  | cluster | set redis.mode=sentinel",
    })
    void topologyMistakesAreBlamedOnTheSettingToFix(String what, String key, String uri, String mode, String fix) {
        Map<String, String> props = Props.of("redis.uri", uri);
        if (mode != null) {
            props.put("redis.mode", mode);
        }
        ConfigException e = assertThrows(ConfigException.class, () -> new RedisPubSubSinkConfig(props));
        assertTrue(e.getMessage().startsWith("Invalid configuration " + key + ":"), e.getMessage());
        assertTrue(e.getMessage().contains(fix), e.getMessage());
    }

    @Test
    void sentinelSettingsOutsideSentinelModeAreRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> config("redis.sentinel.master", "m"));
        assertEquals("Invalid configuration redis.sentinel.master: is set but redis.mode is standalone; set "
                + "redis.mode=sentinel or remove it", e.getMessage());
    }

    @Test
    void twoDifferentMasterNamesAreRejected() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> config("redis.uri", "redis-sentinel://s1#a", "redis.sentinel.master", "b"));
        assertTrue(e.getMessage().contains("name it in one place only"), e.getMessage());
    }

    @Test
    void aBadEntryInTheListIsNamedMasked() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> config("redis.mode", "cluster", "redis.uri", "redis://a:7000,http://:pw@b"));
        assertTrue(e.getMessage().contains("scheme must be redis://"), e.getMessage());
        assertFalse(e.getMessage().contains("pw@"), e.getMessage());
    }

    @Test
    void unknownModeAndCommandAreRejectedByTheirValidators() {
        assertTrue(assertThrows(ConfigException.class, () -> config("redis.mode", "replicated"))
                .getMessage().contains("redis.mode"));
        assertTrue(assertThrows(ConfigException.class, () -> config("redis.publish.command", "XADD"))
                .getMessage().contains("redis.publish.command"));
    }
}
