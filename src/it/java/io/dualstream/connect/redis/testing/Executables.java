package io.dualstream.connect.redis.testing;

import io.dualstream.quickstart.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/** The programs the tests start: servers, CLIs and tools looked up on the PATH, as a shell would, and stopped. */
public final class Executables {

    private Executables() {
    }

    /** Whether an executable named {@code name} is in a directory of the PATH: the quickstart's own lookup. */
    public static boolean onPath(String name) {
        return RedisServer.onPath(name, System.getenv("PATH"));
    }

    /** Stops a child process as Ctrl-C would (SIGTERM, so its shutdown hooks run), then for good after 30 s. */
    public static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Sends {@code signal} ({@code STOP}, {@code CONT}, {@code KILL}...) to a child process, as {@code kill -SIGNAL pid}. */
    public static void signal(Process process, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot signal process " + process.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
