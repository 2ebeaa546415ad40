package io.dualstream.connect.redis;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the packages of {@code src/main} in layers, so that none imports one that imports it back: each may use
 * only the packages below it. A record flows down them: the configuration is read ({@code config}, which compiles
 * templates and fields with {@code mapping}), checked for TLS ({@code security}), published ({@code publish}),
 * counted ({@code metrics}), all orchestrated by the connector and its task (the root package).
 */
class PackageLayersTest {

    /** Lowest first. */
    private static final List<String> LAYERS = List.of("mapping", "config", "security", "publish", "metrics", "");

    private static final Path MAIN = Path.of("src/main/java/io/dualstream/connect/redis");
    /** A class of this project named in code: an import, a static import or a qualified name. */
    private static final Pattern REFERENCE = Pattern.compile("io\\.dualstream\\.connect\\.redis\\.(?:([a-z]+)\\.)?[A-Z]");

    @Test
    void everyPackageUsesOnlyThePackagesBelowIt() throws IOException {
        Map<String, Set<String>> uses = uses();
        assertEquals(new TreeSet<>(LAYERS), uses.keySet(), "a package was added or removed: give it its layer here");
        List<String> violations = new ArrayList<>();
        uses.forEach((from, targets) -> {
            for (String to : targets) {
                if (LAYERS.indexOf(to) > LAYERS.indexOf(from)) {
                    violations.add(name(from) + " uses " + name(to) + ", which is above it");
                }
            }
        });
        assertTrue(violations.isEmpty(), String.join("\n", violations));
    }

    /** The check itself reads what it should: the layers as the sources have them today. */
    @Test
    void theReadingOfTheSourcesFindsTheKnownUses() throws IOException {
        Map<String, Set<String>> uses = uses();
        assertTrue(uses.get("config").contains("mapping"), uses.toString());
        assertTrue(uses.get("publish").containsAll(Set.of("config", "mapping", "security")), uses.toString());
        assertTrue(uses.get("").containsAll(Set.of("config", "mapping", "publish", "metrics")), uses.toString());
    }

    /** Package (the root is "") to the other packages its code names; comment lines are left out. */
    private static Map<String, Set<String>> uses() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path folder = MAIN.relativize(file.getParent());
                String from = folder.toString().replace('/', '.');
                Set<String> targets = uses.computeIfAbsent(from, key -> new TreeSet<>());
                for (String line : Files.readAllLines(file)) {
                    String code = line.strip();
                    if (code.startsWith("*") || code.startsWith("//") || code.startsWith("/*")) {
                        continue;
                    }
                    Matcher reference = REFERENCE.matcher(code);
                    while (reference.find()) {
                        String to = reference.group(1) == null ? "" : reference.group(1);
                        if (!to.equals(from)) {
                            targets.add(to);
                        }
                    }
                }
            }
        }
        return uses;
    }

    private static String name(String layer) {
        return layer.isEmpty() ? "the root package" : layer;
    }
}
