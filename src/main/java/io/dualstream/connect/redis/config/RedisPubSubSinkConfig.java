package io.dualstream.connect.redis.config;

import io.dualstream.connect.redis.mapping.ChannelTemplates;
import io.dualstream.connect.redis.mapping.NotificationFields;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.types.Password;


import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every setting of the connector, with its documentation, defaults, validators and cross-field checks, as a value:
 * it parses and checks the settings and hands out typed values. It builds no client; {@code publish} turns it into
 * a topology ({@code RedisTopology.of}) and client settings ({@code RedisClientSettings.of}).
 *
 * @throws InvalidSettingException (from the constructor) for settings that are each valid but do not fit together,
 *         every one of them on the setting to fix
 */
public final class RedisPubSubSinkConfig extends AbstractConfig {

    private static final String REDIS_GROUP = "Redis";
    private static final String NOTIFICATION_GROUP = "Notification";
    private static final String ERROR_GROUP = "Error handling";
    private static final String REAL_TIME_GROUP = "Real time";
    private static final String TLS_GROUP = "TLS";

    public static final String REDIS_URI_CONFIG = "redis.uri";
    public static final String REDIS_URI_DEFAULT = "redis://localhost:6379";
    private static final String REDIS_URI_DOC = "Where Redis is: redis://[user[:password]@]host[:port][/db], or "
            + "rediss://... for TLS (the certificate is checked against redis.ssl.truststore.location, or the JVM's trust "
            + "store when that is unset, and the host name against the certificate). With redis.mode=cluster, a "
            + "comma-separated list of seed nodes (one is enough: the cluster is discovered and followed); with "
            + "redis.mode=sentinel, the sentinels (default port 26379), or one redis-sentinel://host1:26379,host2:26379#master "
            + "URI. All URIs share one scheme, so rediss:// means TLS for every node and sentinel. Put the password in "
            + "redis.password instead of here: Connect's validate response shows this setting as it is, and "
            + "redis.password as [hidden].";

    public static final String REDIS_MODE_CONFIG = "redis.mode";
    private static final String REDIS_MODE_DOC = "How Redis is deployed. 'standalone': one server (or a managed "
            + "endpoint that hides its replicas). 'cluster': a Redis Cluster; PUBLISH goes to any one node, which "
            + "broadcasts it, SPUBLISH to the master owning the channel's slot. 'sentinel': a master and replicas "
            + "managed by Sentinel; the master is asked of the sentinels and followed across failovers. Unset (the "
            + "default): sentinel when redis.uri is a redis-sentinel:// or rediss-sentinel:// URI, standalone for "
            + "anything else (so a list of several servers needs redis.mode=cluster or sentinel).";

    public static final String REDIS_PUBLISH_COMMAND_CONFIG = "redis.publish.command";
    public static final String REDIS_PUBLISH_COMMAND_DEFAULT = "PUBLISH";
    private static final String REDIS_PUBLISH_COMMAND_DOC = "'PUBLISH': classic Pub/Sub, for SUBSCRIBE and "
            + "PSUBSCRIBE subscribers; in a cluster every node receives every message over the cluster bus. "
            + "'SPUBLISH': sharded Pub/Sub (Redis 7+), for SSUBSCRIBE subscribers; in a cluster only the shard owning "
            + "the channel's slot carries it, so Pub/Sub scales with the shards. There is no pattern subscription for "
            + "shard channels; to let one SSUBSCRIBE read several channels, they must share a slot: put a hash tag in "
            + "channel.template, writing literal braces doubled (events:{{{source_type}}}:{source_id} renders "
            + "events:{repo}:owner/repo).";

    public static final String REDIS_SENTINEL_MASTER_CONFIG = "redis.sentinel.master";
    private static final String REDIS_SENTINEL_MASTER_DOC = "redis.mode=sentinel: the name of the master, as in "
            + "the sentinels' 'sentinel monitor NAME ...' (or the #NAME of a redis-sentinel:// URI).";

    public static final String REDIS_SENTINEL_USERNAME_CONFIG = "redis.sentinel.username";
    private static final String REDIS_SENTINEL_USERNAME_DOC = "redis.mode=sentinel: the ACL user for the sentinels, "
            + "when they require one. redis.username is for the data nodes.";

    public static final String REDIS_SENTINEL_PASSWORD_CONFIG = "redis.sentinel.password";
    private static final String REDIS_SENTINEL_PASSWORD_DOC = "redis.mode=sentinel: the password for the "
            + "sentinels (their requirepass), when they require one. redis.password is for the data nodes.";

    public static final String REDIS_USERNAME_CONFIG = "redis.username";
    private static final String REDIS_USERNAME_DOC = "The ACL user to authenticate as (Redis 6+). Leave it unset "
            + "for the default user. Set it here or in redis.uri, not both.";

    public static final String REDIS_PASSWORD_CONFIG = "redis.password";
    private static final String REDIS_PASSWORD_DOC = "The password for redis.username (or for requirepass when "
            + "no user is set). Set it here or in redis.uri, not both. Connect shows it as [hidden] in validate "
            + "responses and the connector never logs it, but like every setting it is returned in plain text by "
            + "GET /connectors/NAME/config (and kept so in a distributed worker's config topic): keep it out of both "
            + "with a config provider, for example ${file:/etc/secrets/redis.properties:password}.";

