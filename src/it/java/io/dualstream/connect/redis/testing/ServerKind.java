package io.dualstream.connect.redis.testing;

import io.dualstream.quickstart.RedisServer;

import java.util.Locale;

/**
 * Which server the fixtures start: {@code redis-server} or {@code valkey-server}, and the matching CLI. One switch
 * for every fixture, the system property {@value #PROPERTY} ({@code redis}, the default, or {@code valkey}), so the
 * same tests run against either server (the build's {@code valkey-core} execution sets it).
 */
public enum ServerKind {
    REDIS("Redis", RedisServer.SERVER, RedisServer.CLI, "redis:7-alpine",
            "Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis"),
    VALKEY("Valkey", "valkey-server", "valkey-cli", "valkey/valkey:8-alpine",
            "Debian 12: apt-get install -t bookworm-backports valkey-server; macOS: brew install valkey");

    public static final String PROPERTY = "redis.server.kind";

    private final String product;
    private final String server;
    private final String cli;
    private final String image;
    private final String installHint;

    ServerKind(String product, String server, String cli, String image, String installHint) {
        this.product = product;
        this.server = server;
        this.cli = cli;
        this.image = image;
        this.installHint = installHint;
    }

    /** The kind this test run uses. */
    public static ServerKind current() {
        String value = System.getProperty(PROPERTY, "redis").strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "", "redis" -> REDIS;
            case "valkey" -> VALKEY;
            default -> throw new IllegalArgumentException(PROPERTY + "=" + value + ": use redis or valkey");
        };
    }

    /** The name a server of this kind reports ({@code HELLO}'s {@code server}), as the connector's messages name it. */
    public String product() {
        return product;
    }

    /** The server binary: {@code redis-server} or {@code valkey-server}; with {@code --sentinel} also the sentinel. */
    public String server() {
        return server;
    }

    /** The command-line client, for {@code --cluster create} and {@code --cluster reshard}. */
    public String cli() {
        return cli;
    }

    /** The container image for machines with Docker but no server binary. */
    public String image() {
        return image;
    }

    /** Whether the server and its CLI are on the PATH. */
    public boolean onPath() {
        return Executables.onPath(server) && Executables.onPath(cli);
    }

    /** Fails, saying how to install the server, when it is not on the PATH. */
    public void requireOnPath(String who) {
        if (!onPath()) {
            throw missing(who);
        }
    }

    /** The failure for {@code who} needing the server: what is missing and how to install it. */
    public IllegalStateException missing(String who) {
        return new IllegalStateException(who + " need " + server + " and " + cli + " on the PATH (" + installHint + ").");
    }

    @Override
    public String toString() {
        return product;
    }
}
