package io.dualstream.connect.redis.publish;

/** A misconfiguration that {@code validate()} found while reaching Redis, blamed on the setting to fix. */
public final class ProbeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String key;

    public ProbeException(String key, String message) {
        super(message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