    public static final String REDIS_TIMEOUT_MS_CONFIG = "redis.timeout.ms";
    public static final int REDIS_TIMEOUT_MS_DEFAULT = 2000;
    private static final String REDIS_TIMEOUT_MS_DOC = "How long to wait for Redis to accept a connection and "
            + "for each read of its replies, in milliseconds; validate() waits at most "
            + "this long for each step of its check. A dead, refused or frozen server is therefore noticed within "
            + "about twice this long (connecting, then the replies). It is not a bound on put(): a put() can wait "
            + "once per chunk of a large batch, per cluster node and redirection, per slice of "
            + "notification.max.rate (besides up to about a second of pacing), and a best-effort put() first reads "
            + "the replies of the batch before it.";

    public static final String REDIS_RETRY_BACKOFF_MS_CONFIG = "redis.retry.backoff.ms";
    public static final long REDIS_RETRY_BACKOFF_MS_DEFAULT = 100L;
    private static final String REDIS_RETRY_BACKOFF_MS_DOC = "After Redis fails, how long to wait before trying "
            + "Redis again, in milliseconds (best-effort: notifications meanwhile are dropped; at-least-once: Connect "
            + "redelivers the batch after this wait). The wait doubles with each further failure, up to "
            + "redis.retry.backoff.max.ms, and resets once Redis answers.";

    public static final String REDIS_RETRY_BACKOFF_MAX_MS_CONFIG = "redis.retry.backoff.max.ms";
    public static final long REDIS_RETRY_BACKOFF_MAX_MS_DEFAULT = 5000L;
    private static final String REDIS_RETRY_BACKOFF_MAX_MS_DOC = "The longest wait between attempts while Redis "
            + "is failing, in milliseconds: publishing resumes at most this long after Redis is healthy again. With "
            + "at-least-once, the worker logs each redelivery, so a larger value also means fewer log lines.";

    public static final String REDIS_PIPELINE_SIZE_CONFIG = "redis.pipeline.size";
    public static final int REDIS_PIPELINE_SIZE_DEFAULT = 1000;
    private static final String REDIS_PIPELINE_SIZE_DOC = "The most PUBLISH commands sent in one pipeline round "
            + "trip. Each put() batch is one pipeline; a larger batch is sent in chunks of this size, and the "
            + "replies of each chunk but the last are read inside put() before the next is written. Count "
            + "notifications, not records: with several channel templates, max.poll.records times the templates "
            + "keeps a batch in one chunk.";

    public static final String DELIVERY_GUARANTEE_CONFIG = "delivery.guarantee";
    public static final String DELIVERY_GUARANTEE_DEFAULT = DeliveryGuarantee.BEST_EFFORT.value();
    private static final String DELIVERY_GUARANTEE_DOC = "What happens to notifications while Redis is unavailable. "
            + "'best-effort': they are dropped and counted, offsets keep advancing, put() makes one attempt and never "
            + "retries (see redis.timeout.ms for how long an attempt can wait), and the replies of a batch are read "
            + "at the next put() or offset commit. 'at-least-once': put() waits for the replies of every batch, "
            + "and when Redis did not take all of it fails with a retriable error so that Connect redelivers the "
            + "batch after the retry backoff, again and again until Redis accepts it; offsets do not advance past "
            + "that batch meanwhile and subscribers connected across a short outage miss nothing (some may see a "
            + "notification twice). Waiting for every batch's replies, at-least-once drains a backlog at about 0.7 "
            + "times best-effort's rate (one task, the project's benchmarks). Bad records are never retried in "
            + "either mode.";

    public static final String SSL_TRUSTSTORE_LOCATION_CONFIG = "redis.ssl.truststore.location";
    private static final String SSL_TRUSTSTORE_LOCATION_DOC = "For rediss://: the file holding the certificate "
            + "authorities to trust: PEM certificates (such as a cloud provider's CA file) or a PKCS12 or JKS trust "
            + "store. Unset: the JVM's default trust store.";

    public static final String SSL_TRUSTSTORE_PASSWORD_CONFIG = "redis.ssl.truststore.password";
    private static final String SSL_TRUSTSTORE_PASSWORD_DOC = "The password of redis.ssl.truststore.location "
            + "(not used for PEM).";

    public static final String SSL_TRUSTSTORE_TYPE_CONFIG = "redis.ssl.truststore.type";
    /** Unset: the file's content decides. */
    public static final String SSL_TRUSTSTORE_TYPE_DEFAULT = null;
    private static final String SSL_TRUSTSTORE_TYPE_DOC = "The format of redis.ssl.truststore.location: PKCS12, JKS "
            + "or PEM (one or more -----BEGIN CERTIFICATE----- blocks). Unset (the default): detected from the file's "
            + "content, PEM text as PEM, a JKS store as JKS, anything else as PKCS12. When it is set, a file that "
            + "contradicts it is reported.";

    public static final String SSL_KEYSTORE_LOCATION_CONFIG = "redis.ssl.keystore.location";
    private static final String SSL_KEYSTORE_LOCATION_DOC = "For mutual TLS (Redis tls-auth-clients yes): the "
            + "client's private key and certificate, in one PEM file (a PKCS#8 -----BEGIN PRIVATE KEY----- or "
            + "-----BEGIN ENCRYPTED PRIVATE KEY----- block, then the certificate and its chain: "
            + "cat client.key client.crt > client.pem) or in a PKCS12 or JKS key store. Unset: no client certificate.";

