package io.dualstream.connect.redis.testing;

import io.dualstream.quickstart.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code redis-server} (or {@code valkey-server}, see {@link ServerKind}) child process on a free loopback port, in
 * a temporary directory of its own that {@link #close()} removes, started as the quickstart starts its own
 * ({@link RedisServer}). The cluster and sentinel fixtures are made of these.
 */
public final class RedisProcess implements RedisFixture {

    private final int port;
    private final boolean withConfigFile;
    private final List<String> extraArgs;
    private final Path dir;
    private Process process;

    private RedisProcess(int port, boolean withConfigFile, List<String> extraArgs, Path dir) {
        this.port = port;
        this.withConfigFile = withConfigFile;
        this.extraArgs = extraArgs;
        this.dir = dir;
    }

    static RedisProcess start(List<String> extraArgs) {
        return start(null, extraArgs);
    }

    /**
     * A local {@code redis-server} with {@code extraArgs} on its command line, never a container: for tests that
     * read what the server logs ({@link #logLines}). Fails when there is no {@code redis-server} on the PATH.
     */
    public static RedisProcess startLocal(String... extraArgs) {
        ServerKind.current().requireOnPath("This test");
        return start(List.of(extraArgs));
    }

    /**
     * Starts {@code redis-server} with {@code config} (when not null) as its configuration file, written into the
     * server's directory: Sentinel needs a file it may rewrite. {@code extraArgs} follow on the command line.
     */
    static RedisProcess start(String config, List<String> extraArgs) {
        // A port free when picked may be taken by the time redis-server binds it: try new ones twice more.
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(config, extraArgs);
            } catch (IllegalStateException e) {
                boolean portTaken = String.valueOf(e.getMessage()).contains("Address already in use")
                        && !String.valueOf(e.getMessage()).contains("(cluster)");
                if (attempt == 3 || !portTaken) {
                    throw e;
                }
            }
        }
    }

    private static RedisProcess startOnce(String config, List<String> extraArgs) {
        Path dir = null;
        RedisProcess redis = null;
        try {
            dir = Files.createTempDirectory("redis-it");
            if (config != null) {
                Files.writeString(dir.resolve("redis.conf"), config);
            }
            redis = new RedisProcess(freePort(), config != null, List.copyOf(extraArgs), dir);
            redis.launch();
            return redis;
        } catch (IOException | RuntimeException e) {
            if (redis != null) {
                redis.close();
            }
            RedisServer.deleteTree(dir);
            throw e instanceof RuntimeException r ? r : new IllegalStateException("cannot start redis-server", e);
        }
    }

    /** A free loopback port, for a server or a worker a test starts. */
    public static int freePort() throws IOException {
        return RedisServer.freePort();
    }

    private void launch() throws IOException {
        List<String> args = new ArrayList<>(List.of("--logfile", dir.resolve("redis.log").toString()));
        args.addAll(extraArgs);
        process = RedisServer.start(ServerKind.current().server(), withConfigFile ? dir.resolve("redis.conf") : null,
                port, dir, args, dir.resolve("stdout.log"));
        // A test that dies before close() must not leave redis-server running after the JVM.
        Process started = process;
        Path ownDir = dir;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            started.destroyForcibly();
            RedisServer.deleteTree(ownDir);
        }));
        RedisFixture.awaitPing(host(), port, Duration.ofSeconds(15), () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(ServerKind.current().server() + " exited with " + process.exitValue()
                        + ":\n" + RedisServer.tail(dir.resolve("redis.log"), 20)
                        + RedisServer.tail(dir.resolve("stdout.log"), 20));
            }
        });
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    /**
     * Command-line arguments that make a data node require {@code password} (also as {@code masterauth}, so that
     * it can follow a new master) and define ACL users, each given as {@code ACL SETUSER} rules.
     */
    static List<String> credentialArgs(String password, List<String> aclUsers) {
        List<String> args = new ArrayList<>();
        if (password != null) {
            args.addAll(List.of("--requirepass", password, "--masterauth", password));
        }
        for (String rules : aclUsers) {
            args.add("--user");
            args.addAll(List.of(rules.trim().split("\\s+")));
        }
        return args;
    }

    /** The server's working directory: its log, its {@code nodes.conf} or sentinel config. */
    public Path dir() {
        return dir;
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** The server's process id: a benchmark reads its CPU time from {@code /proc}. */
    public long pid() {
        return process.pid();
    }

    /** The lines of the server's log that contain {@code text}. */
    public List<String> logLines(String text) {
        try (Stream<String> lines = Files.lines(dir.resolve("redis.log"))) {
            return lines.filter(line -> line.contains(text)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the log of redis-server on port " + port, e);
        }
    }

    /** The last lines of the server's log, for failure messages. */
    public String logTail() {
        return RedisServer.tail(dir.resolve("redis.log"), 20);
    }

    @Override
    public void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void restart() {
        kill();
        try {
            launch();
        } catch (IOException e) {
            throw new IllegalStateException("cannot restart redis-server", e);
        }
    }

    @Override
    public void freeze() {
        signal("STOP");
    }

    @Override
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        Executables.signal(process, name);
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            resume();
            kill();
        }
        RedisServer.deleteTree(dir);
    }
}
