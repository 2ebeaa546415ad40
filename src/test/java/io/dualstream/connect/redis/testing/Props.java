package io.dualstream.connect.redis.testing;

import java.util.HashMap;
import java.util.Map;

/** Settings written inline in tests: {@code Props.of("redis.uri", uri, "redis.mode", "cluster")}. */
public final class Props {

    private Props() {
    }

    /** A mutable map of the key/value pairs, so that a test can add to it. */
    public static Map<String, String> of(String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values come in pairs: " + String.join(", ", keyValues));
        }
        Map<String, String> props = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return props;
    }
}