    public static final String SSL_KEYSTORE_PASSWORD_CONFIG = "redis.ssl.keystore.password";
    private static final String SSL_KEYSTORE_PASSWORD_DOC = "The password of redis.ssl.keystore.location and of "
            + "the private key in it. For PEM: the password of an ENCRYPTED PRIVATE KEY; unset for a plain one.";

    public static final String SSL_KEYSTORE_TYPE_CONFIG = "redis.ssl.keystore.type";
    /** Unset: the file's content decides. */
    public static final String SSL_KEYSTORE_TYPE_DEFAULT = null;
    private static final String SSL_KEYSTORE_TYPE_DOC = "The format of redis.ssl.keystore.location: PKCS12, JKS or "
            + "PEM. Unset (the default): detected from the file's content, PEM text as PEM, a JKS store as JKS, "
            + "anything else as PKCS12. When it is set, a file that contradicts it is reported.";

    public static final String SSL_VERIFY_HOSTNAME_CONFIG = "redis.ssl.verify.hostname";
    public static final boolean SSL_VERIFY_HOSTNAME_DEFAULT = true;
    private static final String SSL_VERIFY_HOSTNAME_DOC = "Whether the Redis host name (from redis.uri) must match "
            + "the server certificate. Turn it off only for servers reached through an address their certificate "
            + "does not name; the certificate chain is still checked, and the task logs a warning.";

    public static final String CHANNEL_TEMPLATE_CONFIG = "channel.template";
    public static final String CHANNEL_TEMPLATE_DEFAULT = "events:{source_type}:{source_id}";
    private static final String CHANNEL_TEMPLATE_DOC = "The channels each notification is published to: one or "
            + "more comma-separated templates, text with references in braces. A reference is a value field "
            + "({source_id}, {value.actor.id}), the key ({key}, {key.FIELD}), a header ({header.NAME}) or record "
            + "metadata ({topic}, {partition}, {offset}, {timestamp}); each must be a non-empty string, number or "
            + "boolean, or the record is malformed and nothing is published for it. A record goes to every distinct "
            + "channel its templates render, in one pipeline: events:{source_type}:{source_id},events:{source_type},"
            + "events:all adds aggregate channels. A template written with a leading ? is optional: it is left out "
            + "for a record where one of its references is missing, null or empty; at least one template must be "
            + "required. Write {{ and }} for literal braces (a Redis Cluster hash tag: "
            + "events:{{{source_type}}}:{source_id}); a template cannot contain a comma. Use one channel per source, "
            + "not per event.";

    public static final String NOTIFICATION_FIELDS_CONFIG = "notification.fields";
    public static final String NOTIFICATION_FIELDS_DEFAULT = "id,type,source_id";
    private static final String NOTIFICATION_FIELDS_DOC = "The fields of the JSON notification, in order. An "
            + "entry is a value field name (id) or name=REFERENCE (event_id=value.meta.id, partition=partition), "
            + "with the references of channel.template. Numbers and booleans stay JSON numbers and booleans; a "
            + "field missing from the record is left out. Keep it to identifiers: subscribers fetch the full event "
            + "from Kafka or an API.";

    public static final String CHANNEL_MAX_BYTES_CONFIG = "channel.max.bytes";
    public static final int CHANNEL_MAX_BYTES_DEFAULT = 1024;
    private static final String CHANNEL_MAX_BYTES_DOC = "The longest channel name, in UTF-8 bytes. A record whose "
            + "channel would be longer is malformed.";

    public static final String NOTIFICATION_MAX_AGE_MS_CONFIG = "notification.max.age.ms";
    public static final long NOTIFICATION_MAX_AGE_MS_DEFAULT = 0L;
    private static final String NOTIFICATION_MAX_AGE_MS_DOC = "Records older than this, in milliseconds, when the "
            + "task receives them are not published: after downtime, a pause or an offset reset, subscribers get "
            + "today's news, not a flood of old events. The age is the time since the record's Kafka timestamp "
            + "(CreateTime: set by the producer, so a skewed producer clock skews it; LogAppendTime: when the broker "
            + "appended it, so it is the true lag). Records without a timestamp are never skipped. Skipped records "
            + "are counted (records-skipped-stale-total) and their offsets are committed like any other. 0 (the "
            + "default) publishes everything.";

    public static final String NOTIFICATION_MAX_RATE_CONFIG = "notification.max.rate";
    public static final int NOTIFICATION_MAX_RATE_DEFAULT = 0;
    private static final String NOTIFICATION_MAX_RATE_DOC = "The most notifications each task publishes per second "
            + "(the connector's limit is tasks.max times this), paced in slices of 20 ms, so that no second carries "
            + "more than about 1.04 times the rate, even while a backlog drains. put() waits for its turn at most "
            + "about a second; records "
            + "that do not fit are handed back to Kafka and come again (records-deferred-total), so with "
            + "notification.max.age.ms what grew too old while waiting is skipped. 0 (the default): no limit.";

    public static final String NOTIFICATION_COALESCE_CONFIG = "notification.coalesce";
    public static final boolean NOTIFICATION_COALESCE_DEFAULT = false;
    private static final String NOTIFICATION_COALESCE_DOC = "Whether to publish only the last notification per "
            + "channel of each put() batch (in batch order: for a channel fed by one partition, the one with the "
            + "highest offset), with a field (notification.coalesce.count.field) counting the notifications it "
            + "stands for. For dashboards that only need to know that a source changed, not for gateways that must "
            + "see every event. Counted in notifications-coalesced-total.";

