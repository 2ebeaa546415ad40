package io.dualstream.connect.redis.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;

import java.util.List;
import java.util.Locale;

/**
 * The configuration reference in Markdown, generated from {@link RedisPubSubSinkConfig#CONFIG_DEF} so that
 * docs/configuration.md cannot drift from the code (a test compares them).
 */
public final class ConfigReference {

    private ConfigReference() {
    }

    public static String markdown() {
        StringBuilder out = new StringBuilder();
        ConfigDef def = RedisPubSubSinkConfig.CONFIG_DEF;
        for (String group : def.groups()) {
            out.append("#### ").append(group).append("\n\n");
            out.append("| Key | Type | Default | Valid values | Importance | Description |\n");
            out.append("|---|---|---|---|---|---|\n");
            List<ConfigKey> keys = def.configKeys().values().stream()
                    .filter(key -> group.equals(key.group))
                    .sorted((a, b) -> Integer.compare(a.orderInGroup, b.orderInGroup))
                    .toList();
            for (ConfigKey key : keys) {
                out.append("| `").append(key.name).append("` | ")
                        .append(key.type.name().toLowerCase(Locale.ROOT)).append(" | ")
                        .append(defaultOf(key)).append(" | ")
                        .append(key.validator == null ? "" : escape(key.validator.toString())).append(" | ")
                        .append(key.importance.name().toLowerCase(Locale.ROOT)).append(" | ")
                        .append(escape(key.documentation)).append(" |\n");
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String defaultOf(ConfigKey key) {
        if (!key.hasDefault() || key.defaultValue == null) {
            return "";
        }
        Object value = key.defaultValue;
        String text = value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
                : String.valueOf(value);
        return "`" + text + "`";
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    /** Prints the reference, for pasting or piping. */
    public static void main(String[] args) {
        System.out.print(markdown());
    }
}
