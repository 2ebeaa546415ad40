package io.dualstream.connect.redis.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualstream.quickstart.QuickstartWorker;

import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A stock Kafka Connect worker of a given Kafka version in its own JVM, as {@code connect-distributed.sh} runs it:
 * its jars resolved by Maven from {@code src/it/workers/pom.xml}, the connector only on its {@code plugin.path},
 * its REST API and JMX on free loopback ports, its log in a file.
 */
public final class StockWorker implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path BASE = Path.of(System.getProperty("project.basedir", "."));

    private final String version;
    private final Process process;
    private final Path log;
    private final int restPort;
    private final int jmxPort;
    private final HttpClient http = HttpClient.newHttpClient();

    private Duration starting;
    private volatile boolean frozen;

    private StockWorker(String version, Process process, Path log, int restPort, int jmxPort) {
        this.version = version;
        this.process = process;
        this.log = log;
        this.restPort = restPort;
        this.jmxPort = jmxPort;
    }

    /** From launching the worker's JVM until its REST API answered. */
    public Duration starting() {
        return starting;
    }

    /**
     * The worker's classpath for {@code kafkaVersion}, resolved with the Maven that runs this build (and its local
     * repository), as one path string.
     */
    public static String classpath(String kafkaVersion, Path dir) throws IOException, InterruptedException {
        return resolve(BASE.resolve("src/it/workers/pom.xml"), List.of("-Dworker.kafka.version=" + kafkaVersion),
                dir.resolve("worker-" + kafkaVersion), "Kafka Connect " + kafkaVersion);
    }

    /**
     * The Prometheus JMX exporter's Java agent jar (the version {@code src/it/jmx-exporter/pom.xml} names),
     * resolved like the workers' jars, for {@code -javaagent:} in {@link #start}'s JVM arguments.
     */
    public static Path jmxExporterAgent(Path dir) throws IOException, InterruptedException {
        String classpath = resolve(BASE.resolve("src/it/jmx-exporter/pom.xml"), List.of(),
                dir.resolve("jmx-exporter"), "the JMX exporter agent");
        if (classpath.isEmpty() || classpath.contains(File.pathSeparator)) {
            throw new IllegalStateException("expected the agent's jar alone, got: " + classpath);
        }
        return Path.of(classpath);
    }

    /** {@code mvn dependency:build-classpath} of {@code pom}: the runtime jars as one path string. */
    private static String resolve(Path pom, List<String> properties, Path outputBase, String what)
            throws IOException, InterruptedException {
        Path output = Path.of(outputBase + ".classpath");
        Path mavenLog = Path.of(outputBase + "-maven.log");
        String mavenHome = System.getProperty("maven.home");
        if (mavenHome == null || mavenHome.isEmpty()) {
            throw new IllegalStateException("maven.home is not set; run this test through ./mvnw verify");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(mavenHome, "bin", "mvn").toString(), "-B", "-ntp", "-q",
                "-f", pom.toString()));
        command.addAll(properties);
        command.addAll(List.of("dependency:build-classpath", "-Dmdep.includeScope=runtime",
                "-Dmdep.outputFile=" + output));
        String localRepository = System.getProperty("maven.repo.local");
        if (localRepository != null && !localRepository.isEmpty()) {
            command.add("-Dmaven.repo.local=" + localRepository);
        }
        Process maven = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(mavenLog.toFile()).start();
        boolean finished;
        try {
            finished = maven.waitFor(5, TimeUnit.MINUTES);
        } finally {
            if (maven.isAlive()) {
                maven.destroyForcibly(); // timed out or interrupted: leave no Maven behind
            }
        }
        if (!finished || maven.exitValue() != 0) {
            throw new IllegalStateException("Maven could not resolve " + what + ":\n" + Files.readString(mavenLog));
        }
        return Files.readString(output).trim();
    }

    /**
     * Starts a distributed worker of {@code kafkaVersion} on {@code bootstrapServers} with the jars on
     * {@code classpath} (see {@link #classpath}) and waits until its REST API answers.
     */
    public static StockWorker start(String kafkaVersion, String classpath, String bootstrapServers, Path pluginPath,
                                    Path dir) throws IOException, InterruptedException {
        return start(kafkaVersion, classpath, bootstrapServers, pluginPath, dir, List.of());
    }

    /**
     * As {@link #start(String, String, String, Path, Path)}, with {@code jvmArgs} added to the worker's JVM
     * options, as an operator adds them with {@code KAFKA_OPTS} (a {@code -javaagent:}, for example).
     */
    public static StockWorker start(String kafkaVersion, String classpath, String bootstrapServers, Path pluginPath,
                                    Path dir, List<String> jvmArgs) throws IOException, InterruptedException {
        String id = "stock-" + kafkaVersion.replace('.', '-');
        return start(kafkaVersion, classpath, bootstrapServers, pluginPath, dir, new Options(id, Map.of(), jvmArgs));
    }

    /**
     * How one worker of a group differs from the others: its {@code name} (its files; the group, unless
     * {@code workerProperties} sets {@code group.id} and the storage topics), worker properties that replace or add
     * to the defaults ({@code session.timeout.ms}, {@code scheduled.rebalance.max.delay.ms}...), JVM options.
     */
    public record Options(String name, Map<String, String> workerProperties, List<String> jvmArgs) {
    }

    /** As {@link #start(String, String, String, Path, Path)}, with {@code options}. */
    public static StockWorker start(String kafkaVersion, String classpath, String bootstrapServers, Path pluginPath,
                                    Path dir, Options options) throws IOException, InterruptedException {
        long launch = System.nanoTime();
        int restPort = RedisProcess.freePort();
        int jmxPort = RedisProcess.freePort();
        String id = options.name();
        Map<String, String> settings = QuickstartWorker.stockProperties(bootstrapServers, "127.0.0.1", restPort, id,
                pluginPath);
        settings.put("config.storage.replication.factor", "1");
        settings.put("offset.storage.replication.factor", "1");
        settings.put("status.storage.replication.factor", "1");
        settings.put("offset.flush.interval.ms", "1000");
        settings.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        settings.putAll(options.workerProperties());
        Path properties = dir.resolve(id + ".properties");
        StringBuilder text = new StringBuilder();
        settings.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Files.writeString(properties, text);
        Path log4j = dir.resolve(id + "-log4j.properties");
        Files.writeString(log4j, String.join("\n",
                "log4j.rootLogger=INFO, stdout",
                "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
                "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
                "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
                "log4j.logger.org.reflections=ERROR") + "\n");
        Path log = dir.resolve(id + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Dlog4j.configuration=" + log4j.toUri(),
                // What an operator's JMX tool would connect to, on loopback only.
                "-Dcom.sun.management.jmxremote.port=" + jmxPort,
                "-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort,
                "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                "-Djava.rmi.server.hostname=127.0.0.1",
                "-Dcom.sun.management.jmxremote.authenticate=false",
                "-Dcom.sun.management.jmxremote.ssl=false"));
        command.addAll(options.jvmArgs());
        command.addAll(List.of("-cp", classpath,
                "org.apache.kafka.connect.cli.ConnectDistributed", properties.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // A test that dies before close() must not leave the worker running after the JVM.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        StockWorker worker = new StockWorker(kafkaVersion, process, log, restPort, jmxPort);
        worker.awaitRest(Duration.ofSeconds(120));
        worker.starting = Duration.ofNanos(System.nanoTime() - launch);
        return worker;
    }

    /** The version the worker's REST API reports at {@code GET /}. */
    public String reportedVersion() throws IOException, InterruptedException {
        return JSON.readTree(get("/").body()).path("version").asText();
    }

    public JsonNode connectorPlugins() throws IOException, InterruptedException {
        return JSON.readTree(get("/connector-plugins").body());
    }

    /** Creates or updates a connector with {@code PUT /connectors/NAME/config}. */
    public void configureConnector(String name, Map<String, String> config) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/connectors/" + name + "/config"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(config))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new AssertionError("PUT config of " + name + ": " + response.statusCode() + " " + response.body());
        }
    }

    /** Waits until the connector and its one task are RUNNING; fails with the status and the log's tail. */
    public void awaitRunning(String name, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get("/connectors/" + name + "/status");
            status = response.body();
            if (response.statusCode() == 200) {
                JsonNode node = JSON.readTree(status);
                if ("RUNNING".equals(node.path("connector").path("state").asText())
                        && "RUNNING".equals(node.path("tasks").path(0).path("state").asText())) {
                    return;
                }
            }
            Thread.sleep(250); // polling interval, bounded by the deadline
        }
        throw new AssertionError(name + " not RUNNING on Kafka Connect " + version + ": " + status + "\n" + logTail());
    }

    /** The worker's id in the REST API's status answers ({@code worker_id}): its advertised host and port. */
    public String workerId() {
        return "127.0.0.1:" + restPort;
    }

    /**
     * A REST request ({@code GET}, {@code PUT}, {@code POST}, {@code PATCH}, {@code DELETE}) with an optional JSON
     * body; returns the parsed answer (empty for none) and fails with the status and body unless it is 2xx.
     */
    public JsonNode rest(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher content = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .method(method, content).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(method + " " + path + " on " + workerId() + ": " + response.statusCode() + " "
                    + response.body());
        }
        return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    /** SIGKILL, as the OOM killer or a lost node: no shutdown hook runs, nothing is committed on the way out. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGSTOP: the JVM stops where it is (a long GC pause, a frozen VM), holding its connections open. */
    public void freeze() {
        Executables.signal(process, "STOP");
        frozen = true;
    }

    /** SIGCONT after {@link #freeze()}: the JVM goes on from where it stopped, unaware of the time that passed. */
    public void thaw() {
        Executables.signal(process, "CONT");
        frozen = false;
    }

    public boolean alive() {
        return process.isAlive();
    }

    public boolean frozen() {
        return frozen;
    }

    public long pid() {
        return process.pid();
    }

    /** Where an operator's JMX tool connects: for a poller that keeps one connection open. */
    public JMXServiceURL jmxUrl() {
        try {
            return new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The connector's task status, as the REST API reports it. */
    public JsonNode taskStatus(String name) throws IOException, InterruptedException {
        return JSON.readTree(get("/connectors/" + name + "/status").body()).path("tasks").path(0);
    }

    /** The MBeans matching {@code pattern} in the worker's JVM, over JMX remote, with one attribute each. */
    public Map<ObjectName, Object> mbeans(String pattern, String attribute) throws IOException {
        return overJmx(pattern, (server, name) -> server.getAttribute(name, attribute));
    }

    /**
     * The MBeans matching {@code pattern}, with the numeric {@code attributes} each has, over one JMX connection; a
     * memory usage ({@code CollectionUsage}, {@code HeapMemoryUsage}) is read as {@code NAME.used}, in bytes.
     */
    public Map<ObjectName, Map<String, Double>> numbers(String pattern, List<String> attributes) throws IOException {
        return overJmx(pattern, (server, name) -> {
            Map<String, Double> values = new LinkedHashMap<>();
            for (javax.management.Attribute attribute : server.getAttributes(name, attributes.toArray(String[]::new)).asList()) {
                if (attribute.getValue() instanceof Number number) {
                    values.put(attribute.getName(), number.doubleValue());
                } else if (attribute.getValue() instanceof javax.management.openmbean.CompositeData usage
                        && usage.containsKey("used")) {
                    values.put(attribute.getName() + ".used", ((Number) usage.get("used")).doubleValue());
                }
            }
            return values;
        });
    }

    /** The attribute names of the MBeans matching {@code pattern} in the worker's JVM, over JMX remote. */
    public Map<ObjectName, List<String>> attributeNames(String pattern) throws IOException {
        return overJmx(pattern, (server, name) -> {
            List<String> names = new ArrayList<>();
            for (MBeanAttributeInfo attribute : server.getMBeanInfo(name).getAttributes()) {
                names.add(attribute.getName());
            }
            return names;
        });
    }

    private interface MBeanRead<T> {
        T read(MBeanServerConnection server, ObjectName name) throws JMException, IOException;
    }

    private <T> Map<ObjectName, T> overJmx(String pattern, MBeanRead<T> read) throws IOException {
        try (JMXConnector connector = JMXConnectorFactory.connect(jmxUrl())) {
            MBeanServerConnection server = connector.getMBeanServerConnection();
            Set<ObjectName> names = server.queryNames(new ObjectName(pattern), null);
            Map<ObjectName, T> values = new LinkedHashMap<>();
            for (ObjectName name : names) {
                values.put(name, read.read(server, name));
            }
            return values;
        } catch (JMException e) {
            throw new IOException("cannot read " + pattern, e);
        }
    }

    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** The last 60 lines of the worker's log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void awaitRest(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka Connect " + version + " exited with " + process.exitValue()
                        + ":\n" + logTail());
            }
            try {
                if (get("/").statusCode() == 200) {
                    return;
                }
            } catch (IOException notUpYet) {
                // the worker is still starting
            }
            Thread.sleep(250); // polling interval, bounded by the deadline
        }
        throw new IllegalStateException("Kafka Connect " + version + " REST API did not answer on port " + restPort
                + " within " + timeout + ":\n" + logTail());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + restPort + path);
    }

    /** Stops the worker as Ctrl-C would (SIGTERM, its shutdown hook stops the connector), then for good. */
    @Override
    public void close() {
        if (frozen && process.isAlive()) {
            thaw(); // a stopped JVM would not act on SIGTERM
        }
        Executables.stop(process);
    }
}
