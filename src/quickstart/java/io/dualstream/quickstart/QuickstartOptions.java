package io.dualstream.quickstart;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;

/**
 * The quickstart's settings, read from {@code -Dquickstart.*} system properties (the Maven profile forwards
 * the user's flags). An empty value means "not set".
 *
 * @param duration how long to run; null runs until Ctrl-C
 * @param bootstrapServers an existing Kafka; null starts an embedded broker
 * @param redisUri an existing Redis (in cluster mode: seed URIs, comma-separated); null uses localhost:6379 or
 *                 spawns redis-server (in cluster mode: spawns a cluster)
 * @param redisMode a standalone Redis, or a Redis Cluster published to with SPUBLISH
 * @param httpPort the live page's port (the gateway binds 127.0.0.1 only)
 */
public record QuickstartOptions(int rate, Duration duration, String bootstrapServers, String redisUri,
                                RedisMode redisMode, int restPort,
                                int httpPort, Path pluginPath, Path connectorConfig, Path workDir, View view) {

    /** How Redis is deployed: the connector's {@code redis.mode}. */
    public enum RedisMode {
        STANDALONE, CLUSTER
    }

    /** How the live view is drawn. */
    public enum View {
        AUTO, ANSI, PLAIN
    }

    public static QuickstartOptions from(Properties props) {
        Path pluginPath = Path.of(required(props, "quickstart.plugin.path"));
        if (!Files.isDirectory(pluginPath)) {
            throw new QuickstartException("quickstart.plugin.path " + pluginPath + " is not a directory: build the "
                    + "plugin first (./mvnw -q -Pquickstart package does)");
        }
        Path connectorConfig = Path.of(required(props, "quickstart.connector.config"));
        if (!Files.isRegularFile(connectorConfig)) {
            throw new QuickstartException("quickstart.connector.config " + connectorConfig + " does not exist");
        }
        return new QuickstartOptions(
                positiveInt(props, "quickstart.rate", 50, 100_000, "events per second"),
                duration(optional(props, "quickstart.duration")),
                optional(props, "quickstart.bootstrap.servers"),
                optional(props, "quickstart.redis.uri"),
                redisMode(optional(props, "quickstart.redis.mode")),
                positiveInt(props, "quickstart.rest.port", 8083, 65_535, "a TCP port"),
                positiveInt(props, "quickstart.http.port", 8080, 65_535, "a TCP port"),
                pluginPath,
                connectorConfig,
                Path.of(optional(props, "quickstart.work.dir") == null ? "target/quickstart"
                        : optional(props, "quickstart.work.dir")),
                view(optional(props, "quickstart.view")));
    }

    private static String optional(Properties props, String key) {
        String value = props.getProperty(key);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String required(Properties props, String key) {
        String value = optional(props, key);
        if (value == null) {
            throw new QuickstartException(key + " is not set: start the quickstart with ./mvnw -q -Pquickstart package");
        }
        return value;
    }

    private static int positiveInt(Properties props, String key, int defaultValue, int max, String what) {
        String value = optional(props, key);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= 1 && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below, with the accepted range
        }
        throw new QuickstartException(key + " must be a whole number from 1 to " + max + " (" + what + "), not '"
                + value + "'");
    }

    /** {@code 30s}, {@code 2m}, {@code 1h}, or a plain number of seconds. */
    static Duration duration(String value) {
        if (value == null) {
            return null;
        }
        String text = value.toLowerCase(Locale.ROOT);
        char unit = text.charAt(text.length() - 1);
        String number = Character.isDigit(unit) ? text : text.substring(0, text.length() - 1);
        long amount;
        try {
            amount = Long.parseLong(number);
        } catch (NumberFormatException e) {
            amount = -1;
        }
        if (amount <= 0) {
            throw new QuickstartException("quickstart.duration must look like 30s, 5m or 1h, not '" + value + "'");
        }
        return switch (unit) {
            case 'h' -> Duration.ofHours(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 's' -> Duration.ofSeconds(amount);
            default -> {
                if (!Character.isDigit(unit)) {
                    throw new QuickstartException("quickstart.duration must look like 30s, 5m or 1h, not '" + value + "'");
                }
                yield Duration.ofSeconds(amount);
            }
        };
    }

    private static RedisMode redisMode(String value) {
        return choice("quickstart.redis.mode", value, RedisMode.class, RedisMode.STANDALONE, "standalone or cluster");
    }

    private static View view(String value) {
        return choice("quickstart.view", value, View.class, View.AUTO, "auto, ansi or plain");
    }

    /** One of an enum's constants, written in any case; {@code choices} lists them for the error. */
    private static <E extends Enum<E>> E choice(String key, String value, Class<E> type, E defaultValue,
                                                String choices) {
        if (value == null) {
            return defaultValue;
        }
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new QuickstartException(key + " must be " + choices + ", not '" + value + "'");
        }
    }
}
