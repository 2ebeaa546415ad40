package io.dualstream.connect.redis.testing;

import io.dualstream.quickstart.RedisServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code prometheus} server (the binary on the PATH) on a free loopback port, scraping the given targets
 * every second and evaluating its rule files every second, with its storage in a directory of the test's.
 * Read through its HTTP API.
 */
public final class Prometheus implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private Prometheus(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Whether {@code prometheus} and {@code promtool} (Debian's package has both) are on the PATH. */
    public static boolean onPath() {
        return Executables.onPath("prometheus") && Executables.onPath("promtool");
    }

    /**
     * Starts Prometheus scraping each of {@code targets} ({@code host:port} to its extra labels) in one job named
     * {@code job}, with {@code ruleFiles} loaded, and waits until it is ready.
     */
    public static Prometheus start(Path dir, String job, Map<String, Map<String, String>> targets, List<Path> ruleFiles)
            throws IOException, InterruptedException {
        // A port free when picked may be taken by the time Prometheus binds it: try new ones twice more.
        for (int attempt = 1; ; attempt++) {
            Prometheus prometheus = startOnce(dir, job, targets, ruleFiles, attempt);
            try {
                prometheus.awaitReady(Duration.ofSeconds(60));
                return prometheus;
            } catch (IllegalStateException e) {
                prometheus.close();
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("address already in use")) {
                    throw e;
                }
            }
        }
    }

    private static Prometheus startOnce(Path dir, String job, Map<String, Map<String, String>> targets,
                                        List<Path> ruleFiles, int attempt) throws IOException {
        int port = RedisProcess.freePort();
        StringBuilder config = new StringBuilder();
        // scrape_timeout must not exceed scrape_interval (its default, 10 s, would).
        config.append("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n");
        config.append("rule_files:\n");
        for (Path file : ruleFiles) {
            config.append("  - ").append(JSON.writeValueAsString(file.toAbsolutePath().toString())).append('\n');
        }
        config.append("scrape_configs:\n  - job_name: ").append(JSON.writeValueAsString(job))
                .append("\n    static_configs:\n");
        for (Map.Entry<String, Map<String, String>> target : targets.entrySet()) {
            // YAML is a superset of JSON: JSON strings and objects are quoted safely.
            config.append("      - targets: [").append(JSON.writeValueAsString(target.getKey())).append("]\n")
                    .append("        labels: ").append(JSON.writeValueAsString(target.getValue())).append('\n');
        }
        Path file = dir.resolve("prometheus.yml");
        Files.writeString(file, config.toString());
        Path log = dir.resolve("prometheus-" + attempt + ".log");
        Process process = new ProcessBuilder(List.of("prometheus",
                "--config.file=" + file,
                "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("data-" + attempt)),
                "--web.listen-address=127.0.0.1:" + port))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // A test that dies before close() must not leave Prometheus running after the JVM.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        return new Prometheus(process, log, port);
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notUpYet) {
                // still starting
            }
            Thread.sleep(100); // polling interval, bounded by the deadline
        }
        throw new IllegalStateException("prometheus not ready on port " + port + " within " + timeout + ":\n" + logTail());
    }

    /** The {@code data.result} of an instant query ({@code /api/v1/query}): one element per series. */
    public List<JsonNode> query(String promql) {
        JsonNode data = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        List<JsonNode> series = new ArrayList<>();
        data.path("result").forEach(series::add);
        return series;
    }

    /** The values of {@code label} on the series matching {@code selector}, as Grafana's label_values() asks. */
    public List<String> labelValues(String label, String selector) {
        JsonNode data = api("/api/v1/label/" + label + "/values?match[]="
                + URLEncoder.encode(selector, StandardCharsets.UTF_8));
        List<String> values = new ArrayList<>();
        data.forEach(value -> values.add(value.asText()));
        return values;
    }

    /** The alerts pending or firing now ({@code /api/v1/alerts}). */
    public List<JsonNode> alerts() {
        List<JsonNode> alerts = new ArrayList<>();
        api("/api/v1/alerts").path("alerts").forEach(alerts::add);
        return alerts;
    }

    /** What the targets said about {@code metric} ({@code /api/v1/targets/metadata}): its type and help. */
    public List<JsonNode> targetMetadata(String metric) {
        List<JsonNode> metadata = new ArrayList<>();
        api("/api/v1/targets/metadata?metric=" + URLEncoder.encode(metric, StandardCharsets.UTF_8)).forEach(metadata::add);
        return metadata;
    }

    /** The scrape targets and their health ({@code /api/v1/targets}), for failure messages. */
    public String targets() {
        return api("/api/v1/targets").path("activeTargets").toString();
    }

    private JsonNode api(String pathAndQuery) {
        try {
            HttpResponse<String> response = get(pathAndQuery);
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
                throw new IllegalStateException("Prometheus " + pathAndQuery + ": " + response.statusCode() + " "
                        + response.body());
            }
            return body.path("data");
        } catch (IOException e) {
            throw new UncheckedIOException("Prometheus " + pathAndQuery, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Runs {@code promtool} with {@code args}; returns its exit code and output. */
    public static ToolRun promtool(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(dir, "promtool", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("promtool " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new ToolRun(process.exitValue(), Files.readString(output));
    }

    public record ToolRun(int exitCode, String output) {
    }

    /** The last lines of Prometheus's log, for failure messages. */
    public String logTail() {
        return RedisServer.tail(log, 20);
    }

    @Override
    public void close() {
        Executables.stop(process);
    }
}