    public static final String NOTIFICATION_COALESCE_COUNT_FIELD_CONFIG = "notification.coalesce.count.field";
    public static final String NOTIFICATION_COALESCE_COUNT_FIELD_DEFAULT = "coalesced";
    private static final String NOTIFICATION_COALESCE_COUNT_FIELD_DOC = "With notification.coalesce=true: the "
            + "field added to each notification, the number of notifications of its channel in the batch that it "
            + "stands for (itself included). Must differ from the names in notification.fields.";

    public static final String BEHAVIOR_ON_MALFORMED_RECORD_CONFIG = "behavior.on.malformed.record";
    public static final String BEHAVIOR_ON_MALFORMED_RECORD_DEFAULT = MalformedBehavior.SKIP.value();
    private static final String BEHAVIOR_ON_MALFORMED_RECORD_DOC = "What to do with a record that cannot become a "
            + "notification (value not a JSON object, a channel reference missing or not a scalar, channel too "
            + "long): 'skip' logs its topic/partition/offset, counts it and sends it to the dead-letter queue when "
            + "errors.tolerance=all and errors.deadletterqueue.topic.name are set; 'fail' stops the task.";

    public static final String BEHAVIOR_ON_NULL_VALUES_CONFIG = "behavior.on.null.values";
    public static final String BEHAVIOR_ON_NULL_VALUES_DEFAULT = NullValueBehavior.IGNORE.value();
    private static final String BEHAVIOR_ON_NULL_VALUES_DOC = "What to do with a tombstone (a record with a null "
            + "value): 'ignore' counts and skips it; 'fail' stops the task.";

    public static final ConfigDef CONFIG_DEF = configDef();

    private final RedisUris uris;
    private final RedisMode mode;
    private final ChannelTemplates channelTemplates;
    private final NotificationFields notificationFields;

