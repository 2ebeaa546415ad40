package io.dualstream.connect.redis;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The version users see: what the connector and its task report over REST ({@code version()}, read from the
 * filtered version.properties), the zip's name and manifest.json all come from the project version, and it is a
 * release, not a snapshot. (PackagedPluginIT checks the same through a worker's /connector-plugins.)
 */
class VersionTest {

    private static String projectVersion() {
        String version = System.getProperty("project.version");
        assertNotNull(version, "surefire passes project.version");
        return version;
    }

    @Test
    void theConnectorAndTheTaskReportTheProjectVersion() {
        assertEquals(projectVersion(), Version.get());
        assertEquals(projectVersion(), new RedisPubSubSinkConnector().version());
        assertEquals(projectVersion(), new RedisPubSubSinkTask().version());
    }

    @Test
    void theVersionIsAReleaseVersion() {
        String version = Version.get();
        assertFalse(version.toUpperCase().contains("SNAPSHOT"), version);
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+"), "MAJOR.MINOR.PATCH: " + version);
    }

    @Test
    void theManifestTakesTheProjectVersion() throws IOException {
        Path manifest = Path.of(System.getProperty("project.basedir", "."), "manifest.json");
        assertTrue(Files.readString(manifest, StandardCharsets.UTF_8).contains("\"version\": \"${project.version}\""),
                "manifest.json is filtered at package time: its version is the project version");
    }

    @Test
    void theChangelogHasAnEntryForThisVersion() throws IOException {
        Path changelog = Path.of(System.getProperty("project.basedir", "."), "CHANGELOG.md");
        assertTrue(Files.readString(changelog, StandardCharsets.UTF_8).contains("\n## [" + Version.get() + "] - "),
                "CHANGELOG.md has a release entry for " + Version.get());
    }
}
