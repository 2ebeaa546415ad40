package io.dualstream.quickstart;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The redis-server launcher the quickstart and the test kit share. */
class RedisServerTest {

    @TempDir
    Path dir;

    @Test
    void startsAServerOnTheGivenPortWithoutPersistenceAndStopsIt() throws Exception {
        int port = RedisServer.freePort();
        Path output = dir.resolve("out.log");
        Process server = RedisServer.start(RedisServer.SERVER, null, port, dir, List.of("--maxclients", "64"), output);
        try {
            RedisServer.awaitStarted(server, port, Duration.ofSeconds(15));
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                assertEquals("PONG", jedis.ping());
                assertEquals("", jedis.configGet("save").get("save"));
                assertEquals("no", jedis.configGet("appendonly").get("appendonly"));
                assertEquals("64", jedis.configGet("maxclients").get("maxclients"), "the caller's flags follow");
            }
        } finally {
            RedisServer.stop(server);
        }
        assertFalse(server.isAlive(), "stopped");
        assertTrue(Files.size(output) > 0, "its output goes to the given file");
    }

    @Test
    void aServerThatExitsIsReportedWithoutWaitingForTheTimeout() throws Exception {
        int port = RedisServer.freePort();
        Process server = RedisServer.start(RedisServer.SERVER, null, port, dir, List.of("--no-such-option", "x"),
                dir.resolve("out.log"));
        long start = System.nanoTime();
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> RedisServer.awaitStarted(server, port, Duration.ofSeconds(60)));
        assertTrue(error.getMessage().contains("exited"), error.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(30)) < 0,
                "gave up when the server exited, not at the timeout");
    }
}
