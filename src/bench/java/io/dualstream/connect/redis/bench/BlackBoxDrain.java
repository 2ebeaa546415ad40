package io.dualstream.connect.redis.bench;

import io.dualstream.connect.redis.testing.Await;
import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.PackagedPlugin;
import io.dualstream.connect.redis.testing.RedisProcess;
import io.dualstream.connect.redis.testing.StockWorker;
import io.dualstream.quickstart.SampleEvents;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import javax.management.AttributeNotFoundException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.ToDoubleFunction;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * The drain as users run it: a KRaft broker, a stock {@code ConnectDistributed} worker with the packaged plugin on
 * its {@code plugin.path}, {@code redis-server} and a {@code PSUBSCRIBE events:*} subscriber, each a process of its
 * own. One warm worker drains the same backlog again and again, with the connector and with a do-nothing sink, per
 * value converter, rounds interleaved (the order reversed every other round). Each drain is timed from the first
 * {@code put()} that returned to the last (the worker's own {@code sink-record-send-total}, over JMX), and the CPU
 * each process spent in that window is read from {@code /proc}: so the ratios and the costs per record come from one
 * run on one machine load.
 *
 * <p>Arguments: {@code [events=1000000]}. System properties: {@code rounds} (default 5); {@code pin=true} puts the
 * worker alone on CPU 0 and everything else on CPU 1 (its cost alone, without Redis and the subscriber beside it);
 * {@code jfr=FILE} records the worker with JFR (see src/bench/jfr-task-profile); {@code guarantee=at-least-once} sets
 * the connector's {@code delivery.guarantee} (default best-effort); {@code converters=JSON} (or {@code BYTES}) drains
 * with one converter only, so that the worker's JIT sees one converter, as in a worker that runs one kind of
 * connector.
 * Needs {@code plugin.zip}, {@code maven.home} and {@code project.basedir} (src/bench/run sets them).
 */
public final class BlackBoxDrain {

    private static final String TOPIC = "blackbox-events";
    private static final int PARTITIONS = 3;
    private static final String WORKER_VERSION = "4.3.1";
    /** The heap and collector options of Kafka's own start scripts (connect-distributed.sh, kafka-run-class.sh). */
    private static final List<String> KAFKA_SCRIPT_JVM = List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true");
    private static final Path DIR = createDir();
    private static final String GUARANTEE = System.getProperty("guarantee", "best-effort");

    /** A value converter of the comparison, with the key converter a user pairs with it. */
    enum Converter {
        BYTES("ByteArrayConverter", Map.of(
                "key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter",
                "value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter")),
        JSON("JsonConverter", Map.of(
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                "value.converter.schemas.enable", "false"));

        final String label;
        final Map<String, String> settings;

        Converter(String label, Map<String, String> settings) {
            this.label = label;
            this.settings = settings;
        }
    }

    /** What drains: the connector or the do-nothing sink, with one converter. */
    record Sink(boolean connector, Converter converter) {
        String label() {
            return (connector ? "connector" : "do-nothing sink") + ", " + converter.label;
        }

        String name(String suffix) {
            return (connector ? "sink-" : "noop-") + converter.name().toLowerCase(Locale.ROOT) + "-" + suffix;
        }
    }

    /** What was read at one instant of a drain: time, records put, CPU of each process. */
    private record Sample(long nanos, long put, long worker, long redis, long subscriber, long broker) {
    }

    /** One drain's window. */
    record Drain(long records, double seconds, double workerCpu, double redisCpu, double subscriberCpu,
                 double brokerCpu, double taskCpu, double taskRunDelay, double gcPauses) {
        double rate() {
            return records / seconds;
        }

        /** CPU microseconds per record. */
        double perRecord(double cpuSeconds) {
            return cpuSeconds * 1e6 / records;
        }

        double workerCore() {
            return workerCpu / seconds;
        }

        /**
         * The share of the drain's wall time the task thread spent on a CPU: what is not is time waiting, for Redis,
         * the broker or a free CPU.
         */
        double taskOnCpu() {
            return taskCpu / seconds;
        }

        /** The share of the drain's wall time the task thread was ready to run and waited for a free CPU. */
        double taskWaitingForCpu() {
            return taskRunDelay / seconds;
        }

        /** The share of the drain's wall time the worker's threads stood still for the collector. */
        double inGcPauses() {
            return gcPauses / seconds;
        }
    }

    private final int events;
    private final ChildJvm broker;
    private final RedisProcess redis;
    private final ChildJvm subscriber;
    private final StockWorker worker;
    private final MBeanServerConnection jmx;

    private BlackBoxDrain(int events, ChildJvm broker, RedisProcess redis, ChildJvm subscriber, StockWorker worker,
                          MBeanServerConnection jmx) {
        this.events = events;
        this.broker = broker;
        this.redis = redis;
        this.subscriber = subscriber;
        this.worker = worker;
        this.jmx = jmx;
    }

    public static void main(String[] args) {
        BenchStack.runThenExit(args, BlackBoxDrain::run);
    }

    private static void run(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = Integer.getInteger("rounds", 5);
        boolean pin = Boolean.getBoolean("pin");
        List<String> brokerJvm = new ArrayList<>(List.of("-Xms1g", "-Xmx1g"));
        brokerJvm.addAll(KAFKA_SCRIPT_JVM);
        try (ChildJvm broker = ChildJvm.start(SeparateBroker.class, brokerJvm, DIR.resolve("broker.log"));
             RedisProcess redis = RedisProcess.startLocal()) {
            String bootstrap = broker.readLine();
            produce(bootstrap, events);
            try (ChildJvm subscriber = ChildJvm.start(SeparateSubscriber.class, List.of("-Xms256m", "-Xmx256m"),
                    DIR.resolve("subscriber.log"), redis.host(), Integer.toString(redis.port()), "events:*");
                 StockWorker worker = startWorker(bootstrap);
                 JMXConnector jmx = JMXConnectorFactory.connect(worker.jmxUrl())) {
                subscriber.readLine(); // "listening"
                if (pin) {
                    pin(worker.pid(), "0");
                    for (long pid : List.of(broker.pid(), redis.pid(), subscriber.pid(), ProcessHandle.current().pid())) {
                        pin(pid, "1");
                    }
                }
                System.out.printf(Locale.ROOT, "# Black-box drain: %,d events of ~%d B in %d partitions, tasks.max=1, "
                                + "%d rounds; delivery.guarantee=%s; stock ConnectDistributed %s (-Xmx2g, G1), broker, "
                                + "redis-server, subscriber each a process; %s; %s%n%n", events, averageSize(), PARTITIONS,
                        rounds, GUARANTEE,
                        WORKER_VERSION, BenchStack.environment(),
                        pin ? "worker pinned to CPU 0, everything else to CPU 1" : "nothing pinned");
                new BlackBoxDrain(events, broker, redis, subscriber, worker, jmx.getMBeanServerConnection())
                        .compare(rounds);
            }
        }
    }

    private void compare(int rounds) throws Exception {
        List<Sink> sinks = new ArrayList<>();
        for (String name : System.getProperty("converters", "BYTES,JSON").split(",")) {
            Converter converter = Converter.valueOf(name.trim().toUpperCase(Locale.ROOT));
            sinks.add(new Sink(false, converter));
            sinks.add(new Sink(true, converter));
        }
        System.out.println("-- warm-up");
        for (Sink sink : sinks) {
            drain(sink, sink.name("warmup"));
        }
        Map<Sink, List<Drain>> drains = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            System.out.println("-- round " + round + " of " + rounds);
            List<Sink> order = new ArrayList<>(sinks);
            if (round % 2 == 0) {
                java.util.Collections.reverse(order);
            }
            for (Sink sink : order) {
                drains.computeIfAbsent(sink, k -> new ArrayList<>()).add(drain(sink, sink.name("r" + round)));
            }
        }
        report(drains);
    }

    private Drain drain(Sink sink, String name) throws Exception {
        Map<String, String> config = new LinkedHashMap<>(sink.connector()
                ? ConnectClusters.sinkConfig(TOPIC, redis)
                : Map.of("connector.class", NoopSinkConnector.class.getName(), "topics", TOPIC));
        config.put("tasks.max", "1");
        config.putAll(sink.converter().settings);
        if (sink.connector()) {
            config.put("delivery.guarantee", GUARANTEE);
        }
        if (sink.connector()) {
            subscriber.ask("reset");
        }
        ObjectName metric = new ObjectName("kafka.connect:type=sink-task-metrics,connector=" + name + ",task=0");
        worker.configureConnector(name, config);
        Sample first = null;
        Map<String, ProcessCpu.ThreadTimes> threadsAtFirst = null;
        long gcPauseAtFirst = 0;
        Sample last;
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (true) {
            last = sample(put(metric));
            if (first == null && last.put() > 0) {
                first = last;
                threadsAtFirst = ProcessCpu.threads(worker.pid());
                gcPauseAtFirst = gcPauseMillis();
            }
            if (last.put() >= events) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + ": " + last.put() + " of " + events + " put after 600 s\n"
                        + worker.logTail());
            }
            Await.pause(20);
        }
        Map<String, ProcessCpu.ThreadTimes> threads = ProcessCpu.spent(threadsAtFirst, ProcessCpu.threads(worker.pid()));
        long gcPause = gcPauseMillis() - gcPauseAtFirst;
        worker.rest("DELETE", "/connectors/" + name, null);
        Await.until(name + "'s task stopped", java.time.Duration.ofSeconds(60), () -> put(metric) < 0);
        String delivered = "";
        if (sink.connector()) {
            Await.until(events + " notifications at the subscriber", java.time.Duration.ofSeconds(60),
                    () -> Long.parseLong(subscriber.ask("count")) >= events);
            delivered = ", all " + events + " notifications received";
        }
        Drain drain = new Drain(last.put() - first.put(), (last.nanos() - first.nanos()) / 1e9,
                (last.worker() - first.worker()) / 1e9, (last.redis() - first.redis()) / 1e9,
                (last.subscriber() - first.subscriber()) / 1e9, (last.broker() - first.broker()) / 1e9,
                taskThreads(threads).cpu() / 1e9, taskThreads(threads).runDelay() / 1e9, gcPause / 1e3);
        LocalTime end = LocalTime.now().minusNanos(System.nanoTime() - last.nanos());
        System.out.printf(Locale.ROOT, "%-36s %,9.0f /s; CPU us/record: worker %.2f (%.0f%% of a core), redis %.2f, "
                        + "subscriber %.2f, broker %.2f%s; %s to %s%n", sink.label(), drain.rate(),
                drain.perRecord(drain.workerCpu()), 100 * drain.workerCore(), drain.perRecord(drain.redisCpu()),
                drain.perRecord(drain.subscriberCpu()), drain.perRecord(drain.brokerCpu()), delivered,
                end.minusNanos(last.nanos() - first.nanos()), end);
        System.out.println("    worker threads, CPU µs/record (user+system): "
                + threadCosts(threads, drain.records()));
        return drain;
    }

    /** The worker's collectors' total time in pauses ({@code CollectionTime} of the stop-the-world ones), in ms. */
    private long gcPauseMillis() throws IOException, JMException {
        long total = 0;
        for (ObjectName collector : jmx.queryNames(new ObjectName("java.lang:type=GarbageCollector,*"), null)) {
            if (!collector.getKeyProperty("name").contains("Concurrent")) {
                total += ((Number) jmx.getAttribute(collector, "CollectionTime")).longValue();
            }
        }
        return total;
    }

    /** What the worker's sink task threads spent (one task here). */
    private static ProcessCpu.ThreadTimes taskThreads(Map<String, ProcessCpu.ThreadTimes> spent) {
        return spent.entrySet().stream().filter(e -> e.getKey().startsWith("task-thread-")).map(Map.Entry::getValue)
                .reduce(ProcessCpu.ThreadTimes.ZERO, ProcessCpu.ThreadTimes::plus);
    }

    /** The worker's busiest thread groups over the window, with what the kernel spent for them. */
    private static String threadCosts(Map<String, ProcessCpu.ThreadTimes> spent, long records) {
        return spent.entrySet().stream()
                .filter(e -> e.getValue().cpu() > 0)
                .sorted(Comparator.comparingLong(e -> -e.getValue().cpu()))
                .limit(6)
                .map(e -> String.format(Locale.ROOT, "%s %.2f (%.2f+%.2f)", e.getKey(), e.getValue().cpu() / 1e3 / records,
                        e.getValue().user() / 1e3 / records, e.getValue().system() / 1e3 / records))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** The task's {@code sink-record-send-total} (records whose put() returned), or -1 while it has no task. */
    private long put(ObjectName metric) {
        try {
            return ((Number) jmx.getAttribute(metric, "sink-record-send-total")).longValue();
        } catch (InstanceNotFoundException | AttributeNotFoundException e) {
            // A task just starting registers its metrics group before the attribute: not there yet either.
            return -1;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + metric, e);
        }
    }

    private Sample sample(long put) {
        return new Sample(System.nanoTime(), put, ProcessCpu.nanos(worker.pid()), ProcessCpu.nanos(redis.pid()),
                ProcessCpu.nanos(subscriber.pid()), ProcessCpu.nanos(broker.pid()));
    }

    private static void report(Map<Sink, List<Drain>> drains) {
        System.out.println();
        System.out.println("| path (median of the rounds, min–max) | records/s | worker CPU µs/record | worker, % of a core "
                + "| redis-server µs/record | subscriber µs/record | broker µs/record |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        drains.forEach((sink, list) -> System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n",
                sink.label(), spread(list, Drain::rate, "%,.0f"),
                spread(list, d -> d.perRecord(d.workerCpu()), "%.2f"), spread(list, d -> 100 * d.workerCore(), "%.0f"),
                spread(list, d -> d.perRecord(d.redisCpu()), "%.2f"),
                spread(list, d -> d.perRecord(d.subscriberCpu()), "%.2f"),
                spread(list, d -> d.perRecord(d.brokerCpu()), "%.2f")));
        System.out.println();
        for (Converter converter : Converter.values()) {
            List<Drain> sink = drains.get(new Sink(true, converter));
            List<Drain> noop = drains.get(new Sink(false, converter));
            if (sink == null) {
                continue;
            }
            List<Double> ratios = new ArrayList<>();
            List<Double> added = new ArrayList<>();
            for (int i = 0; i < sink.size(); i++) {
                ratios.add(sink.get(i).rate() / noop.get(i).rate());
                added.add(sink.get(i).perRecord(sink.get(i).workerCpu()) - noop.get(i).perRecord(noop.get(i).workerCpu()));
            }
            System.out.printf(Locale.ROOT, "%s: connector / do-nothing ceiling %.2f (per round %s); worker CPU the "
                            + "connector adds per record %.2f µs (per round %s)%n", converter.label,
                    DrainHarness.median(ratios), format(ratios, "%.2f"), DrainHarness.median(added), format(added, "%.2f"));
            // The ratio splits into the task thread's CPU per record and the share of the time it was on a CPU.
            double noopTask = DrainHarness.median(noop.stream().map(d -> d.perRecord(d.taskCpu())).toList());
            double sinkTask = DrainHarness.median(sink.stream().map(d -> d.perRecord(d.taskCpu())).toList());
            System.out.printf(Locale.ROOT, "%s: task thread CPU µs/record, do-nothing → connector %.2f → %.2f (ratio "
                            + "%.2f); on a CPU %.0f%% / %.0f%% of the drain, ready but waiting for a CPU %.1f%% / %.1f%%, "
                            + "in GC pauses %.1f%% / %.1f%%%n",
                    converter.label, noopTask, sinkTask, noopTask / sinkTask,
                    100 * DrainHarness.median(noop.stream().map(Drain::taskOnCpu).toList()),
                    100 * DrainHarness.median(sink.stream().map(Drain::taskOnCpu).toList()),
                    100 * DrainHarness.median(noop.stream().map(Drain::taskWaitingForCpu).toList()),
                    100 * DrainHarness.median(sink.stream().map(Drain::taskWaitingForCpu).toList()),
                    100 * DrainHarness.median(noop.stream().map(Drain::inGcPauses).toList()),
                    100 * DrainHarness.median(sink.stream().map(Drain::inGcPauses).toList()));
        }
    }

    private static String spread(List<Drain> drains, ToDoubleFunction<Drain> value, String format) {
        List<Double> values = drains.stream().map(value::applyAsDouble).sorted().toList();
        return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", DrainHarness.median(values),
                values.get(0), values.get(values.size() - 1));
    }

    private static String format(List<Double> values, String format) {
        return values.stream().map(v -> String.format(Locale.ROOT, format, v)).toList().toString();
    }

    private static StockWorker startWorker(String bootstrap) throws IOException, InterruptedException {
        Path plugins = Files.createDirectories(DIR.resolve("plugins"));
        PackagedPlugin.install(plugins);
        installDoNothingSink(plugins.resolve("bench-sinks"));
        List<String> jvm = new ArrayList<>(List.of("-Xms256m", "-Xmx2g"));
        jvm.addAll(KAFKA_SCRIPT_JVM);
        String jfr = System.getProperty("jfr");
        if (jfr != null) {
            jvm.add("-XX:StartFlightRecording:filename=" + Path.of(jfr).toAbsolutePath()
                    // Samples every 2 ms, Java and native (a thread blocked in epoll or a socket read is native):
                    // where the task thread runs and where it waits, without an event per socket call.
                    + ",settings=profile,jdk.ExecutionSample#period=2ms,jdk.NativeMethodSample#period=2ms");
        }
        // Connect's default commit interval: a drain of a few seconds commits at most once, as for a user.
        return StockWorker.start(WORKER_VERSION, StockWorker.classpath(WORKER_VERSION, DIR), bootstrap, plugins, DIR,
                new StockWorker.Options("blackbox", Map.of("offset.flush.interval.ms", "60000"), jvm));
    }

    /** The do-nothing sink as a plugin of its own, beside the packaged one: its classes and its service entry. */
    private static void installDoNothingSink(Path folder) throws IOException {
        Files.createDirectories(folder);
        try (OutputStream file = Files.newOutputStream(folder.resolve("bench-sinks.jar"));
             JarOutputStream jar = new JarOutputStream(file)) {
            for (Class<?> type : List.of(NoopSinkConnector.class, NoopSinkConnector.NoopTask.class)) {
                String entry = type.getName().replace('.', '/') + ".class";
                jar.putNextEntry(new JarEntry(entry));
                try (InputStream in = type.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(jar);
                }
            }
            jar.putNextEntry(new JarEntry("META-INF/services/org.apache.kafka.connect.sink.SinkConnector"));
            jar.write((NoopSinkConnector.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The backlog, in slices so the harness never holds it all: the same events every run. */
    private static void produce(String bootstrap, int events) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get();
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            int slice = 100_000;
            for (int from = 0; from < events; from += slice) {
                for (SampleEvents.Event event : SampleEvents.generate("evt" + from, Math.min(slice, events - from), from)) {
                    producer.send(new ProducerRecord<>(TOPIC, event.key().getBytes(StandardCharsets.UTF_8),
                            event.json().getBytes(StandardCharsets.UTF_8)));
                }
            }
            producer.flush();
        }
        System.out.printf(Locale.ROOT, "produced %,d events in %.1f s%n", events, (System.nanoTime() - start) / 1e9);
    }

    private static int averageSize() {
        return (int) SampleEvents.generate("evt", 10_000, 0).stream().mapToInt(e -> e.json().length()).average()
                .orElse(0);
    }

    private static void pin(long pid, String cpus) throws IOException, InterruptedException {
        Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid))
                .redirectErrorStream(true).start();
        String output = new String(taskset.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (taskset.waitFor() != 0) {
            throw new IllegalStateException("taskset " + cpus + " " + pid + ": " + output);
        }
    }

    private static Path createDir() {
        try {
            return Files.createTempDirectory("blackbox-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
