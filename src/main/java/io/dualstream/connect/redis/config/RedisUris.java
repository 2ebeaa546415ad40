package io.dualstream.connect.redis.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A parsed {@code redis.uri}: one URI or a comma-separated list of them (cluster seeds, sentinels), or the
 * {@code redis-sentinel://[user:password@]host1:26379,host2:26379[/db]#master} form that Lettuce and Spring
 * users write ({@code rediss-sentinel://} for TLS).
 *
 * @param sentinelMaster the master named after '#' in a redis-sentinel:// URI, or {@code null}
 */
public record RedisUris(List<RedisEndpoint> endpoints, boolean sentinelScheme, String sentinelMaster) {

    /** @throws IllegalArgumentException saying which URI is wrong and how */
    public static RedisUris parse(String text, int defaultPort) {
        if (text == null || text.isBlank()) {
            return new RedisUris(List.of(RedisEndpoint.parse(text, defaultPort)), false, null);
        }
        String trimmed = text.trim();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.startsWith("redis-sentinel://") || lower.startsWith("rediss-sentinel://")) {
            return parseSentinelForm(trimmed, lower.startsWith("rediss"));
        }
        List<RedisEndpoint> endpoints = new ArrayList<>();
        for (String part : trimmed.split(",")) {
            if (part.isBlank()) {
                throw new IllegalArgumentException("empty entry in the list; separate URIs with single commas");
            }
            try {
                endpoints.add(RedisEndpoint.parse(part, defaultPort));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(endpoints.isEmpty() && !trimmed.contains(",") ? e.getMessage()
                        : "'" + RedisEndpoint.mask(part.trim()) + "': " + e.getMessage(), e);
            }
        }
        return new RedisUris(List.copyOf(endpoints), false, null);
    }

    private static RedisUris parseSentinelForm(String text, boolean tls) {
        String rest = text.substring(text.indexOf("://") + 3);
        String master = null;
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            master = rest.substring(hash + 1).trim();
            rest = rest.substring(0, hash);
            if (master.isEmpty()) {
                master = null;
            }
        }
        int at = rest.lastIndexOf('@');
        String userInfo = at < 0 ? "" : rest.substring(0, at + 1);
        rest = rest.substring(at + 1);
        int slash = rest.indexOf('/');
        String path = slash < 0 ? "" : rest.substring(slash);
        String hosts = slash < 0 ? rest : rest.substring(0, slash);
        List<RedisEndpoint> endpoints = new ArrayList<>();
        for (String host : hosts.split(",")) {
            if (host.isBlank()) {
                throw new IllegalArgumentException("a redis-sentinel:// URI needs host:port entries separated by commas, "
                        + "for example redis-sentinel://host1:26379,host2:26379#mymaster");
            }
            endpoints.add(RedisEndpoint.parse((tls ? "rediss://" : "redis://") + userInfo + host.trim() + path,
                    RedisEndpoint.DEFAULT_SENTINEL_PORT));
        }
        return new RedisUris(List.copyOf(endpoints), true, master);
    }

    public RedisEndpoint first() {
        return endpoints.get(0);
    }
}
