package io.dualstream.connect.redis.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The configuration reference in docs/configuration.md is the one generated from the ConfigDef. */
class ConfigReferenceTest {

    private static final String START = "<!-- config-reference:start -->\n";
    private static final String END = "<!-- config-reference:end -->";

    @Test
    void docsConfigurationReferenceMatchesTheConfigDef() throws IOException {
        Path reference = Path.of(System.getProperty("project.basedir", "."), "docs", "configuration.md");
        String text = Files.readString(reference, StandardCharsets.UTF_8);
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        assertTrue(start >= 0 && end > start, "docs/configuration.md needs the config-reference markers");
        String generated = "\n" + ConfigReference.markdown();
        if (Boolean.getBoolean("docs.update")) {
            Files.writeString(reference, text.substring(0, start + START.length()) + generated + text.substring(end),
                    StandardCharsets.UTF_8);
            return;
        }
        assertEquals(generated, text.substring(start + START.length(), end),
                "docs/configuration.md's configuration reference is stale: "
                        + "run ./mvnw -q test -Dtest=ConfigReferenceTest -Ddocs.update=true");
    }

    @Test
    void everyKeyIsDocumentedWithTypeDefaultAndDescription() {
        String markdown = ConfigReference.markdown();
        for (String key : RedisPubSubSinkConfig.CONFIG_DEF.names()) {
            assertTrue(markdown.contains("| `" + key + "` |"), key + " is missing from the reference");
            assertTrue(!RedisPubSubSinkConfig.CONFIG_DEF.configKeys().get(key).documentation.isBlank(), key + " has no doc");
        }
        assertTrue(markdown.contains("| `redis.uri` | string | `redis://localhost:6379` |"), markdown);
        assertTrue(markdown.contains("| `notification.fields` | list | `id,type,source_id` |"), markdown);
    }
}
