package io.dualstream.quickstart;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starting and stopping a {@code redis-server} child process on a loopback port, without persistence: the quickstart
 * starts its Redis and its cluster's nodes with it, and the tests' {@code RedisProcess} theirs ({@code valkey-server}
 * takes the same flags).
 */
public final class RedisServer {

    /** The server executable, looked for on the PATH. */
    public static final String SERVER = "redis-server";
    /** The command-line client, for {@code --cluster create}. */
    public static final String CLI = "redis-cli";

    private RedisServer() {
    }

    /**
     * Starts {@code executable [config] --port PORT --bind 127.0.0.1 --save '' --appendonly no --dir DIR ARGS},
     * its standard output and error into {@code output}, and returns at once: see {@link #awaitPing}.
     *
     * @param config a configuration file for the server to read (and, for Sentinel, rewrite), or null
     */
    public static Process start(String executable, Path config, int port, Path dir, List<String> args, Path output)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(executable));
        if (config != null) {
            command.add(config.toString());
        }
        command.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", dir.toString()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /**
     * Polls {@code PING} every 50 ms until the server answers: {@code PONG}, or an error reply such as {@code NOAUTH}
     * (it is up, it wants credentials). {@code check} runs between tries and throws to give up (the process exited).
     *
     * @throws IllegalStateException when nothing answered within {@code timeout}
     */
    public static void awaitPing(String host, int port, Duration timeout, Runnable check) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try (Jedis jedis = new Jedis(host, port, 1000)) {
                if ("PONG".equals(jedis.ping())) {
                    return;
                }
            } catch (JedisDataException answeredWithAnError) {
                return; // NOAUTH and the like: the server is up, it just wants credentials
            } catch (RuntimeException e) {
                last = e;
            }
            check.run();
            Thread.sleep(50); // polling interval, bounded by the deadline
        }
        throw new IllegalStateException("Redis at " + host + ":" + port + " did not answer PING within " + timeout,
                last);
    }

    /**
     * {@link #awaitPing} for a server this process {@link #start started} on {@code 127.0.0.1:port}, giving up when
     * it exits.
     *
     * @throws IllegalStateException when it exited, or nothing answered within {@code timeout}
     */
    public static void awaitStarted(Process server, int port, Duration timeout) throws InterruptedException {
        awaitPing("127.0.0.1", port, timeout, () -> {
            if (!server.isAlive()) {
                throw new IllegalStateException("the server on port " + port + " exited with " + server.exitValue());
            }
        });
    }

    /** SIGTERM (redis-server exits at once without persistence), then SIGKILL if it did not within 10 s. */
    public static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Whether an executable named {@code program} is in one of {@code path}'s directories (a PATH's syntax). */
    public static boolean onPath(String program, String path) {
        if (path == null) {
            return false;
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, program))) {
                return true;
            }
        }
        return false;
    }

    /** The last {@code lines} lines of a log (a server's, a tool's), for an error message; says so if there is none. */
    public static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log at " + log + ")";
        }
    }

    /** Removes a server's working directory and everything in it, quietly: a leftover one is harmless. */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            // Left for the next run, which deletes it first, or for the OS's temp clean-up.
        }
    }

    /** A loopback port free right now (another process may take it before the server binds it). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
