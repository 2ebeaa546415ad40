package io.dualstream.connect.redis;

import io.dualstream.connect.redis.publish.RedisHealth;
import io.dualstream.connect.redis.publish.RedisProbe;
import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.LogCapture;
import io.dualstream.connect.redis.testing.RedisFixture;
import io.dualstream.connect.redis.testing.RedisProcess;
import io.dualstream.connect.redis.testing.Subscriber;
import io.dualstream.connect.redis.testing.TestCertificates;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rediss:// with a CA given as a PEM file or a trust store, mutual TLS, host name verification and ACL users,
 * against a real redis-server with a TLS port and certificates made for the test. validate() names the setting
 * to fix for each mistake; passwords never show.
 */
class SecurityIT {

    private static final String PASSWORD = "s3cret-Pa55word";
    private static final String WRONG_PASSWORD = "wrong-Pa55word-xyz";

    @TempDir
    static Path dir;
    private static TestCertificates certs;
    private static TestCertificates otherCa;
    private static Path clientKeystore;
    private static int tlsPort;
    private static int mtlsPort;
    private static RedisFixture redis;
    private static RedisFixture mutualTlsRedis;

    @BeforeAll
    static void startTlsRedis() throws IOException {
        certs = TestCertificates.createCa(Files.createDirectories(dir.resolve("ca")));
        otherCa = TestCertificates.createCa(Files.createDirectories(dir.resolve("other-ca")));
        Path[] server = certs.serverCertificate("redis", "IP:127.0.0.1");
        clientKeystore = certs.clientKeystore("sink-client");
        tlsPort = RedisProcess.freePort();
        redis = certs.tlsRedis(server, tlsPort, false);
        mtlsPort = RedisProcess.freePort();
        mutualTlsRedis = certs.tlsRedis(server, mtlsPort, true);
        for (RedisFixture r : List.of(redis, mutualTlsRedis)) {
            try (var admin = r.client()) {
                admin.aclSetUser("sink", "on", ">" + PASSWORD, "+@connection", "+ping", "+publish", "+multi", "+discard", "&*");
                admin.aclSetUser("reader", "on", ">" + PASSWORD, "+@connection", "+ping", "+subscribe", "+multi", "+discard", "&*");
                admin.aclSetUser("narrow", "on", ">" + PASSWORD, "+@connection", "+ping", "+publish", "+multi", "+discard",
                        "&events:*");
            }
        }
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
        mutualTlsRedis.close();
    }

    /** A valid TLS configuration for the ACL user 'sink', trusting the test CA given as PEM, with no type set. */
    private static Map<String, String> config(int port) {
        return ConnectClusters.sinkConfig("events", Map.of(
                "name", "secure",
                "redis.uri", "rediss://127.0.0.1:" + port,
                "redis.username", "sink",
                "redis.password", PASSWORD,
                "redis.timeout.ms", "3000",
                "redis.ssl.truststore.location", certs.caCertificate().toString()));
    }

