package io.dualstream.connect.redis.testing;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;
import redis.clients.jedis.Jedis;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The Docker fallback of {@link RedisFixture}, for machines without {@code redis-server}: it keeps its port
 * across kill and restart. Skipped where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class RedisContainerIT {

    @Test
    void aContainerRedisKeepsItsPortAcrossKillAndRestart() {
        try (RedisFixture redis = RedisContainer.start(List.of())) {
            int port = redis.port();
            try (Jedis jedis = redis.client()) {
                assertEquals("PONG", jedis.ping());
            }
            redis.kill();
            assertThrows(RuntimeException.class, () -> {
                try (Jedis jedis = redis.client()) {
                    jedis.ping();
                }
            });
            redis.restart();
            assertEquals(port, redis.port());
            try (Jedis jedis = redis.client()) {
                assertEquals("PONG", jedis.ping());
            }
        }
    }
}
