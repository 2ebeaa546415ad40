package io.dualstream.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualstream.connect.redis.testing.Await;
import io.dualstream.connect.redis.testing.Subscriber;
import io.dualstream.quickstart.gateway.SseClient;
import io.dualstream.quickstart.gateway.ShardMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.net.ConnectException;
import java.net.Socket;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./mvnw -q -Pquickstart package -Dquickstart.redis.mode=cluster}, run by the launcher in its own JVM: it
 * starts a 3-master Redis Cluster from redis-server on the PATH, registers the connector through REST with
 * {@code redis.mode=cluster} and {@code SPUBLISH}, its live view and gateway hear the notifications through
 * {@code SSUBSCRIBE}, and at the end the cluster is stopped and its files deleted.
 */
class QuickstartClusterIT {

    private static final Pattern SEEDS = Pattern.compile("Redis Cluster \\.\\.\\. (redis://\\S+) \\(started by the quickstart");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path workDir;

    @Test
    void startsAClusterPublishesWithSpublishAndStopsIt() throws Exception {
        List<Subscriber> ownSubscribers = new ArrayList<>();
        try (QuickstartLauncher quickstart = QuickstartLauncher.start(workDir, "25s", 40,
                "-Dquickstart.redis.mode=cluster")) {
            String seeds = Await.until("the launcher to print the cluster it started", Duration.ofSeconds(120),
                    () -> {
                        Matcher matcher = SEEDS.matcher(printedUnchecked(quickstart));
                        if (!matcher.find() && !quickstart.process.isAlive()) {
                            throw new AssertionError("the launcher ended without a cluster:\n"
                                    + printedUnchecked(quickstart));
                        }
                        return matcher.find(0) ? matcher.group(1) : null;
                    });
            List<HostAndPort> nodes = QuickstartCluster.seeds(seeds);
            assertEquals(3, nodes.size(), seeds);

            assertTrue(quickstart.connectorRunning(Duration.ofSeconds(180)),
                    "connector not RUNNING on port " + quickstart.restPort + ":\n" + quickstart.printed());
            List<ProcessHandle> children = new ArrayList<>(quickstart.process.descendants().toList());
            for (HostAndPort node : nodes) {
                try (Jedis jedis = new Jedis(node)) {
                    long pid = Long.parseLong(jedis.info("server").lines().filter(l -> l.startsWith("process_id:"))
                            .findFirst().orElseThrow().substring("process_id:".length()).trim());
                    assertTrue(children.stream().anyMatch(child -> child.pid() == pid),
                            "the node " + node + " (pid " + pid + ") is a process the launcher started");
                }
            }

            // Registered through REST like the standalone one, told it is a cluster and to publish sharded.
            JsonNode config = new ObjectMapper().readTree(get(URI.create("http://localhost:" + quickstart.restPort
                    + "/connectors/" + QuickstartLauncher.CONNECTOR + "/config")).body());
            assertEquals("cluster", config.path("redis.mode").asText(), config.toString());
            assertEquals("SPUBLISH", config.path("redis.publish.command").asText(), config.toString());
            assertEquals(seeds, config.path("redis.uri").asText(), config.toString());

            // Our own SSUBSCRIBE on each org channel's master hears them; on another master it is refused (MOVED).
            ShardMap map = ShardMap.read(nodes, "the test");
            List<String> orgChannels = List.of("events:org:org0", "events:org:org1", "events:org:org2",
                    "events:org:org3", "events:org:org4");
            for (String channel : orgChannels) {
                HostAndPort owner = map.ownerOf(channel);
                ownSubscribers.add(Subscriber.ssubscribe(owner.getHost(), owner.getPort(), channel));
            }
            HostAndPort notOwner = nodes.stream().filter(n -> !n.equals(map.ownerOf("events:org:org0"))).findFirst()
                    .orElseThrow();
            assertThrows(IllegalStateException.class,
                    () -> Subscriber.ssubscribe(notOwner.getHost(), notOwner.getPort(), "events:org:org0").close(),
                    "SSUBSCRIBE must go to the channel's master");

            // The live page's gateway serves a pattern watch from its sharded subscription, and refuses one that
            // can match none of the channels it subscribed.
            assertTrue(quickstart.pageServed(Duration.ofSeconds(30)), quickstart.printed());
            try (SseClient page = SseClient.open(quickstart.pageUrl().resolve("/stream?watch="
                    + URLEncoder.encode("events:org:*", StandardCharsets.UTF_8)))) {
                JsonNode recent = new ObjectMapper().readTree(page.expect("recent", WAIT).data());
                assertEquals("SSUBSCRIBE 75 channels on 3 masters, filtered by events:org:*",
                        recent.path("subscription").asText(), recent.toString());
                SseClient.Event live = page.next(WAIT);
                assertEquals("notification", live.name(), live.data());
                assertTrue(new ObjectMapper().readTree(live.data()).path("channel").asText().startsWith("events:org:"),
                        live.data());
            }
            HttpResponse<String> none = get(quickstart.pageUrl().resolve("/stream?watch="
                    + URLEncoder.encode("events:nobody:*", StandardCharsets.UTF_8)));
            assertEquals(400, none.statusCode(), none.body());
            assertTrue(none.body().contains("matches none of them"), none.body());

            String printed = quickstart.awaitCleanEnd().printed();
            assertTrue(printed.contains("watching SSUBSCRIBE on each channel's master (Redis Cluster, 3 masters, "
                    + "SPUBLISH)"), printed);
            assertTrue(printed.contains("stopped: producer, gateway, subscriber, Connect worker, Kafka broker, "
                    + "Redis Cluster (3 redis-server)"), printed);

            List<Subscriber.Message> seen = new ArrayList<>();
            ownSubscribers.forEach(s -> seen.addAll(s.received()));
            assertFalse(seen.isEmpty(), "our SSUBSCRIBE heard nothing");
            for (Subscriber.Message message : seen) {
                JsonNode notification = new ObjectMapper().readTree(message.payload());
                assertEquals("events:org:" + notification.path("source_id").asText(), message.channel(),
                        message.payload());
            }

            // Nothing is left: the JVM's children (the redis-servers among them), the cluster's ports, its files.
            for (ProcessHandle child : children) {
                assertFalse(child.isAlive(), "left running: " + child.info());
            }
            for (HostAndPort node : nodes) {
                assertThrows(ConnectException.class, () -> new Socket(node.getHost(), node.getPort()).close(),
                        "the cluster node " + node + " is stopped");
            }
            assertThrows(ConnectException.class, () -> new Socket("localhost", quickstart.restPort).close());
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", quickstart.httpPort).close());
            assertFalse(Files.exists(workDir.resolve("redis-cluster")), "the cluster's files are deleted");
        } finally {
            ownSubscribers.forEach(Subscriber::close);
        }
    }

    private static String printedUnchecked(QuickstartLauncher quickstart) {
        try {
            return quickstart.printed();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static HttpResponse<String> get(URI url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
