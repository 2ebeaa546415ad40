package io.dualstream.connect.redis.security;

import io.dualstream.connect.redis.testing.Props;
import io.dualstream.connect.redis.config.InvalidSettingException;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import io.dualstream.connect.redis.testing.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which TLS files the connector reads, as what, and what it says about the ones it cannot: PEM or key stores,
 * whatever the type settings' defaults, with a message naming the setting to change. Nothing here dials Redis
 * (a real handshake with these files is in SecurityIT and OlderWorkersIT).
 */
class TlsContextsTest {

    private static final String KEY_PASSWORD = "key-Pa55word";

    @TempDir
    static Path dir;
    private static TestCertificates certs;
    private static Path clientPem;
    private static Path encryptedClientPem;

    @BeforeAll
    static void makeCertificates() {
        certs = TestCertificates.createCa(dir);
        clientPem = certs.clientPem("plain-client", null);
        encryptedClientPem = certs.clientPem("encrypted-client", KEY_PASSWORD);
    }

    private static SslOptions sslOptions(String... keyValues) {
        Map<String, String> props = Props.of(keyValues);
        props.put("redis.uri", "rediss://redis.invalid:6380");
        return TlsContexts.sslOptions(new RedisPubSubSinkConfig(props).tls());
    }

    private static InvalidSettingException refused(String... keyValues) {
        return assertThrows(InvalidSettingException.class, () -> sslOptions(keyValues));
    }

    @Test
    void aPemCaFileIsReadAsPemWhenNoTypeIsSet() throws Exception {
        SslOptions options = sslOptions("redis.ssl.truststore.location", certs.caCertificate().toString());
        assertNotNull(options.createSslContext());
        assertEquals(SslVerifyMode.FULL, options.getSslVerifyMode());
    }

    @Test
    void aPkcs12TrustStoreIsReadWhenNoTypeIsSet() {
        assertNotNull(sslOptions("redis.ssl.truststore.location", certs.truststore().toString(),
                "redis.ssl.truststore.password", TestCertificates.TRUSTSTORE_PASSWORD));
    }

    @Test
    void aPemFileDeclaredAsPkcs12IsReportedOnTheTypeSettingWithTheFix() {
        InvalidSettingException e = refused("redis.ssl.truststore.location", certs.caCertificate().toString(),
                "redis.ssl.truststore.type", "PKCS12");
        assertEquals("redis.ssl.truststore.type", e.key());
        assertTrue(e.getMessage().contains("looks like PEM text"), e.getMessage());
        assertTrue(e.getMessage().contains("set redis.ssl.truststore.type=PEM or leave it unset"), e.getMessage());
    }

    @Test
    void aKeyStoreDeclaredAsPemIsReportedOnTheTypeSettingWithTheFix() {
        InvalidSettingException e = refused("redis.ssl.truststore.location", certs.truststore().toString(),
                "redis.ssl.truststore.type", "PEM");
        assertEquals("redis.ssl.truststore.type", e.key());
        assertTrue(e.getMessage().contains("looks like a PKCS12 key store, not PEM text"), e.getMessage());
        assertTrue(e.getMessage().contains("set redis.ssl.truststore.type=PKCS12"), e.getMessage());
    }

    @Test
    void aFileThatIsNeitherSaysSoOnItsLocation() throws Exception {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "not a certificate");
        InvalidSettingException e = refused("redis.ssl.truststore.location", notes.toString(),
                "redis.ssl.truststore.password", "store-secret");
        assertEquals("redis.ssl.truststore.location", e.key());
        assertTrue(e.getMessage().contains("neither PEM text nor a PKCS12 or JKS key store"), e.getMessage());
        assertFalse(e.getMessage().contains("store-secret"), e.getMessage());
    }

    @Test
    void aBinaryCertificateGetsTheCommandThatTurnsItIntoPem() {
        Path der = certs.openssl("ca.der", "x509", "-in", certs.caCertificate().toString(), "-outform", "der",
                "-out", "ca.der");
        InvalidSettingException e = refused("redis.ssl.truststore.location", der.toString());
        assertEquals("redis.ssl.truststore.location", e.key());
        assertTrue(e.getMessage().contains("openssl x509 -inform der -in ca.der -out ca.pem"), e.getMessage());
    }

    @Test
    void aPemFileWithAKeyAndItsCertificateIsAClientCertificate() throws Exception {
        SslOptions options = sslOptions("redis.ssl.keystore.location", clientPem.toString(),
                "redis.ssl.keystore.type", "PEM");
        assertNotNull(options.createSslContext());
        // And without the type: the content shows it is PEM.
        assertNotNull(sslOptions("redis.ssl.keystore.location", clientPem.toString()));
    }

    @Test
    void anEncryptedKeyIsDecryptedWithTheKeyStorePassword() {
        assertNotNull(sslOptions("redis.ssl.keystore.location", encryptedClientPem.toString(),
                "redis.ssl.keystore.type", "PEM", "redis.ssl.keystore.password", KEY_PASSWORD));
    }

    @Test
    void anEncryptedKeyWithoutOrWithAWrongPasswordIsReportedOnThePasswordSettingWithoutShowingIt() {
        InvalidSettingException missing = refused("redis.ssl.keystore.location", encryptedClientPem.toString(),
                "redis.ssl.keystore.type", "PEM");
        assertEquals("redis.ssl.keystore.password", missing.key());
        assertTrue(missing.getMessage().contains("is encrypted (ENCRYPTED PRIVATE KEY); set its password here"),
                missing.getMessage());

        InvalidSettingException wrong = refused("redis.ssl.keystore.location", encryptedClientPem.toString(),
                "redis.ssl.keystore.type", "PEM", "redis.ssl.keystore.password", "wrong-Pa55word");
        assertEquals("redis.ssl.keystore.password", wrong.key());
        assertFalse(wrong.getMessage().contains("wrong-Pa55word"), wrong.getMessage());
    }

    @Test
    void anOldStyleRsaKeyIsReportedWithTheCommandThatConvertsIt() throws Exception {
        Path rsa = certs.openssl("traditional.key", "pkey", "-in", dir.resolve("plain-client.key").toString(),
                "-traditional", "-out", "traditional.key");
        Path pem = Files.writeString(dir.resolve("traditional.pem"),
                Files.readString(rsa) + Files.readString(dir.resolve("plain-client.crt")));
        InvalidSettingException e = refused("redis.ssl.keystore.location", pem.toString(), "redis.ssl.keystore.type", "PEM");
        assertEquals("redis.ssl.keystore.location", e.key());
        assertTrue(e.getMessage().contains("RSA PRIVATE KEY (not PKCS#8)"), e.getMessage());
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8"), e.getMessage());
    }

    @Test
    void aKeyWithoutItsCertificateSaysHowToJoinThem() {
        InvalidSettingException e = refused("redis.ssl.keystore.location", dir.resolve("plain-client.key").toString(),
                "redis.ssl.keystore.type", "PEM");
        assertEquals("redis.ssl.keystore.location", e.key());
        assertTrue(e.getMessage().contains("cat client.key client.crt > client.pem"), e.getMessage());
    }

    @Test
    void turningHostNameVerificationOffStillChecksTheChain() {
        SslOptions options = sslOptions("redis.ssl.truststore.location", certs.caCertificate().toString(),
                "redis.ssl.verify.hostname", "false");
        assertEquals(SslVerifyMode.CA, options.getSslVerifyMode());
    }
}
