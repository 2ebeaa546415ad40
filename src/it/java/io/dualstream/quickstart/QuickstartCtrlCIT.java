package io.dualstream.quickstart;

import io.dualstream.connect.redis.testing.Await;
import io.dualstream.connect.redis.testing.RedisProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.dualstream.connect.redis.testing.Executables.onPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ctrl-C as a terminal sends it: the README's {@code ./mvnw -q -Pquickstart package} (in cluster mode, so that the
 * redis-server processes the quickstart starts are in the process group too) runs in a session of its own, and once
 * notifications flow, SIGINT goes to its whole process group: Maven's JVM, the quickstart's JVM and the
 * redis-servers. The command must return only once everything stopped, exit code 0, the summary printed before it
 * returned, and no port it used still listening.
 *
 * <p>It runs the command in a copy of the project: the build around this test uses {@code target/} (other tests
 * read the plugin and the classes there), and a nested {@code package} in the same directory would rebuild it
 * under their feet. The copy takes the compiled classes along with their timestamps, and the nested build checks
 * staleness by timestamps only ({@code useIncrementalCompilation=false}), so it does not compile again. It uses the
 * same local repository, online: the build around it has not necessarily resolved the exec plugin the quickstart
 * profile runs.
 */
class QuickstartCtrlCIT {

    private static final Pattern KAFKA = Pattern.compile("Kafka \\(embedded KRaft broker\\) \\.\\.\\. (\\S+):(\\d+) ");
    private static final Pattern SEEDS = Pattern.compile("Redis Cluster \\.\\.\\. (redis://\\S+) \\(started by the quickstart");
    private static final Pattern NOTIFIED = Pattern.compile("notifications [1-9]");
    private static final String STOPPED =
            "stopped: producer, gateway, subscriber, Connect worker, Kafka broker, Redis Cluster (3 redis-server)";

    @TempDir
    Path workDir;

    @Test
    void ctrlCToTheProcessGroupReturnsAfterTheSummaryWithNothingLeftListening() throws Exception {
        assertTrue(onPath("setsid"), "this test starts the command in its own session with setsid (util-linux)");
        Path project = copyProject(workDir.resolve("project"));
        int restPort = RedisProcess.freePort();
        int httpPort = RedisProcess.freePort();
        Path output = workDir.resolve("quickstart.out");
        // setsid: a new session and process group, whose id is the command's pid (setsid execs it, it does not fork).
        List<String> mvnw = new ArrayList<>(List.of("setsid", "./mvnw", "-q", "-Pquickstart", "package",
                "-Dmaven.compiler.useIncrementalCompilation=false",
                "-Dquickstart.redis.mode=cluster",
                "-Dquickstart.rest.port=" + restPort,
                "-Dquickstart.http.port=" + httpPort));
        String localRepository = System.getProperty("maven.repo.local");
        if (localRepository != null && !localRepository.isEmpty()) {
            mvnw.add("-Dmaven.repo.local=" + localRepository);
        }
        ProcessBuilder builder = new ProcessBuilder(mvnw)
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process command = builder.start();
        try {
            // Notifications flowing: everything is up, and the quickstart has something to count (none is a failure).
            String printed = Await.until("notifications in the quickstart's output", Duration.ofSeconds(240), () -> {
                String sofar = read(output);
                if (!command.isAlive()) {
                    throw new AssertionError("the command ended before notifications flowed:\n" + sofar);
                }
                return NOTIFIED.matcher(sofar).find() ? sofar : null;
            });
            List<ProcessHandle> started = command.descendants().toList();
            List<HostAndPort> ports = new ArrayList<>(QuickstartCluster.seeds(find(SEEDS, printed, 1)));
            ports.add(new HostAndPort("localhost", Integer.parseInt(find(KAFKA, printed, 2))));
            ports.add(new HostAndPort("localhost", restPort));
            ports.add(new HostAndPort("127.0.0.1", httpPort));

            // Ctrl-C: the terminal signals the foreground process group, Maven's JVM and all it started.
            assertEquals(0, new ProcessBuilder("kill", "-INT", "--", "-" + command.pid()).inheritIO().start()
                    .waitFor());
            assertTrue(command.waitFor(120, TimeUnit.SECONDS), "the command did not return:\n" + read(output));
            String atReturn = read(output);

            assertEquals(0, command.exitValue(), "stopping is how the quickstart ends, not a failure:\n" + atReturn);
            assertTrue(atReturn.contains("Quickstart summary") && atReturn.contains(STOPPED),
                    "the summary is printed before the command returns:\n" + atReturn);
            for (ProcessHandle process : started) {
                assertFalse(process.isAlive(), "left running: " + process.info());
            }
            for (HostAndPort port : ports) {
                assertThrows(ConnectException.class, () -> new Socket(port.getHost(), port.getPort()).close(),
                        port + " still listening:\n" + atReturn);
            }
        } finally {
            if (command.isAlive()) {
                new ProcessBuilder("kill", "-KILL", "--", "-" + command.pid()).inheritIO().start().waitFor();
            }
        }
    }

    /** What {@code ./mvnw package} needs from the project, and the compiled classes, into {@code copy}. */
    private static Path copyProject(Path copy) throws IOException {
        Path base = QuickstartLauncher.BASE.toAbsolutePath();
        for (String part : List.of("pom.xml", "mvnw", ".mvn", "src", "config", "manifest.json", "README.md",
                "CHANGELOG.md", "docs", "LICENSE", "target/classes", "target/test-classes")) {
            Path from = base.resolve(part);
            try (Stream<Path> paths = Files.walk(from)) {
                for (Path path : paths.filter(p -> !p.toString().contains("node_modules")).toList()) {
                    Path to = copy.resolve(base.relativize(path).toString());
                    if (Files.isDirectory(path)) {
                        Files.createDirectories(to);
                    } else {
                        Files.createDirectories(to.getParent());
                        Files.copy(path, to, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
        return copy;
    }

    private static String find(Pattern pattern, String printed, int group) {
        Matcher matcher = pattern.matcher(printed);
        assertTrue(matcher.find(), "no " + pattern + " in:\n" + printed);
        return matcher.group(group);
    }

    private static String read(Path output) {
        try {
            return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
