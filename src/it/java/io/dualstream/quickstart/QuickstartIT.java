package io.dualstream.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualstream.connect.redis.testing.RedisFixture;
import io.dualstream.connect.redis.testing.Subscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the quickstart launcher the way {@code ./mvnw -q -Pquickstart package} does (its own JVM, the plugin
 * loaded from plugin.path, output not a terminal) for a bounded time, against a redis-server this test owns
 * (the existing-Redis flag) and on free REST and page ports.
 */
class QuickstartIT {

    private static final Pattern CHANNEL = Pattern.compile("events:(user|repo|org):[a-z0-9/-]+");

    @TempDir
    Path workDir;

    @Test
    void runsForTheGivenDurationShowsNotificationsAndLeavesNothingRunning() throws Exception {
        Path mainClasses = QuickstartLauncher.BASE.resolve("target/classes").toAbsolutePath();
        assertFalse(Arrays.stream(QuickstartLauncher.classpath().split(File.pathSeparator))
                .map(p -> Path.of(p).toAbsolutePath()).anyMatch(mainClasses::equals),
                "the launcher's classpath must not hold the connector's classes");

        try (RedisFixture redis = RedisFixture.start(); Subscriber gateway = Subscriber.psubscribe(redis, "events:*");
             QuickstartLauncher quickstart = QuickstartLauncher.start(workDir, redis.uri(), "20s", 40)) {
            // While it runs, the worker's REST API answers as the README's curl shows.
            assertTrue(quickstart.connectorRunning(Duration.ofSeconds(180)),
                    "connector not RUNNING on port " + quickstart.restPort + ":\n" + quickstart.printed());
            List<ProcessHandle> children = new ArrayList<>(quickstart.process.descendants().toList());

            QuickstartLauncher.Summary summary = quickstart.awaitCleanEnd();
            String printed = summary.printed();
            long received = summary.received();
            assertTrue(printed.contains("live page (gateway on 127.0.0.1:" + quickstart.httpPort + ") ... "
                    + quickstart.pageUrl()), printed);
            assertTrue(printed.matches("(?s).*\\[00:\\d\\d] produced .*"), "plain progress lines:\n" + printed);
            assertFalse(printed.contains("\u001b["), "no ANSI codes when the output is not a terminal");

            // A gateway of our own saw the same notifications, in the quickstart's format.
            List<Subscriber.Message> seen = gateway.await(list -> list.size() >= received, Duration.ofSeconds(10),
                    received + " notifications");
            Set<String> ids = new HashSet<>();
            ObjectMapper json = new ObjectMapper();
            for (Subscriber.Message message : seen) {
                assertTrue(CHANNEL.matcher(message.channel()).matches(), message.channel());
                JsonNode notification = json.readTree(message.payload());
                assertEquals(List.of("id", "type", "source_id", "topic", "partition", "offset", "timestamp"),
                        fieldNames(notification), message.payload());
                assertEquals("github-events", notification.get("topic").asText());
                assertTrue(message.channel().endsWith(":" + notification.get("source_id").asText()),
                        message.channel() + " carries " + message.payload());
                ids.add(notification.get("id").asText());
            }
            assertTrue(ids.size() >= received, "distinct ids " + ids.size() + " < " + received);

            // Nothing is left running: the JVM, anything it started, the REST port and the page's port are gone.
            for (ProcessHandle child : children) {
                assertFalse(child.isAlive(), "left running: " + child.info());
            }
            assertThrows(ConnectException.class, () -> new Socket("localhost", quickstart.restPort).close(),
                    "the worker's REST port is closed");
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", quickstart.httpPort).close(),
                    "the live page's port is closed");
            assertTrue(printed.contains("stopped: producer, gateway, subscriber, Connect worker, Kafka broker"), printed);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
