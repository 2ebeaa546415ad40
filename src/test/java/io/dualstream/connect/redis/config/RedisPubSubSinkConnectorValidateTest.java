package io.dualstream.connect.redis.config;

import io.dualstream.connect.redis.testing.Props;
import io.dualstream.connect.redis.OfflineConnectors;
import io.dualstream.connect.redis.RedisPubSubSinkConnector;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RedisPubSubSinkConnector#validate}: each problem is reported on the setting to blame, says how to fix
 * it, never shows a password, and matches what the constructor of {@link RedisPubSubSinkConfig} throws. Redis is
 * never dialled from here (see {@link OfflineConnectors}); what Redis itself answers is tested in SecurityIT.
 */
class RedisPubSubSinkConnectorValidateTest {

    /** Where validate() would have connected, in this test. */
    private final List<String> dialled = new ArrayList<>();

    private static Map<String, String> props(String... keyValues) {
        Map<String, String> props = Props.of(keyValues);
        props.putIfAbsent("connector.class", RedisPubSubSinkConnector.class.getName());
        props.putIfAbsent("topics", "events");
        return props;
    }

    private Config validate(Map<String, String> props) {
        return OfflineConnectors.recording(dialled).validate(props);
    }

    private static ConfigValue value(Config config, String name) {
        return config.configValues().stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no ConfigValue named " + name));
    }

