package io.dualstream.connect.redis.testing;

import io.dualstream.quickstart.RedisServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A throw-away CA and server certificates made with openssl and keytool, for TLS tests. */
public final class TestCertificates {

    public static final String TRUSTSTORE_PASSWORD = "changeit";

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** A new CA in {@code dir}, with a PKCS12 trust store holding it. */
    public static TestCertificates createCa(Path dir) {
        TestCertificates certs = new TestCertificates(dir);
        certs.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-days", "2", "-subj", "/CN=Test CA");
        certs.run("keytool", "-importcert", "-noprompt", "-alias", "test-ca", "-file", "ca.crt", "-keystore",
                "truststore.p12", "-storetype", "PKCS12", "-storepass", TRUSTSTORE_PASSWORD);
        return certs;
    }

    /** A server certificate signed by the CA for the given subjectAltName, e.g. {@code DNS:localhost,IP:127.0.0.1}. */
    public Path[] serverCertificate(String name, String subjectAltName) {
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", "/CN=" + name);
        try {
            Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=" + subjectAltName + "\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        run("openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
        return new Path[] {dir.resolve(name + ".crt"), dir.resolve(name + ".key")};
    }

    /** A client certificate signed by the CA, in a PKCS12 key store protected by {@link #TRUSTSTORE_PASSWORD}. */
    public Path clientKeystore(String name) {
        Path[] certificate = serverCertificate(name, "DNS:" + name);
        run("openssl", "pkcs12", "-export", "-in", certificate[0].toString(), "-inkey", certificate[1].toString(),
                "-out", name + ".p12", "-passout", "pass:" + TRUSTSTORE_PASSWORD);
        return dir.resolve(name + ".p12");
    }

    /**
     * A client certificate signed by the CA, with its PKCS#8 key in one PEM file, key first, as
     * {@code cat client.key client.crt > client.pem} makes it; the key is encrypted with {@code password} unless
     * that is {@code null}.
     */
    public Path clientPem(String name, String password) {
        Path[] certificate = serverCertificate(name, "DNS:" + name);
        Path key = certificate[1];
        if (password != null) {
            run("openssl", "pkcs8", "-topk8", "-in", key.toString(), "-out", name + "-encrypted.key",
                    "-passout", "pass:" + password);
            key = dir.resolve(name + "-encrypted.key");
        }
        try {
            Path pem = dir.resolve(name + (password == null ? "" : "-encrypted") + ".pem");
            Files.writeString(pem, Files.readString(key) + Files.readString(certificate[0]));
            return pem;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs openssl in the certificates' folder, e.g. to convert a key for a test. */
    public Path openssl(String output, String... arguments) {
        String[] command = new String[arguments.length + 1];
        command[0] = "openssl";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        run(command);
        return dir.resolve(output);
    }

    /**
     * A redis-server with a TLS port besides its plain one (for the test's own clients), presenting
     * {@code certificate} (from {@link #serverCertificate}) and, when {@code clientsMustAuthenticate}, requiring a
     * client certificate signed by this CA.
     */
    public RedisFixture tlsRedis(Path[] certificate, int tlsPort, boolean clientsMustAuthenticate) {
        return RedisFixture.start("--tls-port", Integer.toString(tlsPort), "--tls-cert-file", certificate[0].toString(),
                "--tls-key-file", certificate[1].toString(), "--tls-ca-cert-file", caCertificate().toString(),
                "--tls-auth-clients", clientsMustAuthenticate ? "yes" : "no");
    }

    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    private void run(String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("tools.log").toFile()).start();
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n"
                        + RedisServer.tail(dir.resolve("tools.log"), 20));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0] + " (openssl and a JDK's keytool are needed)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