    public RedisPubSubSinkConfig(Map<String, ?> props) {
        // doLog=false: AbstractConfig would log redis.uri, which may hold a password.
        super(CONFIG_DEF, props, false);
        mode = modeOf(values());
        uris = urisOf(values());
        channelTemplates = ChannelTemplates.parse(getList(CHANNEL_TEMPLATE_CONFIG));
        notificationFields = NotificationFields.parse(getList(NOTIFICATION_FIELDS_CONFIG));
        Map<String, String> errors = crossFieldErrors(values());
        if (!errors.isEmpty()) {
            throw new InvalidSettingException(errors);
        }
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(REDIS_URI_CONFIG, Type.STRING, REDIS_URI_DEFAULT, new Validators.RedisUri(), Importance.HIGH,
                        REDIS_URI_DOC, REDIS_GROUP, ++order, Width.LONG, "Redis URI")
                .define(REDIS_MODE_CONFIG, Type.STRING, null, Validators.unsetOr(
                                ConfigDef.CaseInsensitiveValidString.in(names(RedisMode.values()))), Importance.HIGH,
                        REDIS_MODE_DOC, REDIS_GROUP, ++order, Width.SHORT, "Redis mode")
                .define(REDIS_USERNAME_CONFIG, Type.STRING, null, new Validators.NotEmptyIfSet(), Importance.MEDIUM,
                        REDIS_USERNAME_DOC, REDIS_GROUP, ++order, Width.MEDIUM, "Redis ACL user")
                .define(REDIS_PASSWORD_CONFIG, Type.PASSWORD, null, new Validators.NotEmptyIfSet(), Importance.MEDIUM,
                        REDIS_PASSWORD_DOC, REDIS_GROUP, ++order, Width.MEDIUM, "Redis password")
                .define(REDIS_TIMEOUT_MS_CONFIG, Type.INT, REDIS_TIMEOUT_MS_DEFAULT, ConfigDef.Range.between(1, 600_000),
                        Importance.MEDIUM, REDIS_TIMEOUT_MS_DOC, REDIS_GROUP, ++order, Width.SHORT, "Redis timeout (ms)")
                .define(REDIS_RETRY_BACKOFF_MS_CONFIG, Type.LONG, REDIS_RETRY_BACKOFF_MS_DEFAULT,
                        ConfigDef.Range.between(1, 3_600_000), Importance.LOW, REDIS_RETRY_BACKOFF_MS_DOC,
                        REDIS_GROUP, ++order, Width.SHORT, "Retry backoff (ms)")
                .define(REDIS_RETRY_BACKOFF_MAX_MS_CONFIG, Type.LONG, REDIS_RETRY_BACKOFF_MAX_MS_DEFAULT,
                        ConfigDef.Range.between(1, 3_600_000), Importance.LOW, REDIS_RETRY_BACKOFF_MAX_MS_DOC,
                        REDIS_GROUP, ++order, Width.SHORT, "Maximum retry backoff (ms)")
                .define(REDIS_PIPELINE_SIZE_CONFIG, Type.INT, REDIS_PIPELINE_SIZE_DEFAULT,
                        ConfigDef.Range.between(1, 100_000), Importance.LOW, REDIS_PIPELINE_SIZE_DOC,
                        REDIS_GROUP, ++order, Width.SHORT, "Pipeline size")
                .define(DELIVERY_GUARANTEE_CONFIG, Type.STRING, DELIVERY_GUARANTEE_DEFAULT,
                        ConfigDef.CaseInsensitiveValidString.in(values(DeliveryGuarantee.values())),
                        Importance.MEDIUM, DELIVERY_GUARANTEE_DOC, REDIS_GROUP, ++order, Width.SHORT,
                        "Delivery guarantee")
                .define(REDIS_PUBLISH_COMMAND_CONFIG, Type.STRING, REDIS_PUBLISH_COMMAND_DEFAULT,
                        ConfigDef.CaseInsensitiveValidString.in("PUBLISH", "SPUBLISH"), Importance.MEDIUM,
                        REDIS_PUBLISH_COMMAND_DOC, REDIS_GROUP, ++order, Width.SHORT, "Publish command")
                .define(REDIS_SENTINEL_MASTER_CONFIG, Type.STRING, null, new Validators.NotEmptyIfSet(), Importance.MEDIUM,
                        REDIS_SENTINEL_MASTER_DOC, REDIS_GROUP, ++order, Width.MEDIUM, "Sentinel master name")
                .define(REDIS_SENTINEL_USERNAME_CONFIG, Type.STRING, null, new Validators.NotEmptyIfSet(), Importance.LOW,
                        REDIS_SENTINEL_USERNAME_DOC, REDIS_GROUP, ++order, Width.MEDIUM, "Sentinel ACL user")
                .define(REDIS_SENTINEL_PASSWORD_CONFIG, Type.PASSWORD, null, new Validators.NotEmptyIfSet(), Importance.LOW,
                        REDIS_SENTINEL_PASSWORD_DOC, REDIS_GROUP, ++order, Width.MEDIUM, "Sentinel password");
        order = 0;
        def.define(SSL_TRUSTSTORE_LOCATION_CONFIG, Type.STRING, null, new Validators.NotEmptyIfSet(), Importance.MEDIUM,
                        SSL_TRUSTSTORE_LOCATION_DOC, TLS_GROUP, ++order, Width.LONG, "Trust store location")
                .define(SSL_TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
                        SSL_TRUSTSTORE_PASSWORD_DOC, TLS_GROUP, ++order, Width.MEDIUM, "Trust store password")
                .define(SSL_TRUSTSTORE_TYPE_CONFIG, Type.STRING, SSL_TRUSTSTORE_TYPE_DEFAULT,
                        Validators.unsetOr(ConfigDef.CaseInsensitiveValidString.in("PKCS12", "JKS", "PEM")),
                        Importance.LOW,
                        SSL_TRUSTSTORE_TYPE_DOC, TLS_GROUP, ++order, Width.SHORT, "Trust store type")
                .define(SSL_KEYSTORE_LOCATION_CONFIG, Type.STRING, null, new Validators.NotEmptyIfSet(), Importance.MEDIUM,
                        SSL_KEYSTORE_LOCATION_DOC, TLS_GROUP, ++order, Width.LONG, "Key store location")
                .define(SSL_KEYSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
                        SSL_KEYSTORE_PASSWORD_DOC, TLS_GROUP, ++order, Width.MEDIUM, "Key store password")
                .define(SSL_KEYSTORE_TYPE_CONFIG, Type.STRING, SSL_KEYSTORE_TYPE_DEFAULT,
                        Validators.unsetOr(ConfigDef.CaseInsensitiveValidString.in("PKCS12", "JKS", "PEM")),
                        Importance.LOW,
                        SSL_KEYSTORE_TYPE_DOC, TLS_GROUP, ++order, Width.SHORT, "Key store type")
                .define(SSL_VERIFY_HOSTNAME_CONFIG, Type.BOOLEAN, SSL_VERIFY_HOSTNAME_DEFAULT, Importance.LOW,
                        SSL_VERIFY_HOSTNAME_DOC, TLS_GROUP, ++order, Width.SHORT, "Verify host name");
        order = 0;
        def.define(CHANNEL_TEMPLATE_CONFIG, Type.LIST, CHANNEL_TEMPLATE_DEFAULT, new Validators.Templates(),
                        Importance.HIGH, CHANNEL_TEMPLATE_DOC, NOTIFICATION_GROUP, ++order, Width.LONG, "Channel templates")
                .define(NOTIFICATION_FIELDS_CONFIG, Type.LIST, NOTIFICATION_FIELDS_DEFAULT, new Validators.Fields(),
                        Importance.HIGH, NOTIFICATION_FIELDS_DOC, NOTIFICATION_GROUP, ++order, Width.LONG, "Notification fields")
                .define(CHANNEL_MAX_BYTES_CONFIG, Type.INT, CHANNEL_MAX_BYTES_DEFAULT, ConfigDef.Range.between(1, 65_536),
                        Importance.LOW, CHANNEL_MAX_BYTES_DOC, NOTIFICATION_GROUP, ++order, Width.SHORT, "Channel max bytes");
        order = 0;
        def.define(NOTIFICATION_MAX_AGE_MS_CONFIG, Type.LONG, NOTIFICATION_MAX_AGE_MS_DEFAULT, ConfigDef.Range.atLeast(0),
                        Importance.MEDIUM, NOTIFICATION_MAX_AGE_MS_DOC, REAL_TIME_GROUP, ++order, Width.SHORT,
                        "Maximum age (ms)")
                .define(NOTIFICATION_MAX_RATE_CONFIG, Type.INT, NOTIFICATION_MAX_RATE_DEFAULT, ConfigDef.Range.atLeast(0),
                        Importance.MEDIUM, NOTIFICATION_MAX_RATE_DOC, REAL_TIME_GROUP, ++order, Width.SHORT,
                        "Maximum rate (notifications/s per task)")
                .define(NOTIFICATION_COALESCE_CONFIG, Type.BOOLEAN, NOTIFICATION_COALESCE_DEFAULT, Importance.LOW,
                        NOTIFICATION_COALESCE_DOC, REAL_TIME_GROUP, ++order, Width.SHORT, "Coalesce per channel")
                .define(NOTIFICATION_COALESCE_COUNT_FIELD_CONFIG, Type.STRING, NOTIFICATION_COALESCE_COUNT_FIELD_DEFAULT,
                        new ConfigDef.NonEmptyStringWithoutControlChars(), Importance.LOW,
                        NOTIFICATION_COALESCE_COUNT_FIELD_DOC, REAL_TIME_GROUP, ++order, Width.SHORT, "Coalesced count field");
        order = 0;
        def.define(BEHAVIOR_ON_MALFORMED_RECORD_CONFIG, Type.STRING, BEHAVIOR_ON_MALFORMED_RECORD_DEFAULT,
                        ConfigDef.CaseInsensitiveValidString.in(names(MalformedBehavior.values())),
                        Importance.MEDIUM, BEHAVIOR_ON_MALFORMED_RECORD_DOC, ERROR_GROUP, ++order, Width.SHORT,
                        "Behavior on malformed records")
                .define(BEHAVIOR_ON_NULL_VALUES_CONFIG, Type.STRING, BEHAVIOR_ON_NULL_VALUES_DEFAULT,
                        ConfigDef.CaseInsensitiveValidString.in(names(NullValueBehavior.values())),
                        Importance.MEDIUM, BEHAVIOR_ON_NULL_VALUES_DOC, ERROR_GROUP, ++order, Width.SHORT,
                        "Behavior on null values");
        return def;
    }

