package io.dualstream.quickstart.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dualstream.connect.redis.testing.RedisFixture;
import io.dualstream.quickstart.QuickstartKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live page's gateway against a real Kafka broker and a real redis-server. The test stands in for the
 * connector: it writes each event to Kafka, then publishes its notification (with the record's coordinates) to
 * Redis, and can hold a notification back to play one still in flight.
 */
class GatewayIT {

    private static final String TEMPLATE = "events:{source_type}:{source_id}";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path kafkaDir;
    private static QuickstartKafka kafka;
    private static RedisFixture redis;
    private static KafkaProducer<String, String> producer;

    private final AtomicLong clock = new AtomicLong(System.currentTimeMillis() - 60_000);
    private String topic;
    private Gateway gateway;

    @BeforeAll
    static void startKafkaAndRedis() {
        kafka = QuickstartKafka.obtain(null, kafkaDir);
        redis = RedisFixture.start();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer());
    }

    @AfterAll
    static void stopKafkaAndRedis() throws Exception {
        producer.close();
        redis.close();
        kafka.close();
    }

    /** Each test has its own topic and gateway on a free port. */
    private void startGateway(TestInfo test, RedisFixture on) throws Exception {
        topic = "events-" + test.getTestMethod().orElseThrow().getName().toLowerCase(Locale.ROOT);
        kafka.ensureTopic(topic, 3);
        gateway = Gateway.start(0, on.host(), on.port(), kafka.bootstrapServers(), topic, TEMPLATE);
    }

    @AfterEach
    void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** An event as the connector saw it: where Kafka put it, and the notification it publishes. */
    private record Sent(String id, String channel, String notification) {
    }

    /** Writes the event to Kafka (the connector has not published it yet). */
    private Sent write(String id, String sourceType, String sourceId) throws Exception {
        long timestamp = clock.incrementAndGet(); // strictly increasing: "most recent" is well defined
        RecordMetadata at = producer.send(record(id, sourceType, sourceId, timestamp)).get();
        String notification = JSON.createObjectNode().put("id", id).put("type", "push").put("source_id", sourceId)
                .put("topic", at.topic()).put("partition", at.partition()).put("offset", at.offset())
                .put("timestamp", timestamp).toString();
        return new Sent(id, "events:" + sourceType + ":" + sourceId, notification);
    }

    private ProducerRecord<String, String> record(String id, String sourceType, String sourceId, long timestamp) {
        ObjectNode event = JSON.createObjectNode().put("id", id).put("type", "push").put("source_type", sourceType)
                .put("source_id", sourceId);
        event.putObject("payload").put("ref", "refs/heads/main").put("size", 3);
        return new ProducerRecord<>(topic, null, timestamp, sourceType + ":" + sourceId, event.toString());
    }

    private void publish(Sent sent) {
        try (Jedis jedis = redis.client()) {
            jedis.publish(sent.channel(), sent.notification());
        }
    }

    private Sent writeAndPublish(String id, String sourceType, String sourceId) throws Exception {
        Sent sent = write(id, sourceType, sourceId);
        publish(sent);
        return sent;
    }

    @Test
    void streamSendsTheRecentEventsThenTheLiveOnesMergedByIdWithNoGapAndNoDuplicate(TestInfo test) throws Exception {
        startGateway(test, redis);
        List<Sent> before = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            before.add(writeAndPublish("m-" + i, i % 2 == 0 ? "repo" : "user", "s" + (i % 5)));
        }
        // In Kafka, not yet on Redis: the connector is still on them when the page connects.
        List<Sent> inFlight = List.of(write("m-30", "repo", "s1"), write("m-31", "user", "s2"));

        try (SseClient page = SseClient.open(url("/stream?watch=" + encode("events:*")))) {
            assertEquals(200, page.status);
            JsonNode recent = JSON.readTree(page.expect("recent", WAIT).data());
            assertEquals("PSUBSCRIBE events:*", recent.get("subscription").asText());
            List<Sent> expected = new ArrayList<>(before);
            expected.addAll(inFlight);
            assertEquals(ids(expected), ids(recent.get("events")), "every event so far, oldest first");
            for (int i = 0; i < expected.size(); i++) {
                JsonNode row = recent.get("events").get(i);
                assertEquals("kafka", row.get("via").asText());
                assertEquals(expected.get(i).channel(), row.get("channel").asText(), "the channel from the template");
                assertEquals(JSON.readTree(expected.get(i).notification()), row.get("notification"),
                        "the same notification the connector publishes");
            }

            // The connector publishes the in-flight ones (already sent, so left out), then new events follow.
            inFlight.forEach(this::publish);
            List<Sent> after = new ArrayList<>();
            for (int i = 32; i < 37; i++) {
                after.add(writeAndPublish("m-" + i, "org", "o" + i));
            }
            List<String> live = new ArrayList<>();
            while (live.size() < after.size()) {
                JsonNode row = JSON.readTree(page.expect("notification", WAIT).data());
                assertEquals("redis", row.get("via").asText());
                assertTrue(row.get("receivedAt").asLong() > 0);
                live.add(row.get("notification").get("id").asText());
            }
            assertEquals(ids(after), live, "the live ones, each once, none of the in-flight ones again");
        }
    }

    @Test
    void aPatternIsOnePsubscribeSharedByItsPagesAndFiltersTheRecentEventsTheSameWay(TestInfo test) throws Exception {
        startGateway(test, redis);
        Sent repo1 = writeAndPublish("p-1", "repo", "org1/repo-1");
        writeAndPublish("p-2", "user", "alice");
        Sent repo2 = writeAndPublish("p-3", "repo", "org2/repo-2");
        writeAndPublish("p-4", "org", "org1");
        writeAndPublish("p-5", "repository", "x"); // events:repository:x is not under events:repo:*

        URI stream = url("/stream?watch=" + encode("events:repo:*"));
        try (SseClient first = SseClient.open(stream); SseClient second = SseClient.open(stream);
             Jedis admin = redis.client()) {
            for (SseClient page : List.of(first, second)) {
                JsonNode recent = JSON.readTree(page.expect("recent", WAIT).data());
                assertEquals("PSUBSCRIBE events:repo:*", recent.get("subscription").asText());
                assertEquals(ids(List.of(repo1, repo2)), ids(recent.get("events")));
            }
            assertEquals(1L, admin.pubsubNumPat(), "two pages on one pattern share one PSUBSCRIBE");

            writeAndPublish("p-6", "user", "alice");
            Sent repo3 = writeAndPublish("p-7", "repo", "org1/repo-9");
            for (SseClient page : List.of(first, second)) {
                JsonNode live = JSON.readTree(page.expect("notification", WAIT).data());
                assertEquals(repo3.id(), live.get("notification").get("id").asText(), "the user event is not on the pattern");
                assertEquals(repo3.channel(), live.get("channel").asText());
            }
        }
        // The last page left: the gateway unsubscribes (it notices when a write to the closed stream fails).
        awaitTrue(() -> {
            publish(new Sent("p-x", "events:repo:org1/repo-1", "{\"id\":\"p-x\"}"));
            try (Jedis admin = redis.client()) {
                return admin.pubsubNumPat() == 0;
            }
        }, "PUNSUBSCRIBE events:repo:* after the last page closed");
    }

    @Test
    void aChannelIsOneSubscribe(TestInfo test) throws Exception {
        startGateway(test, redis);
        Sent alice = writeAndPublish("c-1", "user", "alice");
        writeAndPublish("c-2", "user", "alice2");
        try (SseClient page = SseClient.open(url("/stream?watch=" + encode("events:user:alice")));
             Jedis admin = redis.client()) {
            JsonNode recent = JSON.readTree(page.expect("recent", WAIT).data());
            assertEquals("SUBSCRIBE events:user:alice", recent.get("subscription").asText());
            assertEquals(ids(List.of(alice)), ids(recent.get("events")));
            assertEquals(1L, admin.pubsubNumSub("events:user:alice").get("events:user:alice"));
            assertEquals(0L, admin.pubsubNumPat());
            writeAndPublish("c-3", "user", "alice2");
            Sent next = writeAndPublish("c-4", "user", "alice");
            assertEquals(next.id(), JSON.readTree(page.expect("notification", WAIT).data())
                    .get("notification").get("id").asText());
        }
    }

    @Test
    void recentReturnsTheNewestEventsOfTheWatchOldestFirst(TestInfo test) throws Exception {
        startGateway(test, redis);
        List<Sent> users = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            users.add(writeAndPublish("r-u" + i, "user", "u" + i));
            writeAndPublish("r-o" + i, "org", "o" + i);
        }
        JsonNode body = JSON.readTree(get("/recent?limit=3&watch=" + encode("events:user:*")).body());
        assertEquals("events:user:*", body.get("watch").asText());
        assertEquals(ids(users.subList(3, 6)), ids(body.get("events")));
        assertEquals(12, get("/recent?watch=" + encode("events:*")).body().split("\"via\":\"kafka\"").length - 1,
                "all 12 events with the default limit");

        HttpResponse<String> badLimit = get("/recent?limit=0");
        assertEquals(400, badLimit.statusCode());
        assertTrue(badLimit.body().contains("limit must be a whole number from 1 to 500"), badLimit.body());
        HttpResponse<String> badWatch = get("/recent?watch=" + encode("orders:*"));
        assertEquals(400, badWatch.statusCode());
        assertTrue(badWatch.body().contains("watch must start with events:"), badWatch.body());
        assertEquals(400, get("/stream?watch=" + encode("orders:*")).statusCode(), "nor can a stream watch it");
    }

    @Test
    void recentReachesBackForAQuietChannel(TestInfo test) throws Exception {
        startGateway(test, redis);
        Sent quiet = writeAndPublish("q-0", "user", "quiet");
        for (int i = 1; i <= 400; i++) { // Kafka only: /recent reads nothing else
            producer.send(record("q-" + i, "repo", "busy/repo-" + (i % 7), clock.incrementAndGet()));
        }
        producer.flush();
        JsonNode body = JSON.readTree(get("/recent?limit=5&watch=" + encode("events:user:quiet")).body());
        assertEquals(ids(List.of(quiet)), ids(body.get("events")), "found 400 records back");
        JsonNode busy = JSON.readTree(get("/recent?limit=5&watch=" + encode("events:repo:*")).body());
        assertEquals(List.of("q-396", "q-397", "q-398", "q-399", "q-400"), ids(busy.get("events")));
    }

    @Test
    void eventReturnsTheFullEventAtTheNotificationsCoordinates(TestInfo test) throws Exception {
        startGateway(test, redis);
        writeAndPublish("e-0", "repo", "org1/repo-1");
        Sent sent = writeAndPublish("e-1", "user", "bob");
        JsonNode coordinates = JSON.readTree(sent.notification());
        HttpResponse<String> response = get("/event?topic=" + topic + "&partition=" + coordinates.get("partition")
                + "&offset=" + coordinates.get("offset"));
        assertEquals(200, response.statusCode(), response.body());
        JsonNode event = JSON.readTree(response.body());
        assertEquals("e-1", event.get("value").get("id").asText());
        assertEquals("refs/heads/main", event.get("value").get("payload").get("ref").asText(), "the full event");
        assertEquals("user:bob", event.get("key").asText());
        assertEquals(coordinates.get("offset").asLong(), event.get("offset").asLong());
        assertEquals(coordinates.get("timestamp").asLong(), event.get("timestamp").asLong());

        assertEquals(404, get("/event?topic=" + topic + "&partition=0&offset=999999").statusCode());
        assertEquals(404, get("/event?topic=" + topic + "&partition=7&offset=0").statusCode());
        HttpResponse<String> otherTopic = get("/event?topic=__consumer_offsets&partition=0&offset=0");
        assertEquals(400, otherTopic.statusCode());
        assertTrue(otherTopic.body().contains("topic must be " + topic), otherTopic.body());
        assertEquals(400, get("/event?topic=" + topic + "&partition=x&offset=0").statusCode());
        assertEquals(400, get("/event?topic=" + topic + "&partition=0").statusCode());
    }

    @Test
    void thePageComesFromTheJarAndLoadsNothingFromElsewhere(TestInfo test) throws Exception {
        startGateway(test, redis);
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("<script src=\"page.js\""), page.body());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").startsWith("default-src 'self'"),
                "the browser itself refuses anything from elsewhere");
        for (String asset : List.of("/", "/page.js", "/page.css")) {
            HttpResponse<String> response = get(asset);
            assertEquals(200, response.statusCode(), asset);
            // The only URL is SVG's namespace name, which is never fetched.
            String withoutSvgNamespace = response.body().replace("http://www.w3.org/2000/svg", "");
            assertFalse(withoutSvgNamespace.contains("http://") || withoutSvgNamespace.contains("https://")
                    || withoutSvgNamespace.contains("//cdn"), asset + " refers to another host");
        }
        assertTrue(get("/page.js").headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertEquals(404, get("/missing.js").statusCode());
        assertEquals(405, HTTP.send(HttpRequest.newBuilder(url("/")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void listensOnLoopbackOnlyAndAnswersRequestsForLocalhostOnly(TestInfo test) throws Exception {
        startGateway(test, redis);
        InetSocketAddress address = gateway.address();
        assertEquals(InetAddress.getByName("127.0.0.1"), address.getAddress());
        for (InetAddress own : Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(nic -> Collections.list(nic.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).toList()) {
            assertThrows(ConnectException.class, () -> new Socket(own, address.getPort()).close(),
                    "reachable on " + own);
        }
        assertEquals("HTTP/1.1 200 OK", statusLine("localhost:" + address.getPort()));
        assertEquals("HTTP/1.1 200 OK", statusLine("127.0.0.1:" + address.getPort()));
        // DNS rebinding: another site's name pointed at 127.0.0.1.
        assertEquals("HTTP/1.1 403 Forbidden", statusLine("attacker.example:" + address.getPort()));
    }

    @Test
    void aRedisOutageEndsTheStreamsAndTheGatewaySubscribesAgain(TestInfo test) throws Exception {
        try (RedisFixture own = RedisFixture.start()) {
            startGateway(test, own);
            try (SseClient page = SseClient.open(url("/stream?watch=" + encode("events:*")))) {
                page.expect("recent", WAIT);
                own.kill();
                SseClient.Event end = page.expect("end", WAIT);
                assertTrue(end.data().contains("lost its Redis connection"), end.data());
                assertTrue(page.endsWithin(WAIT), "the stream closes, so the browser reconnects");
            }
            own.restart();
            // The page's reconnect: answered once the gateway has subscribed again.
            awaitTrue(() -> get("/recent?limit=1").statusCode() == 200 && streamOpens(), "a stream after Redis is back");
            try (SseClient page = SseClient.open(url("/stream?watch=" + encode("events:*")));
                 Jedis jedis = new Jedis(own.host(), own.port(), 5000)) {
                page.expect("recent", WAIT);
                jedis.publish("events:user:carol", "{\"id\":\"back-1\",\"type\":\"push\"}");
                assertEquals("back-1", JSON.readTree(page.expect("notification", WAIT).data())
                        .get("notification").get("id").asText());
            }
        }
    }

    @Test
    void closingTheGatewayEndsItsStreamsAndFreesThePort(TestInfo test) throws Exception {
        startGateway(test, redis);
        int port = gateway.address().getPort();
        try (SseClient page = SseClient.open(url("/stream"))) {
            page.expect("recent", WAIT);
            gateway.close();
            gateway = null;
            SseClient.Event end = page.expect("end", WAIT);
            assertTrue(end.data().contains("the gateway is stopping"), end.data());
        }
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }

    private boolean streamOpens() {
        try (SseClient page = SseClient.open(url("/stream"))) {
            return page.status == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private String statusLine(String host) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.address().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        }
    }

    private URI url(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + gateway.address().getPort() + pathAndQuery);
    }

    private HttpResponse<String> get(String pathAndQuery) {
        try {
            return HTTP.send(HttpRequest.newBuilder(url(pathAndQuery)).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("GET " + pathAndQuery + " failed", e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static List<String> ids(List<Sent> sent) {
        return sent.stream().map(Sent::id).toList();
    }

    private static List<String> ids(JsonNode rows) {
        List<String> ids = new ArrayList<>();
        rows.forEach(row -> ids.add(row.get("notification").get("id").asText()));
        return ids;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 15 s: " + what);
            }
            Thread.sleep(200); // polling interval, bounded by the deadline
        }
    }
}
