package io.dualstream.connect.redis.publish;

import redis.clients.jedis.util.SafeEncoder;

import java.util.Locale;

/** Redis's replies and error lines, read the same way wherever the connector asks Redis something. */
final class RedisReplies {

    /** What an error reply to the connection set-up says about the credentials. */
    enum Refusal {
        /** WRONGPASS (Redis 6+), or an older server's "invalid password" / "invalid username". */
        WRONG_CREDENTIALS,
        /** NOAUTH: the server wants a password and none was given. */
        NO_CREDENTIALS,
        /** NOPERM: the user may not run a command the connection needs. */
        NO_PERMISSION,
        /** Anything else. */
        OTHER;

        static Refusal of(String message) {
            String upper = message == null ? "" : message.toUpperCase(Locale.ROOT);
            if (upper.startsWith("WRONGPASS") || upper.contains("INVALID PASSWORD") || upper.contains("INVALID USERNAME")) {
                return WRONG_CREDENTIALS;
            }
            if (upper.startsWith("NOAUTH")) {
                return NO_CREDENTIALS;
            }
            return upper.startsWith("NOPERM") ? NO_PERMISSION : OTHER;
        }
    }

    private RedisReplies() {
    }

    /** A bulk string as text; any other reply as {@link String#valueOf}. */
    static String text(Object reply) {
        return reply instanceof byte[] bytes ? SafeEncoder.encode(bytes) : String.valueOf(reply);
    }
}
