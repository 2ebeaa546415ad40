package io.dualstream.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** The calls a user would make with curl against the worker's REST API. */
public final class ConnectRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    /** Creating a connector writes to Kafka and waits for the herder; the worker itself allows 90 s for it. */
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(120);

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ConnectRest(int port) {
        this.baseUrl = "http://localhost:" + port;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Waits until the worker lists {@code connectorClass} under /connector-plugins. */
    public void awaitPlugin(String connectorClass, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl + "/connector-plugins")),
                        READ_TIMEOUT);
                if (response.statusCode() == 200) {
                    for (JsonNode plugin : JSON.readTree(response.body())) {
                        if (connectorClass.equals(plugin.path("class").asText())) {
                            return;
                        }
                    }
                    last = "the worker lists no " + connectorClass + ": " + response.body();
                } else {
                    last = "HTTP " + response.statusCode();
                }
            } catch (IOException e) {
                last = e.toString();
            }
            pause();
        }
        throw new QuickstartException("the Connect worker at " + baseUrl + " did not list " + connectorClass
                + " within " + timeout.toSeconds() + " s (" + last + "); is the plugin built into plugin.path?");
    }

    /** PUT /connectors/NAME/config: creates the connector, or updates it when it exists. */
    public void putConnector(String name, Map<String, String> config) {
        try {
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(connectorUrl(name) + "/config"))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(config))), WRITE_TIMEOUT);
            if (response.statusCode() / 100 != 2) {
                throw new QuickstartException("registering connector " + name + " failed: HTTP "
                        + response.statusCode() + " " + response.body());
            }
        } catch (IOException e) {
            throw new QuickstartException("registering connector " + name + " failed: " + e, e);
        }
    }

    /** A connector's state as GET /connectors/NAME/status reports it. */
    private record Status(String text, boolean allRunning) {
    }

    /** "RUNNING, task 0 RUNNING" and the like, from GET /connectors/NAME/status; never throws. */
    public String status(String name) {
        return fetchStatus(name).text();
    }

    private Status fetchStatus(String name) {
        try {
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(connectorUrl(name) + "/status")),
                    READ_TIMEOUT);
            if (response.statusCode() != 200) {
                return new Status("HTTP " + response.statusCode(), false);
            }
            JsonNode status = JSON.readTree(response.body());
            String connectorState = status.path("connector").path("state").asText("?");
            StringBuilder text = new StringBuilder(connectorState);
            boolean allRunning = connectorState.equals("RUNNING");
            JsonNode tasks = status.path("tasks");
            if (tasks.isEmpty()) {
                text.append(", no task yet");
                allRunning = false;
            }
            for (JsonNode task : tasks) {
                String taskState = task.path("state").asText();
                text.append(", task ").append(task.path("id").asText()).append(' ').append(taskState);
                allRunning &= taskState.equals("RUNNING");
            }
            return new Status(text.toString(), allRunning);
        } catch (IOException e) {
            return new Status("unreachable (" + e.getClass().getSimpleName() + ")", false);
        }
    }

    /** Waits until the connector and all its tasks are RUNNING. */
    public void awaitRunning(String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Status last = fetchStatus(name);
        while (!last.allRunning()) {
            if (System.nanoTime() > deadline) {
                throw new QuickstartException("connector " + name + " is not running after " + timeout.toSeconds()
                        + " s: " + last.text() + " (details: curl -s " + connectorUrl(name) + "/status)");
            }
            pause();
            last = fetchStatus(name);
        }
    }

    public String connectorUrl(String name) {
        return baseUrl + "/connectors/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, Duration timeout) throws IOException {
        try {
            return http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(250); // polling interval, bounded by the caller's deadline
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuickstartException("interrupted while waiting for the Connect worker", e);
        }
    }
}
