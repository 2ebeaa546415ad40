package io.dualstream.connect.redis.security;

import io.dualstream.connect.redis.config.InvalidSettingException;
import io.dualstream.connect.redis.config.TlsSettings;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static io.dualstream.connect.redis.config.RedisPubSubSinkConfig.SSL_KEYSTORE_LOCATION_CONFIG;
import static io.dualstream.connect.redis.config.RedisPubSubSinkConfig.SSL_KEYSTORE_PASSWORD_CONFIG;
import static io.dualstream.connect.redis.config.RedisPubSubSinkConfig.SSL_KEYSTORE_TYPE_CONFIG;
import static io.dualstream.connect.redis.config.RedisPubSubSinkConfig.SSL_TRUSTSTORE_LOCATION_CONFIG;
import static io.dualstream.connect.redis.config.RedisPubSubSinkConfig.SSL_TRUSTSTORE_TYPE_CONFIG;

/**
 * Turns the configured trust and key files into Jedis' {@link SslOptions} for {@code rediss://}.
 *
 * <p>Jedis 8's supported TLS API takes key stores, not trust or key managers: it loads them from a
 * {@link SslOptions.Resource} with the JDK's default manager factories on each connection. So every file is read
 * and checked here, once, at start (PEM is turned into an in-memory PKCS12 store), and Jedis is handed those
 * bytes: what it loads on a reconnect is exactly what was checked, and a broken file is a clear error at start, on
 * the setting to fix, never a failed reconnect later. {@link #sslOptions} also builds one SSL context right away,
 * the same way Jedis will, for the same reason.
 */
public final class TlsContexts {

    /** The type of the in-memory stores made from PEM files. */
    private static final String MEMORY_STORE_TYPE = "PKCS12";

    /** What a trust or key store file holds, judged from its first bytes. */
    private enum Format {
        PEM("PEM text (-----BEGIN ...----- blocks)"),
        PKCS12("a PKCS12 key store"),
        JKS("a JKS key store"),
        UNKNOWN("neither PEM text nor a PKCS12 or JKS key store");

        private final String description;

        Format(String description) {
            this.description = description;
        }

        static Format of(byte[] content) {
            if (content.length >= 4 && (content[0] & 0xff) == 0xfe && (content[1] & 0xff) == 0xed
                    && (content[2] & 0xff) == 0xfe && (content[3] & 0xff) == 0xed) {
                return JKS;
            }
            if (content.length > 0 && content[0] == 0x30) {
                return PKCS12; // a DER SEQUENCE: what PKCS12 files start with
            }
            return PemFile.looksLikePem(content) ? PEM : UNKNOWN;
        }
    }

    /** The bytes Jedis loads on each connection, with their type and password. */
    private record Store(byte[] content, String type, char[] password) {
        InputStream open() {
            return new ByteArrayInputStream(content);
        }
    }

    private TlsContexts() {
    }

    /**
     * @throws InvalidSettingException naming the setting to fix when a file cannot be used (never echoing a password)
     */
    public static SslOptions sslOptions(TlsSettings tls) {
        // FULL checks the chain and the host name (HTTPS endpoint identification); CA the chain only.
        SslOptions.Builder builder = SslOptions.builder()
                .sslVerifyMode(tls.verifyHostname() ? SslVerifyMode.FULL : SslVerifyMode.CA);
        // No trust store: Jedis leaves the trust managers to the JVM's default trust store.
        if (tls.truststore() != null) {
            Store trust = trustStore(tls);
            builder.truststore(trust::open, trust.password()).trustStoreType(trust.type());
        }
        if (tls.keystore() != null) {
            Store keys = keyStore(tls);
            builder.keystore(keys::open, keys.password()).keyStoreType(keys.type());
        }
        SslOptions options = builder.build();
        try {
            options.createSslContext();
        } catch (IOException | GeneralSecurityException e) {
            throw new InvalidSettingException(tls.keystore() != null ? SSL_KEYSTORE_LOCATION_CONFIG : SSL_TRUSTSTORE_LOCATION_CONFIG,
                    "cannot set up TLS (" + e.getMessage() + "); check the file, its type and its password");
        }
        return options;
    }

    private static Store trustStore(TlsSettings tls) {
        return store(tls.truststore(), tls.truststoreType(), tls.truststorePassword(), SSL_TRUSTSTORE_LOCATION_CONFIG,
                SSL_TRUSTSTORE_TYPE_CONFIG, TlsContexts::pemTrustStore);
    }

    private static Store keyStore(TlsSettings tls) {
        return store(tls.keystore(), tls.keystoreType(), tls.keystorePassword(), SSL_KEYSTORE_LOCATION_CONFIG,
                SSL_KEYSTORE_TYPE_CONFIG, TlsContexts::pemKeyStore);
    }

    /** How PEM content becomes a store: the file (for messages), its bytes and the configured password. */
    private interface FromPem {
        Store convert(Path file, byte[] content, char[] password);
    }

