package io.dualstream.connect.redis.config;

import io.dualstream.connect.redis.testing.Props;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig.MalformedBehavior;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig.NullValueBehavior;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link RedisPubSubSinkConfig}: defaults, accessors and the exceptions of the constructor. */
class RedisPubSubSinkConfigTest {

    // ---- defaults ----

    @Test
    void declaredDefaults() {
        Map<String, Object> defaults = RedisPubSubSinkConfig.CONFIG_DEF.defaultValues();
        assertEquals("redis://localhost:6379", defaults.get("redis.uri"));
        assertEquals(List.of("events:{source_type}:{source_id}"), defaults.get("channel.template"));
        assertEquals(0L, defaults.get("notification.max.age.ms"));
        assertEquals(0, defaults.get("notification.max.rate"));
        assertEquals(false, defaults.get("notification.coalesce"));
        assertEquals("coalesced", defaults.get("notification.coalesce.count.field"));
        assertEquals(List.of("id", "type", "source_id"), defaults.get("notification.fields"));
        assertEquals(2000, defaults.get("redis.timeout.ms"));
        assertEquals(100L, defaults.get("redis.retry.backoff.ms"));
        assertEquals(5000L, defaults.get("redis.retry.backoff.max.ms"));
        assertEquals(1000, defaults.get("redis.pipeline.size"));
        assertEquals(1024, defaults.get("channel.max.bytes"));
        assertEquals("skip", defaults.get("behavior.on.malformed.record"));
        assertEquals("ignore", defaults.get("behavior.on.null.values"));
        assertNull(defaults.get("redis.username"));
        assertNull(defaults.get("redis.password"));
    }

    @Test
    void emptyConfigurationUsesTheDefaults() {
        RedisPubSubSinkConfig config = new RedisPubSubSinkConfig(Map.of());
        assertEquals(new RedisEndpoint("localhost", 6379, false, null, null, 0), config.endpoint());
        assertEquals("events:{source_type}:{source_id}", config.channelTemplates().toString());
        assertEquals("id=value.id,type=value.type,source_id=value.source_id", config.notificationFields().toString());
        assertNull(config.user());
        assertNull(config.password());
        assertEquals(2000, config.timeoutMs());
        assertEquals(100L, config.retryBackoffMs());
        assertEquals(5000L, config.retryBackoffMaxMs());
        assertEquals(1000, config.pipelineSize());
        assertEquals(1024, config.channelMaxBytes());
        assertEquals(MalformedBehavior.SKIP, config.malformedBehavior());
        assertEquals(NullValueBehavior.IGNORE, config.nullValueBehavior());
    }

    // ---- accessors ----

    @Test
    void settingsAreRead() {
        RedisPubSubSinkConfig config = new RedisPubSubSinkConfig(Props.of(
                "redis.uri", "rediss://cache:6380/3",
                "redis.username", "app",
                "redis.password", "s3cr3tPW",
                "redis.timeout.ms", "500",
                "redis.retry.backoff.ms", "50",
                "redis.retry.backoff.max.ms", "50",
                "redis.pipeline.size", "10",
                "channel.template", "n:{topic}",
                "notification.fields", "id, p=partition",
                "channel.max.bytes", "64",
                "behavior.on.malformed.record", "FAIL",
                "behavior.on.null.values", "Fail"));
        assertEquals(new RedisEndpoint("cache", 6380, true, null, null, 3), config.endpoint());
        assertEquals("app", config.user());
        assertEquals("s3cr3tPW", config.password());
        assertEquals(500, config.timeoutMs());
        assertEquals(50L, config.retryBackoffMs());
        assertEquals(50L, config.retryBackoffMaxMs());
        assertEquals(10, config.pipelineSize());
        assertEquals("n:{topic}", config.channelTemplates().toString());
        assertEquals("id=value.id,p=partition", config.notificationFields().toString());
        assertEquals(64, config.channelMaxBytes());
        assertEquals(MalformedBehavior.FAIL, config.malformedBehavior());
        assertEquals(NullValueBehavior.FAIL, config.nullValueBehavior());
    }