    /**
     * Checks that involve more than one setting, keyed by the setting to blame; the constructor throws them all.
     *
     * @param values settings already parsed by {@link #CONFIG_DEF}
     */
    private static Map<String, String> crossFieldErrors(Map<String, ?> values) {
        Map<String, String> errors = new LinkedHashMap<>();
        RedisMode mode = modeOf(values);
        RedisUris uris = urisOf(values);
        RedisEndpoint endpoint = uris.first();
        topologyErrors(values, mode, uris, errors);
        if (endpoint.password() != null && values.get(REDIS_PASSWORD_CONFIG) != null) {
            errors.put(REDIS_PASSWORD_CONFIG, "a password is also set in redis.uri; set it in one place only "
                    + "(prefer redis.password: validate responses show it as [hidden], and it can come from a config "
                    + "provider)");
        }
        if (endpoint.user() != null && values.get(REDIS_USERNAME_CONFIG) != null) {
            errors.put(REDIS_USERNAME_CONFIG, "a user is also set in redis.uri; set it in one place only");
        }
        String countField = (String) values.get(NOTIFICATION_COALESCE_COUNT_FIELD_CONFIG);
        if (Boolean.TRUE.equals(values.get(NOTIFICATION_COALESCE_CONFIG)) && fieldNamed(values, countField)) {
            errors.put(NOTIFICATION_COALESCE_COUNT_FIELD_CONFIG, "'" + countField + "' is also a name in "
                    + "notification.fields; choose another name for the count of coalesced notifications");
        }
        long backoff = (Long) values.get(REDIS_RETRY_BACKOFF_MS_CONFIG);
        if ((Long) values.get(REDIS_RETRY_BACKOFF_MAX_MS_CONFIG) < backoff) {
            errors.put(REDIS_RETRY_BACKOFF_MAX_MS_CONFIG, "must be at least redis.retry.backoff.ms (" + backoff + ")");
        }
        boolean tlsSettings = values.get(SSL_TRUSTSTORE_LOCATION_CONFIG) != null
                || values.get(SSL_KEYSTORE_LOCATION_CONFIG) != null;
        if (tlsSettings && !endpoint.tls()) {
            errors.put(values.get(SSL_TRUSTSTORE_LOCATION_CONFIG) != null ? SSL_TRUSTSTORE_LOCATION_CONFIG
                    : SSL_KEYSTORE_LOCATION_CONFIG, "is set but redis.uri is not rediss://; use rediss://host:port for TLS "
                    + "or remove the TLS settings");
        }
        for (String location : List.of(SSL_TRUSTSTORE_LOCATION_CONFIG, SSL_KEYSTORE_LOCATION_CONFIG)) {
            Object file = values.get(location);
            if (file != null && !Files.isReadable(Path.of((String) file))) {
                errors.put(location, "cannot read the file " + file + "; give the path of a readable file on every worker");
            }
        }
        return errors;
    }

    private static boolean fieldNamed(Map<String, ?> values, String name) {
        try {
            @SuppressWarnings("unchecked")
            List<String> entries = (List<String>) values.get(NOTIFICATION_FIELDS_CONFIG);
            return NotificationFields.parse(entries).names().contains(name);
        } catch (IllegalArgumentException invalid) {
            return false; // reported on notification.fields itself
        }
    }

