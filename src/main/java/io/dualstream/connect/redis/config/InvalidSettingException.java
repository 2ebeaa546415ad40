package io.dualstream.connect.redis.config;

import org.apache.kafka.common.config.ConfigException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings that cannot work, each blamed on the setting to fix. The settings and reasons are data, so that
 * {@code validate()} reports each on its key and nobody parses a message; the message names the first, for the
 * task or connector that fails to start with it.
 */
public final class InvalidSettingException extends ConfigException {

    private static final long serialVersionUID = 1L;

    private final Map<String, String> reasons;

    public InvalidSettingException(String key, String reason) {
        this(Map.of(key, reason));
    }

    /** @param reasons by setting, in the order to report them; not empty */
    public InvalidSettingException(Map<String, String> reasons) {
        super(message(reasons));
        this.reasons = Collections.unmodifiableMap(new LinkedHashMap<>(reasons));
    }

    private static String message(Map<String, String> reasons) {
        Map.Entry<String, String> first = reasons.entrySet().iterator().next();
        return "Invalid configuration " + first.getKey() + ": " + first.getValue();
    }

    /** Why each setting cannot work, by setting. */
    public Map<String, String> reasons() {
        return reasons;
    }

    /** The first setting to fix. */
    public String key() {
        return reasons.keySet().iterator().next();
    }
}
