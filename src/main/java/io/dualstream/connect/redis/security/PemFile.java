package io.dualstream.connect.redis.security;

import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The blocks of a PEM file ({@code -----BEGIN LABEL-----}, base64, {@code -----END LABEL-----}), as cloud providers
 * and openssl write them: certificates, and a PKCS#8 private key that may be encrypted. Text around the blocks is
 * ignored, so {@code cat client.key client.crt > client.pem} and CA bundles with comments both read.
 */
final class PemFile {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    /** PKCS#8 says which algorithm a key is for; trying the JDK's factories in turn is shorter than reading it. */
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA");

    private record Block(String label, byte[] der) {
    }

    private final List<Block> blocks;

    private PemFile(List<Block> blocks) {
        this.blocks = blocks;
    }

    /** Whether the bytes look like PEM text: at least one BEGIN line. */
    static boolean looksLikePem(byte[] content) {
        return new String(content, StandardCharsets.ISO_8859_1).contains("-----BEGIN ");
    }

    static PemFile parse(byte[] content) {
        Matcher matcher = BLOCK.matcher(new String(content, StandardCharsets.ISO_8859_1));
        List<Block> blocks = new ArrayList<>();
        while (matcher.find()) {
            try {
                blocks.add(new Block(matcher.group(1), Base64.getMimeDecoder().decode(matcher.group(2).trim())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the " + matcher.group(1) + " block is not valid base64", e);
            }
        }
        return new PemFile(blocks);
    }

    /** The CERTIFICATE blocks, in file order (for a key, its own certificate first, then the chain). */
    List<Certificate> certificates() throws CertificateException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<Certificate> certificates = new ArrayList<>();
        for (Block block : blocks) {
            if (block.label().equals("CERTIFICATE")) {
                certificates.add(factory.generateCertificate(new ByteArrayInputStream(block.der())));
            }
        }
        return certificates;
    }

    /** Whether the file holds an ENCRYPTED PRIVATE KEY block, which needs a password. */
    boolean hasEncryptedKey() {
        return blocks.stream().anyMatch(b -> b.label().equals("ENCRYPTED PRIVATE KEY"));
    }

    /**
     * The one PKCS#8 private key, decrypted with {@code password} when it is an ENCRYPTED PRIVATE KEY.
     *
     * @throws IllegalArgumentException saying what is wrong with the key blocks and how to convert them
     * @throws GeneralSecurityException when the key cannot be decoded or decrypted
     */
    PrivateKey privateKey(char[] password) throws GeneralSecurityException {
        List<Block> keys = blocks.stream().filter(b -> b.label().endsWith("PRIVATE KEY")).toList();
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("holds no private key (-----BEGIN PRIVATE KEY-----)");
        }
        if (keys.size() > 1) {
            throw new IllegalArgumentException("holds " + keys.size() + " private keys; give one key and its certificates");
        }
        Block key = keys.get(0);
        switch (key.label()) {
            case "PRIVATE KEY":
                return decode(new PKCS8EncodedKeySpec(key.der()));
            case "ENCRYPTED PRIVATE KEY":
                return decode(decrypt(key.der(), password));
            default:
                // "RSA PRIVATE KEY", "EC PRIVATE KEY": the older openssl formats, which the JDK does not read.
                throw new IllegalArgumentException("holds a " + key.label() + " (not PKCS#8); convert it with "
                        + "openssl pkcs8 -topk8 -in client.key -out client-pkcs8.key (add -nocrypt for no password)");
        }
    }

    private static PKCS8EncodedKeySpec decrypt(byte[] der, char[] password) throws GeneralSecurityException {
        EncryptedPrivateKeyInfo info;
        try {
            info = new EncryptedPrivateKeyInfo(der);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("the ENCRYPTED PRIVATE KEY block cannot be decoded", e);
        }
        AlgorithmParameters parameters = info.getAlgParameters();
        // openssl writes PBES2 (AES with a PBKDF2 key); the JDK 17 names it by its parameters, not by getAlgName().
        String algorithm = info.getAlgName();
        SecretKeyFactory keyFactory;
        try {
            keyFactory = SecretKeyFactory.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            if (parameters == null) {
                throw e;
            }
            algorithm = parameters.toString();
            keyFactory = SecretKeyFactory.getInstance(algorithm);
        }
        Cipher cipher = Cipher.getInstance(algorithm);
        cipher.init(Cipher.DECRYPT_MODE, keyFactory.generateSecret(new PBEKeySpec(password)), parameters);
        return info.getKeySpec(cipher);
    }

    private static PrivateKey decode(PKCS8EncodedKeySpec spec) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("the private key is not an RSA, EC, EdDSA or DSA key in PKCS#8 form", last);
    }
}
