package io.dualstream.quickstart;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuickstartOptionsTest {

    @TempDir
    Path dir;

    private Properties minimal() throws IOException {
        Properties props = new Properties();
        props.setProperty("quickstart.plugin.path", dir.toString());
        props.setProperty("quickstart.connector.config", Files.writeString(dir.resolve("c.json"), "{}").toString());
        return props;
    }

    @Test
    void emptyFlagsMeanTheDefaults() throws IOException {
        Properties props = minimal();
        // The Maven profile forwards every flag, unset ones as empty strings.
        props.setProperty("quickstart.duration", "");
        props.setProperty("quickstart.bootstrap.servers", " ");
        props.setProperty("quickstart.redis.uri", "");
        QuickstartOptions options = QuickstartOptions.from(props);
        assertEquals(50, options.rate());
        assertEquals(8083, options.restPort());
        assertEquals(8080, options.httpPort(), "the live page on http://localhost:8080");
        assertNull(options.duration(), "no duration: run until Ctrl-C");
        assertNull(options.bootstrapServers(), "no Kafka given: start an embedded broker");
        assertNull(options.redisUri());
        assertEquals(QuickstartOptions.View.AUTO, options.view());
        assertEquals(QuickstartOptions.RedisMode.STANDALONE, options.redisMode(), "a standalone Redis by default");
    }

    @Test
    void theRedisModeIsStandaloneOrCluster() throws IOException {
        Properties props = minimal();
        props.setProperty("quickstart.redis.mode", "standalone");
        assertEquals(QuickstartOptions.RedisMode.STANDALONE, QuickstartOptions.from(props).redisMode());
        props.setProperty("quickstart.redis.mode", " Cluster ");
        assertEquals(QuickstartOptions.RedisMode.CLUSTER, QuickstartOptions.from(props).redisMode());
        props.setProperty("quickstart.redis.mode", "");
        assertEquals(QuickstartOptions.RedisMode.STANDALONE, QuickstartOptions.from(props).redisMode(),
                "the Maven profile forwards an unset flag as empty");
        props.setProperty("quickstart.redis.mode", "sentinel");
        QuickstartException error = assertThrows(QuickstartException.class, () -> QuickstartOptions.from(props));
        assertEquals("quickstart.redis.mode must be standalone or cluster, not 'sentinel'", error.getMessage());
    }

    @Test
    void durationsReadAsAUserWritesThem() {
        assertEquals(Duration.ofSeconds(30), QuickstartOptions.duration("30s"));
        assertEquals(Duration.ofSeconds(45), QuickstartOptions.duration("45"));
        assertEquals(Duration.ofMinutes(2), QuickstartOptions.duration("2M"));
        assertEquals(Duration.ofHours(1), QuickstartOptions.duration("1h"));
        for (String bad : new String[] {"soon", "-5s", "0s", "10x", "s"}) {
            QuickstartException error = assertThrows(QuickstartException.class, () -> QuickstartOptions.duration(bad));
            assertTrue(error.getMessage().startsWith("quickstart.duration must look like"), error.getMessage());
        }
    }

    @Test
    void aBadNumberNamesTheFlagAndTheRange() throws IOException {
        Properties props = minimal();
        props.setProperty("quickstart.rate", "fast");
        QuickstartException error = assertThrows(QuickstartException.class, () -> QuickstartOptions.from(props));
        assertEquals("quickstart.rate must be a whole number from 1 to 100000 (events per second), not 'fast'",
                error.getMessage());
        props.setProperty("quickstart.rate", "10");
        props.setProperty("quickstart.rest.port", "70000");
        error = assertThrows(QuickstartException.class, () -> QuickstartOptions.from(props));
        assertTrue(error.getMessage().startsWith("quickstart.rest.port must be a whole number from 1 to 65535"),
                error.getMessage());
        props.setProperty("quickstart.rest.port", "8083");
        props.setProperty("quickstart.http.port", "0");
        error = assertThrows(QuickstartException.class, () -> QuickstartOptions.from(props));
        assertTrue(error.getMessage().startsWith("quickstart.http.port must be a whole number from 1 to 65535"),
                error.getMessage());
    }

    @Test
    void aMissingPluginDirectorySaysHowToBuildIt() throws IOException {
        Properties props = minimal();
        props.setProperty("quickstart.plugin.path", dir.resolve("missing").toString());
        QuickstartException error = assertThrows(QuickstartException.class, () -> QuickstartOptions.from(props));
        assertTrue(error.getMessage().contains("./mvnw -q -Pquickstart package"), error.getMessage());
    }
}
