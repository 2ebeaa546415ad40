package io.dualstream.quickstart;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the quickstart finds Redis: a running one, else a redis-server it starts and stops, else a clear error. */
class QuickstartRedisTest {

    @TempDir
    Path workDir;

    @Test
    void startsRedisServerWhenNothingAnswersAndStopsItOnClose() throws Exception {
        int silentPort = RedisServer.freePort();
        QuickstartRedis redis = QuickstartRedis.obtain(null, "127.0.0.1", silentPort, workDir);
        Process spawned = redis.spawned();
        try {
            assertNotNull(spawned, "nothing answered on " + silentPort + ", so a redis-server must have been started");
            assertTrue(QuickstartRedis.answersPing(redis.host(), redis.port()));
            assertTrue(redis.uri().endsWith(":" + redis.port()), redis.uri());
        } finally {
            redis.close();
        }
        assertTrue(spawned.waitFor(10, TimeUnit.SECONDS) && !spawned.isAlive(), "redis-server is stopped on close");
        assertFalse(QuickstartRedis.answersPing(redis.host(), redis.port()));
    }

    @Test
    void usesARedisThatAnswersAndLeavesItRunning() {
        try (QuickstartRedis owner = QuickstartRedis.obtain(null, "127.0.0.1", unusedPortUnchecked(), workDir)) {
            QuickstartRedis found = QuickstartRedis.obtain(null, "127.0.0.1", owner.port(), workDir);
            assertNull(found.spawned(), "a running Redis is used as it is");
            assertTrue(found.origin().contains("already running"), found.origin());
            found.close();
            assertTrue(QuickstartRedis.answersPing("127.0.0.1", owner.port()), "closing must not stop a Redis it found");

            QuickstartRedis given = QuickstartRedis.obtain("redis://127.0.0.1:" + owner.port(), "127.0.0.1", 1, workDir);
            assertNull(given.spawned());
            assertTrue(given.origin().contains("quickstart.redis.uri"), given.origin());
        }
    }

    @Test
    void aGivenUriThatDoesNotAnswerIsAnErrorNamingTheFlag() throws IOException {
        String uri = "redis://127.0.0.1:" + RedisServer.freePort();
        QuickstartException error = assertThrows(QuickstartException.class,
                () -> QuickstartRedis.obtain(uri, "127.0.0.1", 1, workDir));
        assertTrue(error.getMessage().contains("quickstart.redis.uri") && error.getMessage().contains(uri),
                error.getMessage());
    }

    private static int unusedPortUnchecked() {
        try {
            return RedisServer.freePort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