    /** Setting name to its error messages, for the settings that have any. */
    private static Map<String, List<String>> errors(Config config) {
        return config.configValues().stream().filter(v -> !v.errorMessages().isEmpty())
                .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    /** Asserts that exactly {@code key} has errors, and returns its single message. */
    private static String onlyErrorOn(Config config, String key) {
        Map<String, List<String>> errors = errors(config);
        assertEquals(List.of(key), List.copyOf(errors.keySet()), () -> "errors: " + errors);
        assertEquals(1, errors.get(key).size(), () -> "errors: " + errors);
        return errors.get(key).get(0);
    }

    // ---- valid ----

    @Test
    void defaultsAreValid() {
        assertEquals(Map.of(), errors(validate(props())));
    }

    @Test
    void fullValidConfigurationHasNoErrors() {
        Config config = validate(props(
                "redis.uri", "rediss://cache.example.com:6380/2",
                "redis.username", "app",
                "redis.password", "s3cr3tPW",
                "redis.retry.backoff.ms", "200",
                "redis.retry.backoff.max.ms", "200",
                "channel.template", "tenant:{key.tenant}:{header.source}:{value.meta.id}:{topic}",
                "notification.fields", "id, partition=partition, trace=header.trace-id, actor=value.actor.login",
                "behavior.on.malformed.record", "fail"));
        assertEquals(Map.of(), errors(config));
    }

    @Test
    void settingsValidOnPaperAreCheckedAgainstTheConfiguredRedisOnlyThroughTheSeam() {
        validate(props());
        validate(props("redis.uri", "rediss://cache.example.com:6380/2"));
        assertEquals(List.of("localhost:6379", "cache.example.com:6380"), dialled);
    }

    @Test
    void settingsInvalidOnPaperNeverReachRedis() {
        validate(props("redis.uri", "http://host:6379"));
        validate(props("redis.retry.backoff.ms", "1000", "redis.retry.backoff.max.ms", "999"));
        assertEquals(List.of(), dialled);
    }

    @Test
    void everySettingIsReported() {
        Config config = validate(props());
        for (String key : RedisPubSubSinkConfig.CONFIG_DEF.names()) {
            assertTrue(value(config, key).errorMessages().isEmpty(), key);
        }
    }

    // ---- single settings ----

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "redis.uri            | http://host:6379               | for example redis://localhost:6379",
            "redis.uri            | redis://host:6379/notanumber   | path must be a database number such as /0",
            "redis.uri            | redis://host:6379?ssl=true     | set options with the redis.* settings",
            "redis.uri            | redis://                       | use redis://host:6379",
            "redis.uri            | redis:///0                     | no host; use redis://host:6379",
            "channel.template     | events:{source_id              | '{' at position 7 is not closed with '}'",
            "channel.template     | events:source_id}              | '}' at position 16 has no matching '{'",
            "channel.template     | events:{}                      | write a field name such as {source_id}",
            "channel.template     | events:{header}                | write header.NAME",
            "channel.template     | events:{source id}             | a reference is a field path such as source_id",
            "notification.fields  | id,type,id                     | field 'id' is listed twice",
            "notification.fields  | id,actor=value.a..b            | has an empty field name; write fields as a.b.c",
            "notification.fields  | id,body=value                  | write value.FIELD",
            "notification.fields  | id,=partition                  | has no name; write name or name=REF",
    })
    void badSettingIsReportedOnItsKeyWithTheFix(String key, String value, String fix) {
        Config config = validate(props(key, value));
        String message = onlyErrorOn(config, key);
        assertTrue(message.contains(fix), message);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "redis.uri            | http://host:6379",
            "redis.uri            | redis://host:6379/notanumber",
            "channel.template     | events:{source_id",
            "channel.template     | events:{value}",
            "notification.fields  | id,id",
            "notification.fields  | ``",
    })
    void constructorThrowsTheSameMessageAsValidate(String key, String value) {
        String reported = onlyErrorOn(validate(props(key, value)), key);
        ConfigException e = assertThrows(ConfigException.class, () -> new RedisPubSubSinkConfig(props(key, value)));
        assertEquals(reported, e.getMessage());
    }

    // ---- passwords are never shown ----

    @ParameterizedTest
    @ValueSource(strings = {
            "redis://app:s3cr3tPW@host:6379/notanumber",
            "redis://:s3cr3tPW@host:6379?ssl=true",
            "http://app:s3cr3tPW@host:6379",
            "redis://app:s3cr3tPW@",
            "redis://app:s3cr3tPW@ho st",
            "redis://app:s3cr3tPW@host:6379/0#x",
    })
    void badUriWithPasswordIsReportedWithoutThePassword(String uri) {
        String message = onlyErrorOn(validate(props("redis.uri", uri)), "redis.uri");
        assertFalse(message.contains("s3cr3tPW"), message);
        assertTrue(message.contains("[hidden]"), message);
        ConfigException e = assertThrows(ConfigException.class, () -> new RedisPubSubSinkConfig(props("redis.uri", uri)));
        assertFalse(e.getMessage().contains("s3cr3tPW"), e.getMessage());
    }

    /** Typos that lose the scheme or its "//": the password is still in the text that is echoed back. */
    @ParameterizedTest
    @ValueSource(strings = {"app:s3cr3tPW@host:6379", "redis:/app:s3cr3tPW@host:6379"})
    void badUriWithoutSchemeSlashesIsReportedWithoutThePassword(String uri) {
        String message = onlyErrorOn(validate(props("redis.uri", uri)), "redis.uri");
        assertFalse(message.contains("s3cr3tPW"), message);
    }

    // ---- cross-field checks ----

    @Test
    void passwordInUriAndInSettingIsReportedOnRedisPassword() {
        Config config = validate(props("redis.uri", "redis://:s3cr3tPW@host", "redis.password", "other"));
        String message = onlyErrorOn(config, "redis.password");
        assertEquals("a password is also set in redis.uri; set it in one place only "
                + "(prefer redis.password: validate responses show it as [hidden], and it can come from a config "
                + "provider)", message);
        ConfigException e = assertThrows(ConfigException.class,
                () -> new RedisPubSubSinkConfig(props("redis.uri", "redis://:s3cr3tPW@host", "redis.password", "other")));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().contains("redis.password"), e.getMessage());
    }

    @Test
    void userInUriAndInSettingIsReportedOnRedisUsername() {
        String message = onlyErrorOn(validate(props("redis.uri", "redis://app@host", "redis.username", "app")),
                "redis.username");
        assertEquals("a user is also set in redis.uri; set it in one place only", message);
    }

    @Test
    void maxBackoffBelowBackoffIsReportedOnTheMax() {
        Map<String, String> props = props("redis.retry.backoff.ms", "1000", "redis.retry.backoff.max.ms", "999");
        String message = onlyErrorOn(validate(props), "redis.retry.backoff.max.ms");
        assertEquals("must be at least redis.retry.backoff.ms (1000)", message);
        ConfigException e = assertThrows(ConfigException.class, () -> new RedisPubSubSinkConfig(props));
        assertEquals("Invalid configuration redis.retry.backoff.max.ms: " + message, e.getMessage());
    }

    @Test
    void allCrossFieldErrorsAreReportedEachOnItsKey() {
        Config config = validate(props("redis.uri", "redis://app:pw@host", "redis.username", "app",
                "redis.password", "pw", "redis.retry.backoff.ms", "10", "redis.retry.backoff.max.ms", "5"));
        Map<String, List<String>> errors = errors(config);
        assertEquals(Map.of(
                "redis.password", List.of("a password is also set in redis.uri; set it in one place only "
                        + "(prefer redis.password: validate responses show it as [hidden], and it can come from a "
                        + "config provider)"),
                "redis.username", List.of("a user is also set in redis.uri; set it in one place only"),
                "redis.retry.backoff.max.ms", List.of("must be at least redis.retry.backoff.ms (10)")), errors);
    }

    @Test
    void equalBackoffsAreValid() {
        assertEquals(Map.of(), errors(validate(props("redis.retry.backoff.ms", "300", "redis.retry.backoff.max.ms", "300"))));
    }

    @Test
    void badUriWithCrossFieldProblemsIsReportedWithoutFailingValidate() {
        // Cross-field checks parse redis.uri; a bad URI must be reported on redis.uri, not make validate() throw.
        Config config = validate(props("redis.uri", "redis://:pw@host/x", "redis.password", "pw",
                "redis.retry.backoff.ms", "10", "redis.retry.backoff.max.ms", "5"));
        assertTrue(errors(config).containsKey("redis.uri"), () -> "errors: " + errors(config));
        assertTrue(value(config, "channel.template").errorMessages().isEmpty());
    }

    @Test
    void tlsFilesWithAPlainTextUriAreReportedOnTheTruststore() throws Exception {
        Path pem = Files.createTempFile("ca", ".pem");
        try {
            String message = onlyErrorOn(validate(props("redis.uri", "redis://localhost:6379",
                    "redis.ssl.truststore.location", pem.toString())), "redis.ssl.truststore.location");
            assertEquals("is set but redis.uri is not rediss://; use rediss://host:port for TLS or remove the TLS settings",
                    message);
        } finally {
            Files.delete(pem);
        }
    }

    @Test
    void aMissingKeystoreFileIsReportedOnItsLocation() {
        String message = onlyErrorOn(validate(props("redis.uri", "rediss://localhost:6380",
                "redis.ssl.keystore.location", "/nonexistent/client.p12")), "redis.ssl.keystore.location");
        assertEquals("cannot read the file /nonexistent/client.p12; give the path of a readable file on every worker", message);
    }

    @Test
    void aPemTruststoreDeclaredAsPkcs12IsReportedOnTheTypeSettingWithTheFix(@TempDir Path dir) throws Exception {
        Path pem = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        String message = onlyErrorOn(validate(props("redis.uri", "rediss://localhost:6380",
                "redis.ssl.truststore.location", pem.toString(), "redis.ssl.truststore.type", "PKCS12")),
                "redis.ssl.truststore.type");
        assertEquals(pem + " looks like PEM text (-----BEGIN ...----- blocks), not a PKCS12 key store; "
                + "set redis.ssl.truststore.type=PEM or leave it unset", message);
    }

    @Test
    void aTruststoreThatCannotBeLoadedIsReportedOnItsLocationWithoutItsPassword() throws Exception {
        Path notAStore = Files.createTempFile("truststore", ".p12");
        try {
            Files.writeString(notAStore, "not a key store");
            String message = onlyErrorOn(validate(props("redis.uri", "rediss://localhost:6380",
                    "redis.ssl.truststore.location", notAStore.toString(),
                    "redis.ssl.truststore.password", "store-secret")), "redis.ssl.truststore.location");
            assertTrue(message.contains("cannot be loaded as PKCS12"), message);
            assertFalse(message.contains("store-secret"), message);
        } finally {
            Files.delete(notAStore);
        }
    }
}