    /** Topology checks: what the mode needs from redis.uri and the sentinel settings. */
    private static void topologyErrors(Map<String, ?> values, RedisMode mode, RedisUris uris, Map<String, String> errors) {
        List<RedisEndpoint> endpoints = uris.endpoints();
        if (uris.sentinelScheme() && mode != RedisMode.SENTINEL) {
            errors.put(REDIS_MODE_CONFIG, "redis.uri is a redis-sentinel:// URI but redis.mode is " + mode.value()
                    + "; set redis.mode=sentinel or remove it");
        }
        if (mode == RedisMode.STANDALONE && endpoints.size() > 1) {
            errors.put(REDIS_URI_CONFIG, "lists " + endpoints.size() + " servers, but redis.mode=standalone uses one; "
                    + "set redis.mode=cluster (seed nodes) or redis.mode=sentinel (sentinels), or give one URI");
        }
        for (RedisEndpoint other : endpoints) {
            if (other.tls() != uris.first().tls()) {
                errors.put(REDIS_URI_CONFIG, "mixes redis:// and rediss://; TLS is used for every node or for none");
            } else if (!other.sameCredentials(uris.first())) {
                errors.put(REDIS_URI_CONFIG, "the URIs carry different credentials; every data node uses the same "
                        + "redis.username and redis.password");
            }
        }
        if (mode == RedisMode.CLUSTER && uris.first().database() != 0) {
            errors.put(REDIS_URI_CONFIG, "a Redis Cluster has only database 0; remove /" + uris.first().database()
                    + " from the URI");
        }
        String master = (String) values.get(REDIS_SENTINEL_MASTER_CONFIG);
        if (mode == RedisMode.SENTINEL) {
            if (master == null && uris.sentinelMaster() == null) {
                errors.put(REDIS_SENTINEL_MASTER_CONFIG, "redis.mode=sentinel needs the name of the master, as the "
                        + "sentinels know it (sentinel monitor NAME ...): set redis.sentinel.master, or end a "
                        + "redis-sentinel:// URI with #NAME");
            } else if (master != null && uris.sentinelMaster() != null && !master.equals(uris.sentinelMaster())) {
                errors.put(REDIS_SENTINEL_MASTER_CONFIG, "is '" + master + "' but redis.uri names the master '"
                        + uris.sentinelMaster() + "'; name it in one place only");
            }
        } else {
            for (String key : List.of(REDIS_SENTINEL_MASTER_CONFIG, REDIS_SENTINEL_USERNAME_CONFIG, REDIS_SENTINEL_PASSWORD_CONFIG)) {
                if (values.get(key) != null) {
                    errors.put(key, "is set but redis.mode is " + mode.value() + "; set redis.mode=sentinel or remove it");
                }
            }
        }
    }

    private static RedisMode modeOf(Map<String, ?> values) {
        String mode = (String) values.get(REDIS_MODE_CONFIG);
        if (mode != null) {
            return RedisMode.valueOf(mode.trim().toUpperCase(Locale.ROOT));
        }
        String uri = (String) values.get(REDIS_URI_CONFIG);
        return uri != null && uri.trim().toLowerCase(Locale.ROOT).matches("^rediss?-sentinel://.*")
                ? RedisMode.SENTINEL : RedisMode.STANDALONE;
    }

    private static RedisUris urisOf(Map<String, ?> values) {
        return RedisUris.parse((String) values.get(REDIS_URI_CONFIG), modeOf(values) == RedisMode.SENTINEL
                ? RedisEndpoint.DEFAULT_SENTINEL_PORT : RedisEndpoint.DEFAULT_PORT);
    }

    /** The first URI of redis.uri; every URI has the same scheme and credentials. */
    public RedisEndpoint endpoint() {
        return uris.first();
    }

    public RedisMode mode() {
        return mode;
    }

    /**
     * Every node of redis.uri, in order: the one server (standalone), the seed nodes (cluster) or the sentinels;
     * they share one scheme and one set of credentials.
     */
    public List<RedisEndpoint> endpoints() {
        return uris.endpoints();
    }

    /** redis.mode=sentinel: the master's name, from redis.sentinel.master or the URI's #NAME; otherwise {@code null}. */
    public String sentinelMaster() {
        String master = getString(REDIS_SENTINEL_MASTER_CONFIG);
        return master != null ? master : uris.sentinelMaster();
    }

    /** The sentinels' own ACL user, or {@code null}. */
    public String sentinelUser() {
        return getString(REDIS_SENTINEL_USERNAME_CONFIG);
    }

    /** The sentinels' own password, or {@code null}. */
    public String sentinelPassword() {
        Password password = getPassword(REDIS_SENTINEL_PASSWORD_CONFIG);
        return password == null ? null : password.value();
    }

    public PublishCommand publishCommand() {
        return PublishCommand.parse(getString(REDIS_PUBLISH_COMMAND_CONFIG));
    }

    /** The user from redis.uri or redis.username, or {@code null}. */
    public String user() {
        return endpoint().user() != null ? endpoint().user() : getString(REDIS_USERNAME_CONFIG);
    }

    /** The password from redis.uri or redis.password, or {@code null}. */
    public String password() {
        Password password = getPassword(REDIS_PASSWORD_CONFIG);
        return endpoint().password() != null ? endpoint().password() : password == null ? null : password.value();
    }

    public int timeoutMs() {
        return getInt(REDIS_TIMEOUT_MS_CONFIG);
    }