    @Test
    void userAndPasswordMayComeFromTheUri() {
        RedisPubSubSinkConfig config = new RedisPubSubSinkConfig(Props.of("redis.uri", "redis://app:s3cr3tPW@host"));
        assertEquals("app", config.user());
        assertEquals("s3cr3tPW", config.password());
    }

    @Test
    void describeNamesTheSettingsButNotThePassword() {
        RedisPubSubSinkConfig config = new RedisPubSubSinkConfig(Props.of("redis.uri", "redis://app:s3cr3tPW@host:6380/1"));
        String text = config.describe();
        assertFalse(text.contains("s3cr3tPW"), text);
        assertEquals("redis=redis://app@host:6380/1 (user app), redis.mode=standalone, redis.publish.command=PUBLISH, channel.template=events:{source_type}:{source_id}, "
                + "notification.fields=id=value.id,type=value.type,source_id=value.source_id, "
                + "behavior.on.malformed.record=skip, behavior.on.null.values=ignore, delivery.guarantee=best-effort", text);
    }

    @Test
    void passwordSettingIsAPasswordType() {
        RedisPubSubSinkConfig config = new RedisPubSubSinkConfig(Props.of("redis.password", "s3cr3tPW"));
        assertEquals(new Password("s3cr3tPW"), config.getPassword("redis.password"));
        assertFalse(config.getPassword("redis.password").toString().contains("s3cr3tPW"));
    }

    // ---- bad values: the constructor ----

