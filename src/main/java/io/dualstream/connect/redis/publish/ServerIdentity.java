package io.dualstream.connect.redis.publish;

import java.util.Locale;
import java.util.Map;

/**
 * What a data node says it is, read the way each server reports it: the product (Redis, Valkey), its version and its
 * mode ({@code standalone}, {@code cluster}, {@code sentinel}). {@code validate()} names it in its messages
 * ("Valkey 8.0.1 in cluster mode").
 *
 * <p>Valkey answers {@code HELLO} as Redis does, with its own name in {@code server}. In {@code INFO server} it
 * differs: its mode is {@code server_mode} (not {@code redis_mode}), its version is {@code valkey_version}, and
 * {@code redis_version} is a fixed compatibility value (7.2.4 on every Valkey 8), so that one must not be read as
 * Valkey's version.
 *
 * @param product the server's name, as {@code HELLO}'s {@code server} or {@code INFO}'s {@code server_name} gives it
 * @param version the server's own version; empty when it reports none
 * @param mode    {@code standalone}, {@code cluster} or {@code sentinel}
 */
public record ServerIdentity(String product, String version, String mode) {

    /** From the map {@code HELLO} answers ({@code server}, {@code version}, {@code mode}, ...). */
    public static ServerIdentity fromHello(Map<String, String> hello) {
        return new ServerIdentity(productName(hello.getOrDefault("server", "redis")), hello.getOrDefault("version", ""),
                hello.getOrDefault("mode", "standalone"));
    }

    /** From the fields of {@code INFO server}. */
    public static ServerIdentity fromInfo(Map<String, String> info) {
        String valkeyVersion = info.get("valkey_version");
        String name = info.getOrDefault("server_name", valkeyVersion != null ? "valkey" : "redis");
        String version = valkeyVersion != null ? valkeyVersion : info.getOrDefault("redis_version", "");
        String mode = info.getOrDefault("server_mode", info.getOrDefault("redis_mode", "standalone"));
        return new ServerIdentity(productName(name), version, mode);
    }

    private static String productName(String reported) {
        return switch (reported.toLowerCase(Locale.ROOT)) {
            case "redis" -> "Redis";
            case "valkey" -> "Valkey";
            default -> reported;
        };
    }

    /**
     * Whether the server has sharded Pub/Sub ({@code SPUBLISH}): Redis 7 and later, and every Valkey (its first
     * release is 7.2). A server whose version cannot be read gets the benefit of the doubt; a refused
     * {@code SPUBLISH} shows at run time.
     */
    public boolean hasShardedPubSub() {
        if (product.equals("Valkey")) {
            return true;
        }
        int dot = version.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? version : version.substring(0, dot)) >= 7;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** "Redis 7.0.15", "Valkey 8.0.1". */
    @Override
    public String toString() {
        return version.isEmpty() ? product : product + " " + version;
    }
}
