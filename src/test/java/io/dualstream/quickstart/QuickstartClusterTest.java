package io.dualstream.quickstart;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How cluster mode finds its cluster: seed URIs given, else redis-server and redis-cli from the PATH. */
class QuickstartClusterTest {

    @TempDir
    Path workDir;

    @Test
    void seedUrisAreCommaSeparated() {
        assertEquals(List.of(new HostAndPort("127.0.0.1", 7000), new HostAndPort("node-2", 6379)),
                QuickstartCluster.seeds("redis://127.0.0.1:7000, redis://node-2"));
        QuickstartException error = assertThrows(QuickstartException.class, () -> QuickstartCluster.seeds("7000"));
        assertTrue(error.getMessage().startsWith("quickstart.redis.uri must be comma-separated"), error.getMessage());
    }

    @Test
    void withoutRedisOnThePathItSaysWhatToInstall() throws IOException {
        Path onlyServer = Files.createDirectory(workDir.resolve("bin"));
        Files.createFile(onlyServer.resolve("redis-server"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        for (String path : new String[] {workDir.resolve("empty").toString(), onlyServer.toString()}) {
            QuickstartException error = assertThrows(QuickstartException.class,
                    () -> QuickstartCluster.obtain(null, workDir, path));
            String missing = path.endsWith("bin") ? "redis-cli" : "redis-server";
            assertTrue(error.getMessage().contains("there is no " + missing + " on it"), error.getMessage());
            assertTrue(error.getMessage().contains("apt-get install -y redis-server")
                    && error.getMessage().contains("brew install redis")
                    && error.getMessage().contains("-Dquickstart.redis.uri="), error.getMessage());
        }
    }

    @Test
    void aGivenUriThatIsNotAClusterNamesTheFlags() throws IOException {
        int port = RedisServer.freePort();
        try (QuickstartRedis standalone = QuickstartRedis.obtain(null, "127.0.0.1", port, workDir)) {
            String uri = "redis://127.0.0.1:" + standalone.port();
            QuickstartException error = assertThrows(QuickstartException.class,
                    () -> QuickstartCluster.obtain(uri, workDir));
            assertTrue(error.getMessage().startsWith("quickstart.redis.uri " + uri + " with quickstart.redis.mode=cluster"),
                    error.getMessage());
        }
    }
}
