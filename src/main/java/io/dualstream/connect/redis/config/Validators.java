package io.dualstream.connect.redis.config;

import io.dualstream.connect.redis.mapping.ChannelTemplates;
import io.dualstream.connect.redis.mapping.NotificationFields;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.util.List;

/**
 * Validators that compile the setting the way the task will, so that {@code validate()} and {@code start()}
 * report the same message.
 */
final class Validators {

    private Validators() {
    }

    static final class RedisUri implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                RedisUris.parse((String) value, RedisEndpoint.DEFAULT_PORT);
            } catch (IllegalArgumentException e) {
                // Masked: the URI may carry a password, and this message is shown by the REST API.
                throw new ConfigException(name, RedisEndpoint.mask((String) value), e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "redis://[user[:password]@]host[:port][/db] or rediss://..., comma-separated for several nodes, "
                    + "or redis-sentinel://host:port,...#master";
        }
    }

    static final class Templates implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                @SuppressWarnings("unchecked")
                List<String> entries = (List<String>) value;
                ChannelTemplates.parse(entries);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "comma-separated templates: text with {reference} placeholders, ? in front for an optional one";
        }
    }

    static final class Fields implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                @SuppressWarnings("unchecked")
                List<String> entries = (List<String>) value;
                NotificationFields.parse(entries);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "comma-separated name or name=REFERENCE entries";
        }
    }

    /** Unset, or what {@code inner} accepts. */
    static ConfigDef.Validator unsetOr(ConfigDef.Validator inner) {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            if (value != null) {
                inner.ensureValid(name, value);
            }
        }, () -> "unset, or " + inner);
    }

    /** Unset is fine; an empty string is almost always a templating mistake. */
    static final class NotEmptyIfSet implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String text = value instanceof Password password ? password.value() : (String) value;
            if (text != null && text.isEmpty()) {
                // The value is never echoed: it may be a password.
                throw new ConfigException(name + " is empty; remove the setting or give it a value");
            }
        }

        @Override
        public String toString() {
            return "unset, or a non-empty string";
        }
    }
}
