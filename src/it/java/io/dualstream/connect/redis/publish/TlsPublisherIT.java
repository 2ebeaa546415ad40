package io.dualstream.connect.redis.publish;

import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.testing.RedisFixture;
import io.dualstream.connect.redis.testing.RedisProcess;
import io.dualstream.connect.redis.testing.Subscriber;
import io.dualstream.connect.redis.testing.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code rediss://} against a real redis-server with a TLS port: the certificate chain is checked against the
 * JVM's trust store (here a test CA, through {@code javax.net.ssl.trustStore}) and the host name against the
 * certificate.
 */
class TlsPublisherIT {

    private static final List<Notification> BATCH = List.of(new Notification(
            "events:user:octocat".getBytes(StandardCharsets.UTF_8), "{\"id\":\"1\"}".getBytes(StandardCharsets.UTF_8)));
    private static final String[] TRUST_PROPERTIES = {
        "javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword", "javax.net.ssl.trustStoreType"};

    @TempDir
    static Path dir;
    private static TestCertificates certs;
    private static final String[] saved = new String[TRUST_PROPERTIES.length];

    @BeforeAll
    static void trustTheTestCa() {
        certs = TestCertificates.createCa(dir);
        for (int i = 0; i < TRUST_PROPERTIES.length; i++) {
            saved[i] = System.getProperty(TRUST_PROPERTIES[i]);
        }
        System.setProperty("javax.net.ssl.trustStore", certs.truststore().toString());
        System.setProperty("javax.net.ssl.trustStorePassword", TestCertificates.TRUSTSTORE_PASSWORD);
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    }

    @AfterAll
    static void restoreTrust() {
        for (int i = 0; i < TRUST_PROPERTIES.length; i++) {
            if (saved[i] == null) {
                System.clearProperty(TRUST_PROPERTIES[i]);
            } else {
                System.setProperty(TRUST_PROPERTIES[i], saved[i]);
            }
        }
    }

    private static NotificationPublisher publisher(String uri) {
        return RedisTopology.of(new RedisPubSubSinkConfig(Map.of("redis.uri", uri, "redis.timeout.ms", "3000")))
                .publisher("tls-it");
    }

    @Test
    void publishesOverTlsToAServerWithATrustedCertificateForItsName() throws IOException {
        int tlsPort = RedisProcess.freePort();
        try (RedisFixture redis = certs.tlsRedis(certs.serverCertificate("good", "DNS:localhost,IP:127.0.0.1"), tlsPort, false);
             Subscriber subscriber = Subscriber.psubscribe(redis, "events:*");
             NotificationPublisher publisher = publisher("rediss://localhost:" + tlsPort)) {
            assertEquals(1, publisher.send(BATCH).await().subscribersReached());
            assertEquals("{\"id\":\"1\"}", subscriber.awaitCount(1, Duration.ofSeconds(10)).get(0).payload());
        }
    }

    @Test
    @SuppressWarnings("try") // the server is a resource only so that it runs while the publisher tries it
    void refusesACertificateIssuedForAnotherHost() throws IOException {
        int tlsPort = RedisProcess.freePort();
        try (RedisFixture redis = certs.tlsRedis(certs.serverCertificate("other", "DNS:other.example"), tlsPort, false);
             NotificationPublisher publisher = publisher("rediss://localhost:" + tlsPort)) {
            PublishResult result = publisher.send(BATCH).await();
            assertEquals(0, result.delivered());
            assertTrue(result.error() != null, "the handshake failure is the reason");
        }
    }

    @Test
    void refusesTlsToAPlainTextPort() {
        try (RedisFixture redis = RedisFixture.start();
             NotificationPublisher publisher = publisher("rediss://localhost:" + redis.port())) {
            assertFalse(publisher.send(BATCH).await().complete());
        }
    }
}
