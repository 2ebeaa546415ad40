package io.dualstream.connect.redis;

import io.dualstream.connect.redis.testing.Await;
import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.OutputBufferWatch;
import io.dualstream.connect.redis.testing.OutputBufferWatch.Sample;
import io.dualstream.connect.redis.testing.RedisProcess;
import io.dualstream.connect.redis.testing.Subscriber;
import io.dualstream.connect.redis.testing.TaskMetricsJmx;
import io.dualstream.quickstart.SampleEvents;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway that reads slowly, under Redis's default Pub/Sub output-buffer limits ({@code client-output-buffer-limit
 * pubsub 32mb 8mb 60}), while the packaged plugin drains a 200,000-event backlog: paced below the gateway's read
 * speed ({@code notification.max.rate}) it keeps up and stays connected; unpaced, Redis disconnects it once its
 * output buffer passes 32 MB.
 *
 * <p>The gateway takes at most {@value #READS_PER_SECOND} messages a second off its connection. The notifications
 * carry a dozen fields of the event (about 340 bytes of JSON, about 410 bytes a message on the wire), so the backlog
 * is about 80 MB for the gateway. Redis cuts it once about 90,000 messages wait for it (32 MB in Redis's buffer, a
 * few more MB in the socket buffers), which an unpaced drain reaches before the end of the backlog when it publishes
 * more than about twice the gateway's speed: 10,000/s here, against 12,000 to 48,000/s measured on a busy 2-core
 * machine. That is why the gateway is this slow.
 *
 * <p>Paced at {@value #PACED_RATE}/s, the whole backlog would take about a minute (more where the pacing runs below
 * its rate), too long for this class: the paced test watches the first {@value #OBSERVED} of the 200,000 arrive,
 * with the rest of the backlog still waiting in Kafka. Its buffer stays at a reply block or so the whole time, which
 * is what makes the rest of the drain safe too: the soft limit needs 60 s above 8 MB.
 *
 * <p>Every number is printed on a line starting with {@code slow-subscriber}.
 */
class PackagedSlowSubscriberIT {

    private static final int BACKLOG = 200_000;
    private static final int READS_PER_SECOND = 5_000;
    private static final int PACED_RATE = 4_000;
    /** How much of the paced drain is watched: half the backlog (the whole would take about a minute). */
    private static final int OBSERVED = 100_000;
    private static final String TOPIC = "slow-subscriber-backlog";
    private static final String GATEWAY = "slow-gateway";
    private static final long HARD_LIMIT = 32L << 20;
    private static final long SOFT_LIMIT = 8L << 20;
    private static final String PUBSUB_LIMIT = "pubsub " + HARD_LIMIT + " " + SOFT_LIMIT + " 60";
    /** What Redis 7 logs when it closes a client for its output buffer (any version; the INFO counter is 7.2+). */
    private static final String LIMIT_LOG = "scheduled to be closed ASAP for overcoming of output buffer limits";
    /** A rich notification: what a live feed shows without fetching the event (the default is id,type,source_id). */
    private static final String FIELDS = "id,type,source_type,source_id,created_at,actor_id=value.actor.id,"
            + "actor=value.actor.login,avatar_url=value.actor.avatar_url,ref=value.payload.ref,"
            + "head=value.payload.head,message=value.payload.message,public";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static EmbeddedConnectCluster connect;
    /** The ids of the backlog's events, in the order produced (one partition: the order they are published in). */
    private static List<String> backlogIds;

    @BeforeAll
    static void startWorkerAndProduceTheBacklog() throws InterruptedException, ExecutionException {
        long start = System.currentTimeMillis();
        // The events are made while the worker starts: both take seconds.
        CompletableFuture<List<SampleEvents.Event>> events =
                CompletableFuture.supplyAsync(() -> SampleEvents.generate("backlog", BACKLOG, 10));
        connect = ConnectClusters.startWithPackagedPlugin("packaged-slow-subscriber", 1, Map.of());
        connect.kafka().createTopic(TOPIC, 1);
        long workerMs = System.currentTimeMillis() - start;
        List<String[]> keyValues = events.get().stream().map(e -> new String[] {e.key(), e.json()}).toList();
        backlogIds = events.get().stream().map(SampleEvents.Event::id).toList();
        long produceStart = System.currentTimeMillis();
        ConnectClusters.produceBacklog(connect, TOPIC, keyValues);
        System.out.printf(Locale.ROOT, "slow-subscriber backlog: events=%d worker_start_ms=%d produce_ms=%d%n", BACKLOG,
                workerMs, System.currentTimeMillis() - produceStart);
    }

    @AfterAll
    static void stopWorker() {
        if (connect != null) {
            connect.stop();
        }
    }

    @Test
    void pacedBelowItsReadSpeedTheSlowSubscriberKeepsUpWithTheDrainAndStaysConnected() throws InterruptedException {
        String name = "slow-subscriber-paced";
        try (Rig rig = Rig.open(name, PACED_RATE)) {
            RedisProcess redis = rig.redis();
            Subscriber gateway = rig.gateway();
            OutputBufferWatch watch = rig.watch();
            Sample first = watch.await(s -> s.publishes() > 0, TIMEOUT, "the first PUBLISH");
            Await.until("the gateway has " + OBSERVED + " notifications, or is gone", TIMEOUT,
                    () -> gateway.count() >= OBSERVED || !gateway.listening());
            List<Sample> samples = watch.samples();
            Sample last = samples.get(samples.size() - 1);
            List<Subscriber.Message> received = gateway.received();
            long observedMs = received.size() < OBSERVED ? -1
                    : received.get(OBSERVED - 1).receivedAtMillis() - first.atMillis();
            boolean alwaysConnected = samples.stream().allMatch(Sample::connected);
            long deferred = (long) TaskMetricsJmx.read(TaskMetricsJmx.plugin(name, 0), "records-deferred-total");
            System.out.printf(Locale.ROOT, "slow-subscriber paced: max_rate=%d/s reads_at_most=%d/s backlog=%d "
                            + "observed=%d received=%d in_order=%b connected_at_end=%b always_in_client_list=%b "
                            + "observed_ms=%d effective_rate=%d/s published=%d still_in_backlog=%d peak_omem_bytes=%d "
                            + "disconnections=%s log_disconnects=%d records_deferred=%d %s%n",
                    PACED_RATE, READS_PER_SECOND, BACKLOG, OBSERVED, received.size(), backlogInOrder(received),
                    gateway.listening(), alwaysConnected, observedMs, OBSERVED * 1000L / Math.max(1, observedMs),
                    last.publishes(), BACKLOG - last.publishes(), watch.peakOmem(), counter(last),
                    redis.logLines(LIMIT_LOG).size(), deferred, sizes(received));

            assertTrue(gateway.listening(), "the gateway's connection stayed open");
            assertTrue(alwaysConnected, "the gateway was in CLIENT LIST in every sample");
            assertEquals(List.of(), redis.logLines(LIMIT_LOG), "Redis closed no client for its output buffer");
            if (last.disconnections() >= 0) {
                assertEquals(0, last.disconnections(), "client_output_buffer_limit_disconnections");
            }
            assertTrue(received.size() >= OBSERVED, "the gateway got " + received.size());
            assertTrue(backlogInOrder(received), "the gateway got the backlog's first " + received.size()
                    + " events, each once, in order");
            // Still draining: the connector was held to the rate, not out of records.
            assertTrue(last.publishes() < BACKLOG, "published " + last.publishes() + " of " + BACKLOG);
            // Below its read speed the gateway keeps up: its buffer stays clear of even the soft limit (which
            // disconnects after 60 s above 8 MB), so the rest of the drain, however long, goes the same way.
            assertTrue(watch.peakOmem() < SOFT_LIMIT, "peak omem " + watch.peakOmem() + " < soft limit " + SOFT_LIMIT);
            // Paced: at most ~1.02x the rate in any second, so 100,000 at 4,000/s take over 24 s (a tenth less is
            // allowed for the sampling).
            assertTrue(observedMs >= OBSERVED * 900L / PACED_RATE, "the first " + OBSERVED + " took " + observedMs + " ms");
        }
    }

    @Test
    void unpacedTheSameSubscriberIsDisconnectedByRedisWhenItsOutputBufferPassesTheHardLimit() throws InterruptedException {
        String name = "slow-subscriber-unpaced";
        try (Rig rig = Rig.open(name, 0)) {
            RedisProcess redis = rig.redis();
            Subscriber gateway = rig.gateway();
            OutputBufferWatch watch = rig.watch();
            Sample first = watch.await(s -> s.publishes() > 0, TIMEOUT, "the first PUBLISH");
            Sample cut = watch.await(s -> !s.connected(), TIMEOUT, GATEWAY + " gone from CLIENT LIST");
            RuntimeException end = gateway.awaitEnd(TIMEOUT);
            int receivedBeforeCut = gateway.count();
            Sample drained = watch.await(s -> s.publishes() >= BACKLOG, TIMEOUT, "the whole backlog published");
            List<Subscriber.Message> received = gateway.received();
            Sample last = watch.samples().get(watch.samples().size() - 1);
            List<String> logged = redis.logLines(LIMIT_LOG);
            System.out.printf(Locale.ROOT, "slow-subscriber unpaced: max_rate=0 reads_at_most=%d/s backlog=%d "
                            + "received_before_cut=%d published_at_cut=%d cut_after_ms=%d gateway_saw_close_after_ms=%d "
                            + "drain_ms=%d drain_rate=%d/s peak_omem_bytes=%d disconnections=%s log_disconnects=%d "
                            + "gateway_error=%s %s%n",
                    READS_PER_SECOND, BACKLOG, receivedBeforeCut, cut.publishes(), cut.atMillis() - first.atMillis(),
                    gateway.endedAtMillis() - first.atMillis(), drained.atMillis() - first.atMillis(),
                    BACKLOG * 1000L / Math.max(1, drained.atMillis() - first.atMillis()),
                    watch.peakOmem(), counter(last), logged.size(),
                    end == null ? "none" : end.getClass().getSimpleName(), sizes(received));

            assertInstanceOf(JedisConnectionException.class, end, "the gateway's connection was closed under it");
            assertTrue(receivedBeforeCut < BACKLOG, "the gateway lost the rest: got " + receivedBeforeCut);
            assertEquals(1, logged.size(), "Redis logged one client closed for its output buffer: " + logged);
            // By id: Valkey's log redacts client names.
            assertTrue(logged.get(0).contains("id=" + watch.clientId() + " "), "the closed client is the gateway (id "
                    + watch.clientId() + "): " + logged);
            if (last.disconnections() >= 0) {
                assertEquals(1, last.disconnections(), "client_output_buffer_limit_disconnections");
            }
            // What was seen of the buffer on the way up: past the soft limit (the hard one closes it at once).
            assertTrue(watch.peakOmem() > SOFT_LIMIT, "peak omem " + watch.peakOmem() + " > soft limit " + SOFT_LIMIT);
        }
    }

    /**
     * A fresh redis-server whose Pub/Sub output-buffer limit is set to Redis's default whatever the build's is, the
     * slow gateway subscribed to {@code events:*} on it, the watch of its output buffer, and the connector draining
     * the backlog into it (deleted again by {@link #close()}).
     */
    private record Rig(String name, RedisProcess redis, Subscriber gateway, OutputBufferWatch watch) implements AutoCloseable {

        /** Opens the rig, then starts the connector {@code name} with {@code notification.max.rate=maxRate}. */
        static Rig open(String name, int maxRate) throws InterruptedException {
            RedisProcess redis = RedisProcess.startLocal();
            Subscriber gateway = null;
            OutputBufferWatch watch = null;
            try {
                try (Jedis admin = redis.client()) {
                    admin.configSet("client-output-buffer-limit", PUBSUB_LIMIT);
                    String limits = admin.configGet("client-output-buffer-limit").get("client-output-buffer-limit");
                    assertTrue(limits.contains(PUBSUB_LIMIT), "client-output-buffer-limit is " + limits);
                }
                gateway = Subscriber.psubscribeReadingAtMost(redis, "events:*", GATEWAY, READS_PER_SECOND);
                watch = new OutputBufferWatch(redis, GATEWAY);
                watch.await(Sample::connected, TIMEOUT, GATEWAY + " in CLIENT LIST");
                startSink(name, redis, maxRate);
                return new Rig(name, redis, gateway, watch);
            } catch (RuntimeException | AssertionError | InterruptedException e) {
                new Rig(name, redis, gateway, watch).close();
                throw e;
            }
        }

        /** Deletes the connector, then closes what is open. */
        @Override
        public void close() {
            if (connect.connectors().contains(name)) {
                connect.deleteConnector(name);
            }
            if (watch != null) {
                watch.close();
            }
            if (gateway != null) {
                gateway.close();
            }
            redis.close();
        }
    }

    private static void startSink(String name, RedisProcess redis, int maxRate) throws InterruptedException {
        Map<String, String> config = ConnectClusters.sinkConfig(TOPIC, redis);
        // JSON text, as the quickstart's sink reads it: the connector's fastest path, so the unpaced drain is fast
        // even on a busy machine.
        config.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("notification.fields", FIELDS);
        config.put("notification.max.rate", Integer.toString(maxRate));
        connect.configureConnector(name, config);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, name + " not running");
    }

    /** Whether {@code received} is the backlog's first events, each once, in order. */
    private static boolean backlogInOrder(List<Subscriber.Message> received) {
        if (received.size() > backlogIds.size()) {
            return false;
        }
        for (int i = 0; i < received.size(); i++) {
            if (!backlogIds.get(i).equals(idOf(received.get(i).payload()))) {
                return false;
            }
        }
        return true;
    }

    private static String idOf(String payload) {
        String prefix = "{\"id\":\"";
        return payload.startsWith(prefix) ? payload.substring(prefix.length(), payload.indexOf('"', prefix.length()))
                : payload;
    }

    private static String counter(Sample sample) {
        return sample.disconnections() < 0 ? "n/a" : Long.toString(sample.disconnections());
    }

    /** The average notification, as JSON and as Redis sends it to a pattern subscriber (a RESP pmessage). */
    private static String sizes(List<Subscriber.Message> received) {
        long payload = 0;
        long wire = 0;
        for (Subscriber.Message m : received) {
            int p = m.payload().getBytes(StandardCharsets.UTF_8).length;
            int c = m.channel().getBytes(StandardCharsets.UTF_8).length;
            payload += p;
            wire += "*4\r\n$8\r\npmessage\r\n$8\r\nevents:*\r\n".length() + bulk(c) + bulk(p);
        }
        long n = Math.max(1, received.size());
        return String.format(Locale.ROOT, "avg_payload_bytes=%d avg_message_bytes=%d backlog_bytes=%d",
                payload / n, wire / n, wire / n * BACKLOG);
    }

    private static int bulk(int length) {
        return 1 + Integer.toString(length).length() + 2 + length + 2;
    }
}
