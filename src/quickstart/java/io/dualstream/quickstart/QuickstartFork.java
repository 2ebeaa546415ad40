package io.dualstream.quickstart;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code ./mvnw -q -Pquickstart package} runs inside Maven's own JVM ({@code exec:java}): it starts the
 * quickstart in a JVM of its own, with the arguments it is given
 * ({@code -cp ... -D... io.dualstream.quickstart.Quickstart}), sharing the terminal, and returns only once that JVM
 * has ended, so the user's prompt comes back after the summary.
 *
 * <p>The quickstart needs a JVM of its own: its classpath is the test classes and the dependencies but never
 * {@code target/classes}, so that the worker loads the connector from {@code plugin.path} as a user's worker does.
 */
public final class QuickstartFork {

    private QuickstartFork() {
    }

    /**
     * Runs {@code java ARGS} and waits for it.
     *
     * @throws IllegalStateException when the quickstart ended with a non-zero code (it printed why): Maven fails
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(args));
        // Ctrl-C in a terminal signals the whole foreground process group: Maven's JVM and the quickstart's. Left to
        // its default, Maven's JVM would exit at once (code 130) while the quickstart is still stopping, and its
        // summary would land on the user's next prompt. So Maven's JVM ignores SIGINT until the quickstart, which
        // got the same SIGINT and stops in order, has ended. The child stays in this process group on purpose: that
        // is how the terminal's Ctrl-C reaches it.
        // (sun.misc.Signal, in jdk.unsupported, is the JDK's only way to do so; javac warns of it as proprietary API.)
        sun.misc.Signal interrupt = new sun.misc.Signal("INT");
        var previous = sun.misc.Signal.handle(interrupt, signal -> { });
        try {
            Process quickstart = new ProcessBuilder(command).inheritIO().start();
            int code;
            try {
                code = quickstart.waitFor();
            } catch (InterruptedException e) {
                // Maven is stopping this goal: stop the quickstart as Ctrl-C would rather than leave it running unseen.
                quickstart.destroy();
                Thread.currentThread().interrupt();
                throw e;
            }
            if (code != 0) {
                throw new IllegalStateException("the quickstart ended with exit code " + code);
            }
        } finally {
            sun.misc.Signal.handle(interrupt, previous);
        }
    }
}
