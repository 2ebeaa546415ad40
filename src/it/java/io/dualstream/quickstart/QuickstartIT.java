package io.dualstream.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualstream.connect.redis.testing.RedisFixture;
import io.dualstream.connect.redis.testing.RedisProcess;
import io.dualstream.connect.redis.testing.Subscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the quickstart launcher the way {@code ./mvnw -q -Pquickstart package} does (its own JVM, the plugin
 * loaded from plugin.path, output not a terminal) for a bounded time, against a redis-server this test owns
 * (the existing-Redis flag) and on a free REST port.
 */
class QuickstartIT {

    private static final Path BASE = Path.of(System.getProperty("project.basedir", "."));
    private static final String CONNECTOR = "quickstart-redis-pubsub";
    private static final Pattern CHANNEL = Pattern.compile("events:(user|repo|org):[a-z0-9/-]+");

    @TempDir
    Path workDir;

    @Test
    void runsForTheGivenDurationShowsNotificationsAndLeavesNothingRunning() throws Exception {
        String classpath = System.getProperty("quickstart.classpath");
        Path mainClasses = BASE.resolve("target/classes").toAbsolutePath();
        assertFalse(Arrays.stream(classpath.split(File.pathSeparator)).map(p -> Path.of(p).toAbsolutePath())
                .anyMatch(mainClasses::equals), "the launcher's classpath must not hold the connector's classes");
        int restPort = RedisProcess.freePort();
        Path output = workDir.resolve("quickstart.out");

        try (RedisFixture redis = RedisFixture.start(); Subscriber gateway = Subscriber.psubscribe(redis, "events:*")) {
            Process quickstart = new ProcessBuilder(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", classpath,
                    "-Dquickstart.plugin.path=" + System.getProperty("quickstart.plugin.path"),
                    "-Dquickstart.connector.config=" + BASE.resolve("config/quickstart-sink.json"),
                    "-Dquickstart.work.dir=" + workDir,
                    "-Dquickstart.duration=20s",
                    "-Dquickstart.rate=40",
                    "-Dquickstart.redis.uri=" + redis.uri(),
                    "-Dquickstart.rest.port=" + restPort,
                    "io.dualstream.quickstart.Quickstart"))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            try {
                // While it runs, the worker's REST API answers as the README's curl shows.
                assertTrue(connectorRunning(restPort, Duration.ofSeconds(180)),
                        "connector not RUNNING on port " + restPort + ":\n" + read(output));
                List<ProcessHandle> children = new ArrayList<>(quickstart.descendants().toList());

                assertTrue(quickstart.waitFor(180, TimeUnit.SECONDS), "the quickstart did not stop:\n" + read(output));
                String printed = read(output);
                assertEquals(0, quickstart.exitValue(), printed);

                long produced = summaryNumber(printed, "events produced");
                long received = summaryNumber(printed, "notifications received");
                assertTrue(received > 0 && received <= produced, printed);
                assertTrue(printed.contains("first notification after"), printed);
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

                // Nothing is left running: the JVM, anything it started, and the REST port are gone.
                for (ProcessHandle child : children) {
                    assertFalse(child.isAlive(), "left running: " + child.info());
                }
                assertThrows(ConnectException.class, () -> new Socket("localhost", restPort).close(),
                        "the worker's REST port is closed");
                assertTrue(printed.contains("stopped: producer, subscriber, Connect worker, Kafka broker"), printed);
            } finally {
                quickstart.destroyForcibly();
            }
        }
    }

    private static boolean connectorRunning(int port, Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/connectors/" + CONNECTOR + "/status"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode status = new ObjectMapper().readTree(response.body());
                if (response.statusCode() == 200 && "RUNNING".equals(status.path("connector").path("state").asText())
                        && "RUNNING".equals(status.path("tasks").path(0).path("state").asText())) {
                    return true;
                }
            } catch (IOException notUpYet) {
                // the worker is still starting
            }
            Thread.sleep(500); // polling interval, bounded by the deadline
        }
        return false;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static long summaryNumber(String printed, String label) {
        Matcher matcher = Pattern.compile(label + "\\s+([\\d,]+)").matcher(printed);
        assertTrue(matcher.find(), "no '" + label + "' in the summary:\n" + printed);
        return Long.parseLong(matcher.group(1).replace(",", ""));
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
