package io.dualstream.connect.redis.config;

import java.nio.file.Path;

/**
 * The TLS material for {@code rediss://}: where to find the trusted CAs and the optional client certificate.
 * A {@code null} trust store means the JVM's default trust store; a {@code null} type means "not set: read the
 * file as what its content shows".
 */
public record TlsSettings(Path truststore, char[] truststorePassword, String truststoreType,
                          Path keystore, char[] keystorePassword, String keystoreType, boolean verifyHostname) {

    /** Passwords stay out of logs and exception messages. */
    @Override
    public String toString() {
        return "truststore=" + (truststore == null ? "(JVM default)" : truststore + " (" + typeText(truststoreType) + ")")
                + ", keystore=" + (keystore == null ? "(none)" : keystore + " (" + typeText(keystoreType) + ")")
                + ", verifyHostname=" + verifyHostname;
    }

    private static String typeText(String type) {
        return type == null ? "type from content" : type;
    }
}
