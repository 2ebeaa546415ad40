package io.dualstream.quickstart.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A Server-Sent Events reader, as a browser's EventSource: each event (name and data) lands in a queue. */
public final class SseClient implements AutoCloseable {

    public record Event(String name, String data) {
    }

    private static final Event CLOSED = new Event("(closed)", "");

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final InputStream body;
    final int status;

    private SseClient(HttpResponse<InputStream> response) {
        this.status = response.statusCode();
        this.body = response.body();
        Thread reader = new Thread(this::read, "sse-client");
        reader.setDaemon(true);
        reader.start();
    }

    public static SseClient open(URI url) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url)
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        return new SseClient(response);
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String name = "message";
            StringBuilder data = new StringBuilder();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        events.add(new Event(name, data.toString()));
                    }
                    name = "message";
                    data.setLength(0);
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(data.length() > 0 ? "\n" : "").append(line.substring(6));
                }
            }
        } catch (IOException closed) {
            // close() or the server ended the stream
        }
        events.add(CLOSED);
    }

    /** The next event, or fails when none came in time or the stream ended. */
    public Event next(Duration timeout) throws InterruptedException {
        Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("no server-sent event within " + timeout);
        }
        if (event == CLOSED) {
            throw new AssertionError("the stream ended");
        }
        return event;
    }

    /** The next event named {@code name}, skipping none: fails if another comes first. */
    public Event expect(String name, Duration timeout) throws InterruptedException {
        Event event = next(timeout);
        if (!event.name().equals(name)) {
            throw new AssertionError("expected a '" + name + "' event, got '" + event.name() + "': " + event.data());
        }
        return event;
    }

    /** Whether the server closed the stream within the timeout (after any events still queued). */
    public boolean endsWithin(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS); event != null;
             event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            if (event == CLOSED) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
