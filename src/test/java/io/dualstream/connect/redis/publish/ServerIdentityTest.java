package io.dualstream.connect.redis.publish;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each server's identity read the way it reports it, from HELLO and from INFO server. */
class ServerIdentityTest {

    /** The lines that matter of {@code INFO server}, as each server printed them on this machine. */
    private static final String VALKEY_8_CLUSTER_INFO = """
            # Server\r
            redis_version:7.2.4\r
            server_name:valkey\r
            valkey_version:8.0.1\r
            redis_git_sha1:00000000\r
            server_mode:cluster\r
            os:Linux 6.18.44 x86_64\r
            """;
    private static final String REDIS_7_CLUSTER_INFO = """
            # Server\r
            redis_version:7.0.15\r
            redis_git_sha1:00000000\r
            redis_mode:cluster\r
            os:Linux 6.18.44 x86_64\r
            """;

    private static Map<String, String> fields(String info) {
        Map<String, String> fields = new LinkedHashMap<>();
        info.lines().filter(line -> line.indexOf(':') > 0 && !line.startsWith("#")).forEach(line ->
                fields.put(line.substring(0, line.indexOf(':')), line.substring(line.indexOf(':') + 1).strip()));
        return fields;
    }

    @Test
    void valkeyInfoIsReadFromItsOwnFieldsNotFromTheCompatibilityVersion() {
        ServerIdentity valkey = ServerIdentity.fromInfo(fields(VALKEY_8_CLUSTER_INFO));
        assertEquals(new ServerIdentity("Valkey", "8.0.1", "cluster"), valkey);
        assertEquals("Valkey 8.0.1", valkey.toString());
    }

    @Test
    void redisInfoIsReadFromTheRedisFields() {
        assertEquals(new ServerIdentity("Redis", "7.0.15", "cluster"), ServerIdentity.fromInfo(fields(REDIS_7_CLUSTER_INFO)));
        assertEquals(new ServerIdentity("Redis", "6.2.14", "standalone"),
                ServerIdentity.fromInfo(Map.of("redis_version", "6.2.14")), "no mode field: standalone");
    }

    @Test
    void helloNamesTheServerItself() {
        assertEquals(new ServerIdentity("Valkey", "8.0.1", "cluster"),
                ServerIdentity.fromHello(Map.of("server", "valkey", "version", "8.0.1", "mode", "cluster")));
        assertEquals(new ServerIdentity("Redis", "7.0.15", "sentinel"),
                ServerIdentity.fromHello(Map.of("server", "redis", "version", "7.0.15", "mode", "sentinel")));
        assertEquals("KeyDB 6.3.4", ServerIdentity.fromHello(Map.of("server", "KeyDB", "version", "6.3.4")).toString(),
                "another server's name is kept as it reports it");
    }

    @Test
    void shardedPubSubNeedsRedisSevenOrAnyValkey() {
        assertFalse(new ServerIdentity("Redis", "6.2.14", "standalone").hasShardedPubSub());
        assertTrue(new ServerIdentity("Redis", "7.0.15", "standalone").hasShardedPubSub());
        assertTrue(new ServerIdentity("Valkey", "7.2.4", "standalone").hasShardedPubSub());
        assertTrue(new ServerIdentity("Redis", "", "standalone").hasShardedPubSub(), "no version: not refused up front");
    }
}
