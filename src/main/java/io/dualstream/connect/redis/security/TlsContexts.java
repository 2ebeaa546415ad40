package io.dualstream.connect.redis.security;

import io.dualstream.connect.redis.config.TlsSettings;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

import static io.dualstream.connect.redis.config.RedisPubSubSinkConfig.SSL_KEYSTORE_LOCATION_CONFIG;
import static io.dualstream.connect.redis.config.RedisPubSubSinkConfig.SSL_TRUSTSTORE_LOCATION_CONFIG;

/** Builds the SSL context and parameters for {@code rediss://} from the configured trust and key stores. */
public final class TlsContexts {

    private TlsContexts() {
    }

    /**
     * @throws TlsSetupException naming the setting whose file cannot be loaded (never echoing a password)
     */
    public static SSLContext sslContext(TlsSettings tls) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            // A null key store makes the factory use the JVM's default trust store.
            trust.init(tls.truststore() == null ? null : truststore(tls));
            KeyManagerFactory keys = null;
            if (tls.keystore() != null) {
                KeyStore keystore = load(tls.keystore(), tls.keystoreType(), tls.keystorePassword(), SSL_KEYSTORE_LOCATION_CONFIG);
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(keystore, tls.keystorePassword() == null ? new char[0] : tls.keystorePassword());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException(tls.keystore() != null ? SSL_KEYSTORE_LOCATION_CONFIG : SSL_TRUSTSTORE_LOCATION_CONFIG,
                    "cannot set up TLS (" + e.getMessage() + "); check the file, its type and its password");
        }
    }

    /** Host name verification during the handshake, as HTTPS does it, unless turned off. */
    public static SSLParameters sslParameters(TlsSettings tls) {
        SSLParameters parameters = new SSLParameters();
        if (tls.verifyHostname()) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        return parameters;
    }

    private static KeyStore truststore(TlsSettings tls) throws GeneralSecurityException {
        if (!"PEM".equals(tls.truststoreType())) {
            return load(tls.truststore(), tls.truststoreType(), tls.truststorePassword(), SSL_TRUSTSTORE_LOCATION_CONFIG);
        }
        try (InputStream in = Files.newInputStream(tls.truststore())) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new TlsSetupException(SSL_TRUSTSTORE_LOCATION_CONFIG, tls.truststore()
                        + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            return store;
        } catch (IOException e) {
            throw new TlsSetupException(SSL_TRUSTSTORE_LOCATION_CONFIG, tls.truststore() + " cannot be read: " + e.getMessage());
        }
    }

    private static KeyStore load(Path file, String type, char[] password, String key)
            throws GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password);
            return store;
        } catch (IOException e) {
            // A wrong password shows up here too ("keystore password was incorrect").
            throw new TlsSetupException(key, file + " cannot be loaded as " + type + ": " + e.getMessage()
                    + "; check the file, its type and its password");
        }
    }
}
