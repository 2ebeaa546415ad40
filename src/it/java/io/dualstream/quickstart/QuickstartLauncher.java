package io.dualstream.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualstream.connect.redis.testing.RedisProcess;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quickstart launcher started the way {@code ./mvnw -q -Pquickstart package} starts it (its own JVM, the plugin
 * loaded from plugin.path, output not a terminal), on free REST and page ports, against the Redis a test owns.
 */
final class QuickstartLauncher implements AutoCloseable {

    static final Path BASE = Path.of(System.getProperty("project.basedir", "."));
    static final String CONNECTOR = "quickstart-redis-pubsub";

    final int restPort;
    final int httpPort;
    final Path output;
    final Process process;

    private QuickstartLauncher(int restPort, int httpPort, Path output, Process process) {
        this.restPort = restPort;
        this.httpPort = httpPort;
        this.output = output;
        this.process = process;
    }

    static String classpath() {
        return System.getProperty("quickstart.classpath");
    }

    static QuickstartLauncher start(Path workDir, String redisUri, String duration, int rate) throws IOException {
        return start(workDir, duration, rate, "-Dquickstart.redis.uri=" + redisUri);
    }

    /** Starts it with {@code flags} ({@code -Dquickstart.redis.mode=cluster}...) besides the ports, duration and rate. */
    static QuickstartLauncher start(Path workDir, String duration, int rate, String... flags) throws IOException {
        int restPort = RedisProcess.freePort();
        int httpPort = RedisProcess.freePort();
        Path output = workDir.resolve("quickstart.out");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath(),
                "-Dquickstart.plugin.path=" + System.getProperty("quickstart.plugin.path"),
                "-Dquickstart.connector.config=" + BASE.resolve("config/quickstart-sink.json"),
                "-Dquickstart.work.dir=" + workDir,
                "-Dquickstart.duration=" + duration,
                "-Dquickstart.rate=" + rate,
                "-Dquickstart.rest.port=" + restPort,
                "-Dquickstart.http.port=" + httpPort));
        command.addAll(List.of(flags));
        command.add("io.dualstream.quickstart.Quickstart");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        return new QuickstartLauncher(restPort, httpPort, output, process);
    }

    URI pageUrl() {
        return URI.create("http://localhost:" + httpPort + "/");
    }

    /** Everything the launcher printed so far. */
    String printed() throws IOException {
        return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
    }

    /** The last lines of the quickstart's own log (Kafka's, the worker's and the connector's), for failure messages. */
    String logTail() throws IOException {
        Path log = output.resolveSibling("quickstart.log");
        if (!Files.exists(log)) {
            return "(no " + log + ")";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }

    /** Whether the worker's REST API reports the connector and its task RUNNING within the timeout. */
    boolean connectorRunning(Duration timeout) throws InterruptedException {
        ObjectMapper json = new ObjectMapper();
        return answers(URI.create("http://localhost:" + restPort + "/connectors/" + CONNECTOR + "/status"), timeout,
                response -> {
                    try {
                        JsonNode status = json.readTree(response.body());
                        return response.statusCode() == 200
                                && "RUNNING".equals(status.path("connector").path("state").asText())
                                && "RUNNING".equals(status.path("tasks").path(0).path("state").asText());
                    } catch (IOException notJson) {
                        return false;
                    }
                });
    }

    /** Whether the live page is served within the timeout (the gateway starts once the connector runs). */
    boolean pageServed(Duration timeout) throws InterruptedException {
        return answers(pageUrl(), timeout, response -> response.statusCode() == 200);
    }

    private boolean answers(URI url, Duration timeout, Predicate<HttpResponse<String>> ready)
            throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (ready.test(http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()))) {
                    return true;
                }
            } catch (IOException notUpYet) {
                // still starting
            }
            Thread.sleep(500); // polling interval, bounded by the deadline
        }
        return false;
    }

    /** What the launcher printed once it ended by itself, and the summary's counts. */
    record Summary(String printed, long produced, long received) {
    }

    /**
     * Waits until the launcher ends by itself (its duration is over), checks that it ended well having counted
     * notifications (some, and no more than events produced), and returns the summary.
     */
    Summary awaitCleanEnd() throws IOException, InterruptedException {
        assertTrue(process.waitFor(180, TimeUnit.SECONDS), "the quickstart did not stop:\n" + printed());
        String printed = printed();
        assertEquals(0, process.exitValue(), printed);
        long produced = summaryNumber(printed, "events produced");
        long received = summaryNumber(printed, "notifications received");
        assertTrue(received > 0 && received <= produced, printed);
        assertTrue(printed.contains("first notification after"), printed);
        return new Summary(printed, produced, received);
    }

    private static long summaryNumber(String printed, String label) {
        Matcher matcher = Pattern.compile(label + "\\s+([\\d,]+)").matcher(printed);
        assertTrue(matcher.find(), "no '" + label + "' in the summary:\n" + printed);
        return Long.parseLong(matcher.group(1).replace(",", ""));
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
