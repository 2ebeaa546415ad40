package io.dualstream.connect.redis;

import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The user's and the contributor's documents hold together: every relative link resolves (the file exists, and an
 * anchor names a heading of the target, by GitHub's rules), and every connector setting they name exists.
 */
class DocsLinksTest {

    private static final Path BASE = Path.of(System.getProperty("project.basedir", "."));

    /** {@code [text](target)} and {@code ![alt](target)}, with an optional title. */
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern INLINE_CODE = Pattern.compile("`([^`\\n]+)`");
    /** A setting named in code: {@code redis.uri}, or {@code notification.max.rate=2000}. */
    private static final Pattern SETTING = Pattern.compile("([a-z]+(?:\\.[a-z0-9-]+)+)(?:=.*)?");
    /** A setting as a JSON key in a fenced example: {@code "redis.mode": "cluster"}. */
    private static final Pattern JSON_KEY = Pattern.compile("\"([a-z]+(?:\\.[a-z0-9-]+)+)\"\\s*:");

    /** The documents checked: the README, the contributor's guide and docs/. */
    static List<Path> documents() {
        List<Path> documents = new ArrayList<>(List.of(BASE.resolve("README.md"), BASE.resolve("CONTRIBUTING.md")));
        try (Stream<Path> docs = Files.list(BASE.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    @Test
    void everyRelativeLinkResolvesToAFileAndAHeading() throws IOException {
        List<Path> documents = documents();
        assertTrue(documents.size() > 3, "README.md, CONTRIBUTING.md and docs/*.md: " + documents);
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path document : documents) {
            for (String target : links(Files.readString(document, StandardCharsets.UTF_8))) {
                if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // https:, mailto: ...
                }
                checked++;
                String problem = problem(document, target);
                if (problem != null) {
                    broken.add(BASE.relativize(document) + ": (" + target + ") " + problem);
                }
            }
        }
        assertEquals(List.of(), broken, "broken links");
        assertTrue(checked > 50, "links checked: " + checked);
    }

    @Test
    void everyConnectorSettingNamedInTheDocsExists() throws IOException {
        Set<String> keys = RedisPubSubSinkConfig.CONFIG_DEF.names();
        Set<String> prefixes = new HashSet<>();
        keys.forEach(key -> prefixes.add(key.substring(0, key.indexOf('.') + 1)));
        Set<String> unknown = new TreeSet<>();
        Set<String> named = new HashSet<>();
        for (Path document : documents()) {
            for (String setting : settingsNamed(Files.readString(document, StandardCharsets.UTF_8))) {
                if (prefixes.stream().anyMatch(setting::startsWith)) {
                    named.add(setting);
                    if (!keys.contains(setting)) {
                        unknown.add(BASE.relativize(document) + ": " + setting);
                    }
                }
            }
        }
        assertEquals(Set.of(), unknown, "settings named in the docs that the connector does not have");
        assertTrue(named.size() > 20, "settings found: " + named);
    }

    @Test
    void slugsFollowGitHub() {
        assertEquals("pacing-notificationmaxrate", slug("Pacing: `notification.max.rate`"));
        assertEquals("what-subscribers-reached-total-means-per-mode",
                slug("What `subscribers-reached-total` means per mode"));
        assertEquals("validate", slug("validate()"));
        assertEquals("valkey-and-the-servers-tested", slug("Valkey, and the servers tested"));
        assertEquals("no-notifications-the-pattern-does-not-match",
                slug("No notifications: the pattern does not match"));
        assertEquals(Set.of("a", "a-1", "b"), anchors("# A\n\n```\n# not a heading\n```\n## A\n### B\n"));
    }

    @Test
    void aBrokenLinkOrAnUnknownSettingIsFound() throws IOException {
        Path document = BASE.resolve("README.md");
        assertTrue(problem(document, "docs/no-such-file.md") != null, "a missing file");
        assertTrue(problem(document, "docs/configuration.md#no-such-heading") != null, "a missing anchor");
        assertTrue(problem(document, "#no-such-heading") != null, "a missing anchor in the same file");
        assertEquals(null, problem(document, "docs/configuration.md"));
        assertTrue(settingsNamed("Set `redis.no.such.key=1` and `redis.uri`.").contains("redis.no.such.key"));
        assertTrue(!RedisPubSubSinkConfig.CONFIG_DEF.names().contains("redis.no.such.key"));
        assertEquals(List.of("a.md#x", "d.md"),
                links("[x](a.md#x) `[y](b.md)`\n```\n[z](c.md)\n```\n[two\nlines](d.md)\n"));
    }

    /** Why a relative link does not resolve from {@code document}, or null when it does. */
    private static String problem(Path document, String target) throws IOException {
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = file.isEmpty() ? document : document.getParent().resolve(file).normalize();
        if (!resolved.startsWith(BASE.toAbsolutePath().normalize()) && !resolved.startsWith(BASE.normalize())) {
            return "points outside the project";
        }
        if (!Files.exists(resolved)) {
            return "no such file";
        }
        if (anchor == null) {
            return null;
        }
        if (!resolved.toString().endsWith(".md")) {
            return "an anchor into a file that is not Markdown";
        }
        return anchors(Files.readString(resolved, StandardCharsets.UTF_8)).contains(anchor)
                ? null : "no heading with that anchor in " + BASE.relativize(resolved);
    }

    /** The link targets of a Markdown text, outside fenced blocks and inline code; a link may span two lines. */
    static List<String> links(String markdown) {
        List<String> targets = new ArrayList<>();
        for (String paragraph : String.join("\n", prose(markdown)).split("\n\\s*\n")) {
            Matcher link = LINK.matcher(INLINE_CODE.matcher(paragraph.replace('\n', ' ')).replaceAll(""));
            while (link.find()) {
                targets.add(link.group(1));
            }
        }
        return targets;
    }

    /** Dotted names in inline code, and JSON keys in fenced blocks. */
    static Set<String> settingsNamed(String markdown) {
        Set<String> settings = new TreeSet<>();
        for (String line : prose(markdown)) {
            Matcher code = INLINE_CODE.matcher(line);
            while (code.find()) {
                Matcher setting = SETTING.matcher(code.group(1).trim());
                if (setting.matches()) {
                    settings.add(setting.group(1));
                }
            }
        }
        boolean fenced = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.trim().startsWith("```")) {
                fenced = !fenced;
            } else if (fenced) {
                Matcher key = JSON_KEY.matcher(line);
                while (key.find()) {
                    settings.add(key.group(1));
                }
                Matcher property = Pattern.compile("^\\s*([a-z]+(?:\\.[a-z0-9-]+)+)=").matcher(line);
                if (property.find()) {
                    settings.add(property.group(1));
                }
            }
        }
        return settings;
    }

    /** The lines of a Markdown text outside fenced code blocks. */
    private static List<String> prose(String markdown) {
        List<String> lines = new ArrayList<>();
        boolean fenced = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.trim().startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** The anchors GitHub gives a document's headings (ATX headings outside fenced blocks), with -1, -2 for repeats. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : prose(markdown)) {
            Matcher heading = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$").matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(1));
                int count = seen.merge(slug, 1, Integer::sum);
                anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
            }
        }
        return anchors;
    }

    /** GitHub's heading slug: link text only, lower case, punctuation dropped, spaces as hyphens. */
    static String slug(String heading) {
        String text = heading.replaceAll("\\[([^\\]]*)]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
        StringBuilder slug = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                slug.appendCodePoint(c);
            } else if (c == ' ') {
                slug.append('-');
            }
        });
        return slug.toString();
    }
}