    /** A PKCS12 or JKS file as it is (checked by loading it once), or PEM content converted. */
    private static Store store(Path file, String declaredType, char[] password, String locationKey, String typeKey,
                               FromPem fromPem) {
        byte[] content = read(file, locationKey);
        Format format = format(file, content, declaredType, locationKey, typeKey);
        if (format == Format.PEM) {
            return fromPem.convert(file, content, password);
        }
        try {
            KeyStore.getInstance(format.name()).load(new ByteArrayInputStream(content), password);
            return new Store(content, format.name(), password);
        } catch (IOException | GeneralSecurityException e) {
            // A wrong password shows up here too ("keystore password was incorrect").
            String seen = Format.of(content) == Format.UNKNOWN ? "; it is " + Format.UNKNOWN.description
                    : isDerCertificate(content) ? "; it is one certificate in binary (DER) form, convert it to PEM: "
                    + "openssl x509 -inform der -in " + file.getFileName() + " -out ca.pem" : "";
            throw new InvalidSettingException(locationKey, file + " cannot be loaded as " + format.name() + ": "
                    + e.getMessage() + seen + "; check the file, its type and its password");
        }
    }

    /** CA certificates from PEM; the trust store password does not apply. */
    private static Store pemTrustStore(Path file, byte[] content, char[] unused) {
        try {
            List<Certificate> certificates = PemFile.parse(content).certificates();
            if (certificates.isEmpty()) {
                throw new InvalidSettingException(SSL_TRUSTSTORE_LOCATION_CONFIG, file
                        + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
            }
            KeyStore store = emptyStore();
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("ca-" + i, certificates.get(i));
            }
            return inMemory(store, memoryPassword());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidSettingException(SSL_TRUSTSTORE_LOCATION_CONFIG, file + " cannot be read as PEM certificates: "
                    + e.getMessage());
        }
    }

    /** A PKCS#8 private key (decrypted with {@code password} when encrypted) and its certificate chain from PEM. */
    private static Store pemKeyStore(Path file, byte[] content, char[] password) {
        PemFile pem;
        try {
            pem = PemFile.parse(content);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(SSL_KEYSTORE_LOCATION_CONFIG, file + " cannot be read as PEM: " + e.getMessage());
        }
        if (pem.hasEncryptedKey() && password == null) {
            throw new InvalidSettingException(SSL_KEYSTORE_PASSWORD_CONFIG, "the private key in " + file
                    + " is encrypted (ENCRYPTED PRIVATE KEY); set its password here");
        }
        PrivateKey key;
        List<Certificate> chain;
        try {
            key = pem.privateKey(password);
            chain = pem.certificates();
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(SSL_KEYSTORE_LOCATION_CONFIG, file + " " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new InvalidSettingException(password != null ? SSL_KEYSTORE_PASSWORD_CONFIG : SSL_KEYSTORE_LOCATION_CONFIG,
                    "the private key in " + file + " cannot be read (" + e.getMessage() + "); for an ENCRYPTED PRIVATE "
                    + "KEY check redis.ssl.keystore.password");
        }
        if (chain.isEmpty()) {
            throw new InvalidSettingException(SSL_KEYSTORE_LOCATION_CONFIG, file + " holds a private key but no certificate; "
                    + "put the client certificate (and its chain) after the key: cat client.key client.crt > client.pem");
        }
        try {
            KeyStore store = emptyStore();
            char[] memory = memoryPassword();
            store.setKeyEntry("client", key, memory, chain.toArray(Certificate[]::new));
            return inMemory(store, memory);
        } catch (GeneralSecurityException e) {
            throw new InvalidSettingException(SSL_KEYSTORE_LOCATION_CONFIG, file + " cannot be used as a client certificate: "
                    + e.getMessage());
        }
    }

    /**
     * The format to read {@code file} in: the declared type, or when none is set, what the content shows. A declared
     * type that the content contradicts is an error that names the type setting.
     */
    private static Format format(Path file, byte[] content, String declaredType, String locationKey, String typeKey) {
        Format seen = Format.of(content);
        if (declaredType == null) {
            return seen == Format.UNKNOWN ? Format.PKCS12 : seen;
        }
        Format declared = Format.valueOf(declaredType.toUpperCase(Locale.ROOT));
        if (declared == Format.PEM && seen == Format.UNKNOWN) {
            throw new InvalidSettingException(locationKey, file + " is " + seen.description + " (no -----BEGIN line); "
                    + "check that it is the right file");
        }
        if ((declared == Format.PEM) != (seen == Format.PEM)) {
            throw new InvalidSettingException(typeKey, file + " looks like " + seen.description + ", not "
                    + declared.description + "; set " + typeKey + "=" + seen.name()
                    + (seen == Format.PEM ? " or leave it unset" : ""));
        }
        return declared;
    }

    private static boolean isDerCertificate(byte[] content) {
        try {
            CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(content));
            return true;
        } catch (CertificateException notOne) {
            return false;
        }
    }

    private static byte[] read(Path file, String key) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidSettingException(key, file + " cannot be read: " + e.getMessage());
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(MEMORY_STORE_TYPE);
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        return store;
    }

    /** A password for a store that never leaves this process's memory. */
    private static char[] memoryPassword() {
        return UUID.randomUUID().toString().toCharArray();
    }

    private static Store inMemory(KeyStore store, char[] password) throws GeneralSecurityException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            store.store(out, password);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        return new Store(out.toByteArray(), MEMORY_STORE_TYPE, password);
    }
}
