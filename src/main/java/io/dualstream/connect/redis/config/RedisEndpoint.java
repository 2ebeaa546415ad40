package io.dualstream.connect.redis.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A parsed {@code redis.uri}: {@code redis://[user[:password]@]host[:port][/db]}, or {@code rediss://} for TLS.
 */
public record RedisEndpoint(String host, int port, boolean tls, String user, String password, int database) {

    public static final int DEFAULT_PORT = 6379;
    public static final int DEFAULT_SENTINEL_PORT = 26379;

    /** @throws IllegalArgumentException saying what is wrong and how a valid URI looks */
    public static RedisEndpoint parse(String text) {
        return parse(text, DEFAULT_PORT);
    }

    /** Like {@link #parse(String)}, with the port to use when the URI names none. */
    public static RedisEndpoint parse(String text, int defaultPort) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no URI given; use redis://host:6379 or rediss://host:6380 for TLS");
        }
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URI (" + e.getReason() + "); use redis://host:6379", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new IllegalArgumentException("scheme must be redis:// or rediss:// (TLS), for example redis://localhost:6379");
        }
        String host = uri.getHost();
        int port = uri.getPort();
        if (host == null && uri.getRawAuthority() != null) {
            // java.net.URI leaves host empty for names it considers invalid, such as compose services with '_'.
            String hostPort = uri.getRawAuthority().substring(uri.getRawAuthority().lastIndexOf('@') + 1);
            int colon = hostPort.lastIndexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            port = colon < 0 ? -1 : parsePort(hostPort.substring(colon + 1));
        }
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("no host; use redis://host:6379");
        }
        port = port == -1 ? defaultPort : port;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range; use 1 to 65535, for example redis://host:6379");
        }
        int database = parseDatabase(uri.getPath());
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("query parameters and fragments are not supported; set options with the redis.* settings");
        }

        String user = null;
        String password = null;
        String info = uri.getRawUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            if (colon < 0) {
                user = decode(info);
            } else {
                user = colon == 0 ? null : decode(info.substring(0, colon));
                password = decode(info.substring(colon + 1));
            }
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new RedisEndpoint(host, port, scheme.equals("rediss"), user, password, database);
    }

    private static int parseDatabase(String path) {
        if (path == null || path.isEmpty() || path.equals("/")) {
            return 0;
        }
        try {
            int db = Integer.parseInt(path.substring(1));
            if (db >= 0) {
                return db;
            }
        } catch (NumberFormatException e) {
            // fall through to the explanation below
        }
        throw new IllegalArgumentException("path must be a database number such as /0; Pub/Sub channels are the same in every database");
    }

    private static int parsePort(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number; use redis://host:6379", e);
        }
    }

    /** Decodes %XX escapes only: unlike form data, a '+' in a URI is a plus sign. */
    private static String decode(String part) {
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /**
     * The text with its password hidden ({@code redis://user:[hidden]@host}), safe for logs and error messages.
     * Text that is not shaped like a URI has everything before the last '@' hidden.
     */
    public static String mask(String uriText) {
        if (uriText == null) {
            return null;
        }
        int at = uriText.lastIndexOf('@');
        if (at < 0) {
            return uriText;
        }
        int scheme = uriText.indexOf("://");
        if (scheme < 0 || scheme > at) {
            return "[hidden]" + uriText.substring(at);
        }
        int colon = uriText.indexOf(':', scheme + 3);
        if (colon < 0 || colon > at) {
            return uriText; // a user without a password
        }
        return uriText.substring(0, colon + 1) + "[hidden]" + uriText.substring(at);
    }

    /** Whether the two carry the same user and password. */
    boolean sameCredentials(RedisEndpoint other) {
        return java.util.Objects.equals(user, other.user) && java.util.Objects.equals(password, other.password);
    }

    /** host:port, for logs. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return (tls ? "rediss://" : "redis://") + (user != null ? user + "@" : "") + address() + "/" + database;
    }
}
