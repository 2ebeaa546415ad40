package io.dualstream.connect.redis.security;

import org.apache.kafka.common.config.ConfigException;

/** A trust or key store that cannot be loaded, blamed on the setting that names it. */
public final class TlsSetupException extends ConfigException {

    private static final long serialVersionUID = 1L;

    private final String key;

    public TlsSetupException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
