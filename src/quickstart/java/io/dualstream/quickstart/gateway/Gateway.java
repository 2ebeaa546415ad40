package io.dualstream.quickstart.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A minimal gateway between the two streams and a browser, on the JDK's HTTP server, bound to 127.0.0.1 only:
 * <ul>
 *   <li>{@code GET /stream?watch=events:repo:*}: Server-Sent Events. It subscribes first (SUBSCRIBE or PSUBSCRIBE,
 *       confirmed by Redis; on a Redis Cluster, {@link ShardedSubscriptions}), then reads the watch's most recent events from Kafka and sends them, then the live
 *       notifications less those already sent: no gap, no duplicate;</li>
 *   <li>{@code GET /recent?watch=...&limit=100}: those recent events alone, as JSON;</li>
 *   <li>{@code GET /event?topic=...&partition=...&offset=...}: the full event at a notification's coordinates;</li>
 *   <li>{@code GET /}: the live page (its HTML, script and style come from this jar: it works offline).</li>
 * </ul>
 */
public final class Gateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    static final int DEFAULT_RECENT = 100;
    static final int MAX_RECENT = 500;
    static final int MAX_STREAMS = 32;
    private static final long SUBSCRIBE_TIMEOUT_SECONDS = 10;
    /** The page may load only what this gateway serves: nothing from the internet, no inline script. */
    private static final String CSP = "default-src 'self'; img-src 'self' data:; base-uri 'none'; "
            + "form-action 'none'; frame-ancestors 'none'";
    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

    private record Asset(String contentType, byte[] body) {
    }

    private final HttpServer server;
    private final ExecutorService threads;
    private final Subscriptions subscriptions;
    private final KafkaEvents kafka;
    private final EventChannel channels;
    private final Map<String, Asset> assets;
    private final Set<SseStream> streams = ConcurrentHashMap.newKeySet();

    private Gateway(HttpServer server, ExecutorService threads, Subscriptions subscriptions, KafkaEvents kafka,
                    EventChannel channels, Map<String, Asset> assets) {
        this.server = server;
        this.threads = threads;
        this.subscriptions = subscriptions;
        this.kafka = kafka;
        this.channels = channels;
        this.assets = assets;
    }

    /**
     * Starts the gateway on 127.0.0.1:{@code port} (0 picks a free port).
     *
     * @param channelTemplate the connector's {@code channel.template}: which channel each event is published on
     */
    public static Gateway start(int port, String redisHost, int redisPort, String bootstrapServers, String topic,
                                String channelTemplate) throws IOException {
        return start(port, new RedisSubscriptions(redisHost, redisPort), bootstrapServers, topic, channelTemplate);
    }

    /**
     * Starts the gateway on 127.0.0.1:{@code port} (0 picks a free port) hearing Redis through {@code subscriptions}
     * (a standalone Redis's or a cluster's), which it starts and closes.
     */
    public static Gateway start(int port, Subscriptions subscriptions, String bootstrapServers, String topic,
                                String channelTemplate) throws IOException {
        EventChannel channels = new EventChannel(channelTemplate);
        Map<String, Asset> assets = Map.of(
                "/", asset("index.html", "text/html; charset=utf-8"),
                "/page.js", asset("page.js", "text/javascript; charset=utf-8"),
                "/page.css", asset("page.css", "text/css; charset=utf-8"));
        KafkaEvents kafka = new KafkaEvents(bootstrapServers, topic, channels);
        HttpServer server;
        try {
            subscriptions.start();
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 0);
        } catch (IOException | RuntimeException e) {
            subscriptions.close();
            kafka.close();
            throw e;
        }
        ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "quickstart-gateway-http");
            thread.setDaemon(true);
            return thread;
        });
        Gateway gateway = new Gateway(server, threads, subscriptions, kafka, channels, assets);
        server.setExecutor(threads);
        server.createContext("/", gateway::handle);
        server.start();
        return gateway;
    }

    private static Asset asset(String name, String contentType) {
        try (InputStream in = Gateway.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the page's " + name + " is missing from the classpath");
            }
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the page's " + name, e);
        }
    }

    /** Where the page is: http://localhost:PORT/. */
    public URI url() {
        return URI.create("http://localhost:" + server.getAddress().getPort() + "/");
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) {
        try {
            exchange.getResponseHeaders().set("Content-Security-Policy", CSP);
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (!fromThisMachine(exchange.getRequestHeaders().getFirst("Host"))) {
                // A page on another site whose name was made to resolve to 127.0.0.1 (DNS rebinding) gets nothing.
                error(exchange, 403, "this gateway answers requests for localhost only");
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                error(exchange, 405, "only GET is supported");
                return;
            }
            Map<String, String> query = query(exchange.getRequestURI());
            String path = exchange.getRequestURI().getPath();
            switch (path) {
                case "/stream" -> stream(exchange, Watch.parse(query.get("watch"), channels.namespace()));
                case "/recent" -> recent(exchange, Watch.parse(query.get("watch"), channels.namespace()),
                        intParam(query, "limit", DEFAULT_RECENT, 1, MAX_RECENT));
                case "/event" -> event(exchange, query);
                default -> {
                    Asset asset = assets.get(path);
                    if (asset == null) {
                        error(exchange, 404, "no such page: " + path);
                    } else {
                        send(exchange, 200, asset.contentType(), asset.body());
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            error(exchange, 400, e.getMessage());
        } catch (IOException pageWentAway) {
            // the browser closed the connection
        } catch (RuntimeException e) {
            log.warn("Gateway request {} failed", exchange.getRequestURI(), e);
            error(exchange, 503, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    /** Subscribe, confirm, read the recent events, then stream: the order that leaves no gap. */
    private void stream(HttpExchange exchange, Watch watch) throws IOException, InterruptedException {
        if (streams.size() >= MAX_STREAMS) {
            error(exchange, 503, "too many open pages (" + MAX_STREAMS + "): close some");
            return;
        }
        SseStream stream = new SseStream();
        streams.add(stream);
        try {
            awaitSubscribed(subscriptions.add(watch, stream), subscriptions.command(watch));
            List<Notification> recent = kafka.recent(watch, DEFAULT_RECENT);
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.sendResponseHeaders(200, 0);
            stream.serve(exchange.getResponseBody(), watch.expression(), subscriptions.command(watch), recent);
        } finally {
            subscriptions.remove(watch, stream);
            streams.remove(stream);
        }
    }

    private static void awaitSubscribed(CompletableFuture<Void> confirmed, String command)
            throws InterruptedException {
        try {
            confirmed.get(SUBSCRIBE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(command + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(command + " was not confirmed by Redis within "
                    + SUBSCRIBE_TIMEOUT_SECONDS + " s", e);
        }
    }

    private void recent(HttpExchange exchange, Watch watch, int limit) throws IOException {
        List<Notification> recent = kafka.recent(watch, limit);
        sendJson(exchange, 200, "{\"watch\":" + Notification.JSON.writeValueAsString(watch.expression())
                + ",\"events\":" + SseStream.array(recent) + "}");
    }

    private void event(HttpExchange exchange, Map<String, String> query) throws IOException {
        String topic = query.get("topic");
        if (!kafka.topic().equals(topic)) {
            throw new IllegalArgumentException("topic must be " + kafka.topic() + " (the connector's topic), not '"
                    + topic + "'");
        }
        int partition = intParam(query, "partition", -1, 0, Integer.MAX_VALUE);
        long offset = longParam(query, "offset");
        Optional<ConsumerRecord<String, String>> found = kafka.at(partition, offset);
        if (found.isEmpty()) {
            error(exchange, 404, "no record at " + topic + "-" + partition + " offset " + offset);
            return;
        }
        ConsumerRecord<String, String> record = found.get();
        ObjectNode body = Notification.JSON.createObjectNode();
        body.put("topic", record.topic());
        body.put("partition", record.partition());
        body.put("offset", record.offset());
        body.put("timestamp", record.timestamp());
        body.put("key", record.key());
        body.put("bytes", record.value() == null ? 0 : record.value().getBytes(StandardCharsets.UTF_8).length);
        body.set("value", value(record.value()));
        sendJson(exchange, 200, body.toString());
    }

    private static JsonNode value(String value) {
        if (value == null) {
            return Notification.JSON.nullNode();
        }
        try {
            return Notification.JSON.readTree(value);
        } catch (IOException notJson) {
            return Notification.JSON.getNodeFactory().textNode(value);
        }
    }

    static boolean fromThisMachine(String hostHeader) {
        if (hostHeader == null) {
            return true; // HTTP/1.0 without Host: not a browser on another site
        }
        String host = hostHeader.toLowerCase(Locale.ROOT);
        int colon = host.lastIndexOf(':');
        if (colon > host.lastIndexOf(']')) {
            host = host.substring(0, colon);
        }
        return LOCAL_HOSTS.contains(host);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> params = new HashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(name, value);
        }
        return params;
    }

    private static int intParam(Map<String, String> query, String name, int defaultValue, int min, int max) {
        String value = query.get(name);
        if (value == null && defaultValue >= 0) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max + ", not '"
                + value + "'");
    }

    private static long longParam(Map<String, String> query, String name) {
        String value = query.get(name);
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a whole number of 0 or more, not '" + value + "'");
    }

    private static void error(HttpExchange exchange, int status, String message) {
        try {
            ObjectNode body = Notification.JSON.createObjectNode().put("error", String.valueOf(message));
            sendJson(exchange, status, body.toString());
        } catch (IOException | RuntimeException responseAlreadyStarted) {
            // nothing more can be told to this page
        }
    }

    private static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        send(exchange, status, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Ends every page's stream (saying why), then stops serving, the Redis subscription and the Kafka reader. */
    @Override
    public void close() {
        streams.forEach(stream -> stream.end("the gateway is stopping"));
        server.stop(1);
        threads.shutdownNow();
        subscriptions.close();
        kafka.close();
    }
}
