package io.dualstream.connect.redis.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;

/**
 * Unit tests never dial out by accident: while surefire runs them (it sets {@code tests.offline=true}), a TCP
 * connection to anything but loopback, or to port 6379 on loopback (the machine's own Redis, which a unit test
 * must not depend on), fails the test that opens it, before any packet is sent. Tests that need Redis use a seam
 * ({@code OfflineConnectors}) or a {@code redis-server} of their own on a free port.
 *
 * <p>A {@link java.net.Socket} asks the default {@link ProxySelector} how to reach {@code socket://host:port}
 * before it connects, which is where this looks. It does not see name lookups, nor NIO channels (Kafka's clients),
 * which unit tests do not use.
 */
public final class NoDialingOut implements LauncherSessionListener {

    public static final String PROPERTY = "tests.offline";
    static final int SHARED_REDIS_PORT = 6379;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (Boolean.getBoolean(PROPERTY)) {
            ProxySelector.setDefault(new Guard(ProxySelector.getDefault()));
        }
    }

    private static final class Guard extends ProxySelector {
        private final ProxySelector next;

        Guard(ProxySelector next) {
            this.next = next;
        }

        @Override
        public List<Proxy> select(URI uri) {
            if ("socket".equals(uri.getScheme()) && !(loopback(uri.getHost()) && uri.getPort() != SHARED_REDIS_PORT)) {
                throw new AssertionError("a unit test dialled " + uri.getHost() + ":" + uri.getPort()
                        + "; use a seam (OfflineConnectors) or a redis-server of its own on a free port");
            }
            return next == null ? List.of(Proxy.NO_PROXY) : next.select(uri);
        }

        @Override
        public void connectFailed(URI uri, SocketAddress address, IOException e) {
            if (next != null) {
                next.connectFailed(uri, address, e);
            }
        }

        private static boolean loopback(String host) {
            return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("::1")
                    || host.equals("[::1]") || host.equals("0:0:0:0:0:0:0:1"));
        }
    }
}