    private static ConfigException invalid(Map<String, String> props) {
        return assertThrows(ConfigException.class, () -> new RedisPubSubSinkConfig(props));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "redis.uri            | http://host               | scheme must be redis:// or rediss://",
            "redis.uri            | redis://host/notanumber   | path must be a database number such as /0",
            "redis.uri            | redis://host?ssl=true     | set options with the redis.* settings",
            "redis.uri            | redis:///0                | no host; use redis://host:6379",
            "channel.template     | events:{source_id         | '{' at position 7 is not closed with '}'",
            "channel.template     | events:{}                 | write a field name such as {source_id}",
            "channel.template     | events:{value}            | write value.FIELD",
            "channel.template     | `a:{x},b:{y`              | template 'b:{y': '{' at position 2 is not closed",
            "channel.template     | `?a:{x},?b:{y}`           | at least one must be required",
            "channel.template     | `a:{x},?all`              | '?all' is optional but has no reference",
            "channel.template     | `a:{x},,b`                | the template is empty",
            "notification.max.age.ms | -1                     | Value must be at least 0",
            "notification.max.rate | -5                       | Value must be at least 0",
            "notification.fields  | id,id                     | field 'id' is listed twice",
            "notification.fields  | id,a..b                   | has an empty field name; write fields as a.b.c",
            "notification.fields  | id,=partition             | has no name; write name or name=REF",
            "notification.fields  | id,x=header               | 'header' needs a name: write header.NAME",
            "notification.fields  | ``                        | list at least one, for example id,type,source_id",
            "channel.max.bytes    | 0                         | Value must be at least 1",
            "redis.pipeline.size  | 0                         | Value must be at least 1",
            "behavior.on.malformed.record | drop              | String must be one of",
    })
    void badValueFailsTheConstructorNamingTheSettingAndTheFix(String key, String value, String fix) {
        ConfigException e = invalid(Props.of(key, value));
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertTrue(e.getMessage().contains(fix), e.getMessage());
    }

    @Test
    void theCoalescedCountFieldMustNotBeANotificationField() {
        ConfigException e = invalid(Props.of("notification.coalesce", "true", "notification.fields", "id,coalesced"));
        assertEquals("Invalid configuration notification.coalesce.count.field: 'coalesced' is also a name in "
                + "notification.fields; choose another name for the count of coalesced notifications", e.getMessage());
        new RedisPubSubSinkConfig(Props.of("notification.coalesce", "false", "notification.fields", "id,coalesced"));
    }

    @Test
    void badUriWithPasswordIsReportedMasked() {
        ConfigException e = invalid(Props.of("redis.uri", "redis://app:s3cr3tPW@host/notanumber"));
        assertEquals("Invalid value redis://app:[hidden]@host/notanumber for configuration redis.uri: "
                + "path must be a database number such as /0; Pub/Sub channels are the same in every database",
                e.getMessage());
    }

    @Test
    void passwordInUriAndInSettingIsRejected() {
        ConfigException e = invalid(Props.of("redis.uri", "redis://:s3cr3tPW@host", "redis.password", "other"));
        assertEquals("Invalid configuration redis.password: a password is also set in redis.uri; set it in one "
                + "place only (prefer redis.password: validate responses show it as [hidden], and it can come from a "
                + "config provider)", e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3tPW"));
    }

    @Test
    void userInUriAndInSettingIsRejected() {
        ConfigException e = invalid(Props.of("redis.uri", "redis://app@host", "redis.username", "app"));
        assertEquals("Invalid configuration redis.username: a user is also set in redis.uri; set it in one place only",
                e.getMessage());
    }

    @Test
    void maxBackoffBelowBackoffIsRejected() {
        ConfigException e = invalid(Props.of("redis.retry.backoff.ms", "2000", "redis.retry.backoff.max.ms", "1999"));
        assertEquals("Invalid configuration redis.retry.backoff.max.ms: must be at least redis.retry.backoff.ms (2000)",
                e.getMessage());
    }

    @Test
    void maxBackoffBelowDefaultBackoffIsRejected() {
        ConfigException e = invalid(Props.of("redis.retry.backoff.max.ms", "99"));
        assertEquals("Invalid configuration redis.retry.backoff.max.ms: must be at least redis.retry.backoff.ms (100)",
                e.getMessage());
    }

    @Test
    void userInUriWithPasswordSettingIsAccepted() {
        RedisPubSubSinkConfig config = new RedisPubSubSinkConfig(
                Props.of("redis.uri", "redis://app@host", "redis.password", "s3cr3tPW"));
        assertEquals("app", config.user());
        assertEquals("s3cr3tPW", config.password());
    }

    @Test
    void crossFieldErrorsAreKeyedByTheSettingToBlame() {
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> new RedisPubSubSinkConfig(Props.of(
                "redis.uri", "redis://app:pw@host", "redis.username", "app", "redis.password", "pw",
                "redis.retry.backoff.ms", "10", "redis.retry.backoff.max.ms", "5")));
        Map<String, String> errors = e.reasons();
        assertEquals(List.of("redis.password", "redis.username", "redis.retry.backoff.max.ms"),
                List.copyOf(errors.keySet()));
        assertEquals("must be at least redis.retry.backoff.ms (10)", errors.get("redis.retry.backoff.max.ms"));
        assertEquals("redis.password", e.key());
        assertTrue(e.getMessage().startsWith("Invalid configuration redis.password: a password is also set in redis.uri"),
                e.getMessage());
    }

    @Test
    void validConfigurationHasNoCrossFieldErrors() {
        assertDoesNotThrow(() -> new RedisPubSubSinkConfig(Props.of(
                "redis.uri", "redis://app@host", "redis.password", "pw",
                "redis.retry.backoff.ms", "10", "redis.retry.backoff.max.ms", "10")));
    }

    @Test
    void theModeAndCommandValidatorsDescribeTheirValuesForTheReference() {
        String reference = ConfigReference.markdown();
        assertTrue(reference.contains("| `redis.mode` | string |  | unset, or (case insensitive) [STANDALONE, CLUSTER, SENTINEL]"),
                reference);
        assertTrue(reference.contains("`redis.publish.command` | string | `PUBLISH`"), reference);
    }

    // ---- what the documentation says is what the code does ----

    private static String doc(String key) {
        return RedisPubSubSinkConfig.CONFIG_DEF.configKeys().get(key).documentation;
    }

    /**
     * A TLS store type left unset is handed on as unset, so the file's content decides: the declared default must be
     * that, not a type the code would ignore (the reference used to show PKCS12).
     */
    @Test
    void tlsStoreTypesDefaultToUnsetWhichIsWhatTheCodeHandsOn(@TempDir Path dir) throws IOException {
        Path store = Files.write(dir.resolve("store"), new byte[] {0x30});
        TlsSettings tls = new RedisPubSubSinkConfig(Props.of("redis.uri", "rediss://host:6380",
                "redis.ssl.truststore.location", store.toString(),
                "redis.ssl.keystore.location", store.toString())).tls();
        Map<String, Object> defaults = RedisPubSubSinkConfig.CONFIG_DEF.defaultValues();
        assertEquals(defaults.get("redis.ssl.truststore.type"), tls.truststoreType());
        assertEquals(defaults.get("redis.ssl.keystore.type"), tls.keystoreType());
        assertNull(tls.truststoreType());
        assertNull(tls.keystoreType());
        String reference = ConfigReference.markdown();
        for (String key : List.of("redis.ssl.truststore.type", "redis.ssl.keystore.type")) {
            assertTrue(reference.contains("| `" + key + "` | string |  | unset, or (case insensitive) ["),
                    reference);
            assertTrue(doc(key).contains("Unset (the default): detected from the file's content"), doc(key));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PKCS12, PKCS12", "pkcs12, PKCS12", "jks, JKS", "Pem, PEM"})
    void aTlsStoreTypeThatIsSetIsHandedOnInUpperCase(String set, String handedOn, @TempDir Path dir)
            throws IOException {
        Path store = Files.write(dir.resolve("store"), new byte[] {0x30});
        TlsSettings tls = new RedisPubSubSinkConfig(Props.of("redis.uri", "rediss://host:6380",
                "redis.ssl.truststore.location", store.toString(), "redis.ssl.truststore.type", set,
                "redis.ssl.keystore.location", store.toString(), "redis.ssl.keystore.type", set)).tls();
        assertEquals(handedOn, tls.truststoreType());
        assertEquals(handedOn, tls.keystoreType());
    }

    @Test
    void anUnsetModeIsWhatItsDocumentationSays() {
        assertEquals(RedisPubSubSinkConfig.RedisMode.SENTINEL,
                new RedisPubSubSinkConfig(Props.of("redis.uri", "redis-sentinel://s1,s2#m")).mode());
        assertEquals(RedisPubSubSinkConfig.RedisMode.SENTINEL,
                new RedisPubSubSinkConfig(Props.of("redis.uri", "rediss-sentinel://s1#m")).mode());
        assertEquals(RedisPubSubSinkConfig.RedisMode.STANDALONE,
                new RedisPubSubSinkConfig(Props.of("redis.uri", "rediss://host:6380")).mode());
        ConfigException several = invalid(Props.of("redis.uri", "redis://a:6379,redis://b:6379"));
        assertTrue(several.getMessage().contains("set redis.mode=cluster (seed nodes) or redis.mode=sentinel"),
                several.getMessage());
        assertNull(RedisPubSubSinkConfig.CONFIG_DEF.defaultValues().get("redis.mode"));
        assertTrue(doc("redis.mode").contains("Unset (the default): sentinel when redis.uri is a redis-sentinel:// "
                + "or rediss-sentinel:// URI, standalone for anything else"), doc("redis.mode"));
    }

    /**
     * Connect masks a PASSWORD setting in validate responses (Password.toString), not in GET /connectors/NAME/config,
     * which returns the configuration as it was submitted.
     */
    @Test
    void thePasswordsDocumentationSaysWhereItIsShownInPlainText() {
        String doc = doc("redis.password");
        assertFalse(doc.contains("Hidden in logs and in the REST API"), doc);
        assertTrue(doc.contains("[hidden] in validate responses"), doc);
        assertTrue(doc.contains("plain text by GET /connectors/NAME/config"), doc);
        assertTrue(doc.contains("${file:"), doc);
        assertEquals("[hidden]", new Password("s3cr3tPW").toString(), "what validate responses show");
    }

    @Test
    void theTimeoutIsNotDocumentedAsABoundOnPut() {
        String doc = doc("redis.timeout.ms");
        assertFalse(doc.contains("at most twice this long"), doc);
        assertTrue(doc.contains("It is not a bound on put()"), doc);
        assertTrue(doc("delivery.guarantee").contains("drain"), doc("delivery.guarantee"));
    }
}
