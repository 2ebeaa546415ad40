package io.dualstream.connect.redis.bench;

import io.dualstream.quickstart.RedisServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A benchmark part in a JVM of its own (the broker, the subscriber), on this JVM's classpath, driven by lines: the
 * harness writes a request on its standard input and reads one line of answer; end of input tells it to stop. Its
 * log goes to a file, so standard output carries answers only.
 */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final PrintWriter requests;
    private final BufferedReader answers;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.requests = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    }

    static ChildJvm start(Class<?> main, List<String> jvmArgs, Path log, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
            return new ChildJvm(process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + main.getSimpleName(), e);
        }
    }

    /** The next line the child wrote: its answer to the last request, or what it announces when ready. */
    String readLine() {
        try {
            String line = answers.readLine();
            if (line == null) {
                throw new IllegalStateException(log.getFileName() + " ended; its log:\n" + RedisServer.tail(log, 40));
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String ask(String request) {
        requests.println(request);
        return readLine();
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        requests.close(); // end of input: the child stops what it runs and exits
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The child's side, first thing in its {@code main}: standard output becomes the answers' alone (what the
     * libraries print goes to standard error, the log). Returns where to announce and answer.
     */
    static java.io.PrintStream answers() {
        java.io.PrintStream answers = System.out;
        System.setOut(System.err);
        return answers;
    }

    /** The child's side: announces {@code ready}, then answers each request line, until its input ends. */
    static void serve(java.io.PrintStream answers, String ready, java.util.function.UnaryOperator<String> answer)
            throws IOException {
        answers.println(ready);
        answers.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            answers.println(answer.apply(line));
            answers.flush();
        }
    }
}