    public long retryBackoffMs() {
        return getLong(REDIS_RETRY_BACKOFF_MS_CONFIG);
    }

    public long retryBackoffMaxMs() {
        return getLong(REDIS_RETRY_BACKOFF_MAX_MS_CONFIG);
    }

    public int pipelineSize() {
        return getInt(REDIS_PIPELINE_SIZE_CONFIG);
    }

    public DeliveryGuarantee deliveryGuarantee() {
        return DeliveryGuarantee.parse(getString(DELIVERY_GUARANTEE_CONFIG));
    }

    /** The TLS material to use for rediss://, or {@code null} to use the JVM's defaults. */
    public TlsSettings tls() {
        return new TlsSettings(pathOrNull(SSL_TRUSTSTORE_LOCATION_CONFIG), secret(SSL_TRUSTSTORE_PASSWORD_CONFIG),
                typeIfSet(SSL_TRUSTSTORE_TYPE_CONFIG),
                pathOrNull(SSL_KEYSTORE_LOCATION_CONFIG), secret(SSL_KEYSTORE_PASSWORD_CONFIG),
                typeIfSet(SSL_KEYSTORE_TYPE_CONFIG),
                getBoolean(SSL_VERIFY_HOSTNAME_CONFIG));
    }

    /** A store type the user set, upper case; {@code null} when unset (the default), so the file's content decides. */
    private String typeIfSet(String key) {
        String type = getString(key);
        return type == null ? null : type.toUpperCase(Locale.ROOT);
    }

    private Path pathOrNull(String key) {
        String location = getString(key);
        return location == null ? null : Path.of(location);
    }

    private char[] secret(String key) {
        Password password = getPassword(key);
        return password == null ? null : password.value().toCharArray();
    }

    /**
     * One channel per template, with every reference replaced by a placeholder; used to ask Redis whether the
     * user may publish there without publishing anything.
     */
    public List<String> sampleChannels() {
        return channelTemplates.samples("probe");
    }

    public ChannelTemplates channelTemplates() {
        return channelTemplates;
    }

    /** 0 when off. */
    public long notificationMaxAgeMs() {
        return getLong(NOTIFICATION_MAX_AGE_MS_CONFIG);
    }

    /** 0 when unlimited. */
    public int notificationMaxRate() {
        return getInt(NOTIFICATION_MAX_RATE_CONFIG);
    }

    /** The count field's name when coalescing is on, {@code null} when it is off. */
    public String coalesceCountField() {
        return getBoolean(NOTIFICATION_COALESCE_CONFIG) ? getString(NOTIFICATION_COALESCE_COUNT_FIELD_CONFIG) : null;
    }

    public NotificationFields notificationFields() {
        return notificationFields;
    }

    public int channelMaxBytes() {
        return getInt(CHANNEL_MAX_BYTES_CONFIG);
    }

    public MalformedBehavior malformedBehavior() {
        return MalformedBehavior.valueOf(getString(BEHAVIOR_ON_MALFORMED_RECORD_CONFIG).toUpperCase(Locale.ROOT));
    }

    public NullValueBehavior nullValueBehavior() {
        return NullValueBehavior.valueOf(getString(BEHAVIOR_ON_NULL_VALUES_CONFIG).toUpperCase(Locale.ROOT));
    }

    /** The settings as they matter to an operator, without secrets, for the task's start-up log line. */
    public String describe() {
        return "redis=" + String.join(",", uris.endpoints().stream().map(RedisEndpoint::toString).toList())
                + (user() != null ? " (user " + user() + ")" : "")
                + ", redis.mode=" + mode.value()
                + (mode == RedisMode.SENTINEL ? ", redis.sentinel.master=" + sentinelMaster() : "")
                + ", redis.publish.command=" + publishCommand()
                + ", channel.template=" + channelTemplates
                + ", notification.fields=" + notificationFields
                + ", behavior.on.malformed.record=" + malformedBehavior().value()
                + ", behavior.on.null.values=" + nullValueBehavior().value()
                + ", delivery.guarantee=" + deliveryGuarantee().value()
                + (notificationMaxAgeMs() > 0 ? ", notification.max.age.ms=" + notificationMaxAgeMs() : "")
                + (notificationMaxRate() > 0 ? ", notification.max.rate=" + notificationMaxRate() : "")
                + (coalesceCountField() != null ? ", notification.coalesce=true (count field " + coalesceCountField() + ")" : "");
    }

    /** redis.mode; {@code RedisTopology.of} is the one place that turns it into a way of reaching Redis. */
    public enum RedisMode {
        STANDALONE, CLUSTER, SENTINEL;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum MalformedBehavior {
        SKIP, FAIL;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum NullValueBehavior {
        IGNORE, FAIL;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum DeliveryGuarantee {
        BEST_EFFORT, AT_LEAST_ONCE;

        /** best-effort, at-least-once */
        public String value() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static DeliveryGuarantee parse(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    private static String[] values(DeliveryGuarantee[] guarantees) {
        String[] values = new String[guarantees.length];
        for (int i = 0; i < guarantees.length; i++) {
            values[i] = guarantees[i].value();
        }
        return values;
    }

    private static String[] names(Enum<?>[] values) {
        String[] names = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            names[i] = values[i].name().toLowerCase(Locale.ROOT);
        }
        return names;
    }
}