    private static Map<String, List<String>> errors(Map<String, String> props) {
        return new RedisPubSubSinkConnector().validate(props).configValues().stream()
                .filter(v -> !v.errorMessages().isEmpty())
                .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    private static String allText(Map<String, List<String>> errors) {
        return errors.toString();
    }

    @Test
    void aCorrectTlsAndAclSetupValidatesAndPublishes() {
        assertEquals(Map.of(), errors(config(tlsPort)));
        assertPublishesOneRecord(config(tlsPort), redis);
    }

    /** A task started with {@code props} publishes one record, which a subscriber on {@code server} receives. */
    private static void assertPublishesOneRecord(Map<String, String> props, RedisFixture server) {
        RedisPubSubSinkTask task = new RedisPubSubSinkTask();
        try (Subscriber subscriber = Subscriber.psubscribe(server, "events:*")) {
            task.start(props);
            task.put(List.of(new SinkRecord("events", 0, null, null, null,
                    Map.of("id", "e1", "type", "push", "source_type", "repo", "source_id", "acme/app"), 0)));
            assertEquals("events:repo:acme/app", subscriber.awaitCount(1, Duration.ofSeconds(10)).get(0).channel());
        } finally {
            task.stop();
        }
        assertEquals(1, task.health().published());
    }

    @Test
    void aPkcs12TruststoreWorksLikeThePemFile() {
        Map<String, String> props = config(tlsPort);
        props.put("redis.ssl.truststore.location", certs.truststore().toString());
        props.put("redis.ssl.truststore.type", "PKCS12");
        props.put("redis.ssl.truststore.password", TestCertificates.TRUSTSTORE_PASSWORD);
        assertEquals(Map.of(), errors(props));
    }

    @Test
    void aServerCertificateFromAnotherCaIsReportedAsNotTrustedOnTheTruststoreSetting() {
        Map<String, String> props = config(tlsPort);
        props.put("redis.ssl.truststore.location", otherCa.caCertificate().toString());

        Map<String, List<String>> errors = errors(props);

        assertEquals(List.of("redis.ssl.truststore.location"), List.copyOf(errors.keySet()), allText(errors));
        assertTrue(errors.get("redis.ssl.truststore.location").get(0).contains("is not trusted"), allText(errors));
    }

    @Test
    void aWrongPasswordIsReportedOnThePasswordSettingWithoutShowingIt() {
        Map<String, String> props = config(tlsPort);
        props.put("redis.password", WRONG_PASSWORD);

        Map<String, List<String>> errors = errors(props);

        assertEquals(List.of("redis.password"), List.copyOf(errors.keySet()), allText(errors));
        assertTrue(errors.get("redis.password").get(0).contains("WRONGPASS"), allText(errors));
        assertFalse(allText(errors).contains(WRONG_PASSWORD));
    }

    @Test
    void eachChannelTemplateIsCheckedAgainstTheUsersChannelPatterns() {
        Map<String, String> props = config(tlsPort);
        props.put("redis.username", "narrow");
        props.put("channel.template", "events:{source_type}:{source_id},events:all");
        assertEquals(Map.of(), errors(props), "&events:* covers both channels");

        props.put("channel.template", "events:{source_type}:{source_id},all:{source_type}");
        Map<String, List<String>> errors = errors(props);
        assertEquals(List.of("redis.username"), List.copyOf(errors.keySet()), allText(errors));
        String message = errors.get("redis.username").get(0);
        assertTrue(message.contains("on channels such as 'all:probe'") && message.contains("&all:*"), message);
    }

    @Test
    void aUserWithoutPublishIsReportedOnTheUserSettingAndNothingIsPublished() {
        Map<String, String> props = config(tlsPort);
        props.put("redis.username", "reader");

        Map<String, List<String>> errors;
        try (Subscriber subscriber = Subscriber.psubscribe(redis, "*")) {
            errors = errors(props);
            // A probe that really published would reach this subscriber; MULTI/DISCARD publishes nothing.
            assertEquals(0, subscriber.await(list -> !list.isEmpty(), Duration.ofMillis(500), "no message", false).size());
        }

        assertEquals(List.of("redis.username"), List.copyOf(errors.keySet()), allText(errors));
        String message = errors.get("redis.username").get(0);
        assertTrue(message.contains("NOPERM") && message.contains("ACL SETUSER reader +publish"), message);
        assertFalse(message.contains(PASSWORD));
    }

    @Test
    void aCertificateForAnotherNameIsReportedOnHostNameVerificationWhichCanBeTurnedOff() {
        // localhost reaches the same server, but the certificate names only 127.0.0.1.
        Map<String, String> props = config(tlsPort);
        props.put("redis.uri", "rediss://localhost:" + tlsPort);
        Map<String, List<String>> errors = errors(props);
        assertEquals(List.of("redis.ssl.verify.hostname"), List.copyOf(errors.keySet()), allText(errors));

        props.put("redis.ssl.verify.hostname", "false");
        assertEquals(Map.of(), errors(props));
        RedisPubSubSinkTask task = new RedisPubSubSinkTask();
        try (LogCapture log = LogCapture.of(RedisPubSubSinkTask.class)) {
            task.start(props);
            assertTrue(log.lines().stream().anyMatch(l -> l.level() == org.apache.logging.log4j.Level.WARN
                    && l.message().contains("redis.ssl.verify.hostname=false")), log.lines().toString());
        } finally {
            task.stop();
        }
    }

    @Test
    void mutualTlsNeedsTheClientKeystore() {
        Map<String, String> withoutCertificate = config(mtlsPort);
        Map<String, List<String>> errors = errors(withoutCertificate);
        assertEquals(List.of("redis.uri"), List.copyOf(errors.keySet()), allText(errors));
        assertTrue(errors.get("redis.uri").get(0).contains("redis.ssl.keystore.location"), allText(errors));

        Map<String, String> withCertificate = config(mtlsPort);
        withCertificate.put("redis.ssl.keystore.location", clientKeystore.toString());
        withCertificate.put("redis.ssl.keystore.password", TestCertificates.TRUSTSTORE_PASSWORD);
        assertEquals(Map.of(), errors(withCertificate));
    }

    @Test
    void mutualTlsTakesTheKeyAndCertificateFromOnePemFilePlainOrEncrypted() {
        Map<String, String> plain = config(mtlsPort);
        plain.put("redis.ssl.keystore.location", certs.clientPem("pem-client", null).toString());
        plain.put("redis.ssl.keystore.type", "PEM");
        assertEquals(Map.of(), errors(plain));

        Map<String, String> encrypted = config(mtlsPort);
        encrypted.put("redis.ssl.keystore.location", certs.clientPem("pem-client", PASSWORD).toString());
        encrypted.put("redis.ssl.keystore.type", "PEM");
        encrypted.put("redis.ssl.keystore.password", PASSWORD);
        assertEquals(Map.of(), errors(encrypted));

        assertPublishesOneRecord(encrypted, mutualTlsRedis);
    }

    @Test
    void anUnreachableRedisIsLoggedButNotAnErrorSoTheConnectorCanBeCreatedWhileRedisIsDown() throws IOException {
        Map<String, String> props = config(RedisProcess.freePort());
        try (LogCapture log = LogCapture.of(RedisProbe.class)) {
            assertEquals(Map.of(), errors(props));
            assertTrue(log.lines().stream().anyMatch(l -> l.message().contains("Could not reach Redis")), log.lines().toString());
        }
    }

    @Test
    void atRunTimeAWrongPasswordGivesOneClearLogLineWithoutThePassword() {
        Map<String, String> props = config(tlsPort);
        props.put("redis.password", WRONG_PASSWORD);
        RedisPubSubSinkTask task = new RedisPubSubSinkTask();
        try (LogCapture log = LogCapture.of(RedisHealth.class)) {
            task.start(props);
            task.put(List.of(new SinkRecord("events", 0, null, null, null,
                    Map.of("id", "e1", "type", "push", "source_type", "repo", "source_id", "acme/app"), 0)));
            assertEquals(1, task.health().failures());
            List<LogCapture.Line> lines = log.lines();
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).message().contains("WRONGPASS"), lines.toString());
            assertFalse(lines.get(0).message().contains(WRONG_PASSWORD));
        } finally {
            task.stop();
        }
    }
}
