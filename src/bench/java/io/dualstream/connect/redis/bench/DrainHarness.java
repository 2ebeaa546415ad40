package io.dualstream.connect.redis.bench;

import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.mapping.NotificationMapper;
import io.dualstream.connect.redis.testing.Await;
import io.dualstream.connect.redis.testing.ConnectClusters;
import io.dualstream.connect.redis.testing.Subscriber;
import io.dualstream.quickstart.SampleEvents.Event;
import org.apache.kafka.connect.sink.SinkRecord;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Pipeline;

import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drain benchmark: a backlog of realistic events in a 3-partition topic, drained by the connector (tasks.max 1
 * and 3), beside the two ceilings measured in the same run on the same stack (a do-nothing sink on the same
 * worker and topic; pipelined PUBLISH of the same notifications from a plain client) and the per-record
 * synchronous baseline. Rates are notifications (or records) per second from connector creation until the
 * subscriber (or the sink) has them all.
 *
 * <p>Arguments: {@code [events=500000] [extra connector properties as key=value ...]}, for example
 * {@code consumer.override.max.poll.records=2000}; extras apply to every connector of the run. System properties:
 * {@code rounds} (default 3), {@code baselines=false} to skip the slow per-record baselines (e.g. when profiling),
 * {@code plan=converters} for the converter comparison instead ({@link #compareConverters}), {@code plan=fanout}
 * for one channel against three ({@link #compareFanOut}).
 */
public final class DrainHarness {

    private static final String TOPIC = "drain-events";
    private static final String NOOP_1 = "Connect ceiling: do-nothing sink, tasks.max=1";
    private static final String NOOP_3 = "Connect ceiling: do-nothing sink, tasks.max=3";
    private static final String REDIS = "Redis ceiling: pipelined PUBLISH, plain client";
    private static final String SINK_1 = "connector, tasks.max=1";
    private static final String SINK_3 = "connector, tasks.max=3";
    private static final String BASELINE_1 = "baseline: synchronous PUBLISH per record, tasks.max=1";
    private static final String BASELINE_3 = "baseline: synchronous PUBLISH per record, tasks.max=3";
    private static final long TIMEOUT_MS = 600_000;

    private DrainHarness() {
    }

    public static void main(String[] args) {
        BenchStack.runThenExit(args, DrainHarness::run);
    }

    private static void run(String[] args) {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int rounds = Integer.getInteger("rounds", 3);
        Map<String, String> extra = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            extra.put(kv[0], kv[1]);
        }
        Map<String, Double> rates = new LinkedHashMap<>();
        try (BenchStack stack = new BenchStack("drain")) {
            System.out.println("# Drain: " + events + " events, 3 partitions; " + BenchStack.environment()
                    + "; connector extras " + extra);
            stack.createTopic(TOPIC, 3);
            List<Event> backlog = BenchEvents.events(events);
            long produceStart = System.nanoTime();
            stack.produce(TOPIC, backlog);
            System.out.printf("produced %d events (avg %d bytes of JSON) in %.1f s%n", events,
                    backlog.stream().mapToInt(e -> e.json().length()).sum() / events,
                    (System.nanoTime() - produceStart) / 1e9);

            try (Subscriber subscriber = stack.subscriber("events:*")) {
                if ("converters".equals(System.getProperty("plan"))) {
                    compareConverters(stack, subscriber, events, rounds, extra);
                    return;
                }
                if ("fanout".equals(System.getProperty("plan"))) {
                    compareFanOut(stack, subscriber, events, rounds, extra);
                    return;
                }
                // Warm-up: JIT the worker's and the connector's code paths on a short drain of each kind.
                noop(stack, "warmup-noop", 1, events, extra);
                connector(stack, subscriber, "warmup-connector", 1, events, extra);

                // Each run lasts only a few seconds: repeat them interleaved and keep the median of each.
                Map<String, List<Double>> runs = new LinkedHashMap<>();
                for (int round = 1; round <= rounds; round++) {
                    System.out.println("-- round " + round + " of " + rounds);
                    runs.computeIfAbsent(NOOP_1, k -> new ArrayList<>()).add(noop(stack, "noop-1-" + round, 1, events, extra));
                    runs.computeIfAbsent(SINK_1, k -> new ArrayList<>())
                            .add(connector(stack, subscriber, "sink-1-" + round, 1, events, extra));
                    runs.computeIfAbsent(NOOP_3, k -> new ArrayList<>()).add(noop(stack, "noop-3-" + round, 3, events, extra));
                    runs.computeIfAbsent(SINK_3, k -> new ArrayList<>())
                            .add(connector(stack, subscriber, "sink-3-" + round, 3, events, extra));
                    runs.computeIfAbsent(REDIS, k -> new ArrayList<>()).add(redisCeiling(stack, subscriber, backlog));
                }
                runs.forEach((run, values) -> rates.put(run, median(values)));
                if (Boolean.parseBoolean(System.getProperty("baselines", "true"))) {
                    rates.put(BASELINE_1, baseline(stack, subscriber, "baseline-1", 1, events, extra));
                    rates.put(BASELINE_3, baseline(stack, subscriber, "baseline-3", 3, events, extra));
                }
            }
        }
        System.out.println();
        System.out.println("| run (median of " + rounds + " rounds; baselines 1 round) | per second |");
        System.out.println("|---|---:|");
        rates.forEach((run, rate) -> System.out.printf("| %s | %,.0f |%n", run, rate));
        double ceiling1 = Math.min(rates.get(NOOP_1), rates.get(REDIS));
        double ceiling3 = Math.min(rates.get(NOOP_3), rates.get(REDIS));
        double sink1 = rates.get(SINK_1);
        double sink3 = rates.get(SINK_3);
        System.out.printf("%nconnector / lower ceiling: tasks.max=1 %.0f%%, tasks.max=3 %.0f%% (target >= 90%%)%n",
                100 * sink1 / ceiling1, 100 * sink3 / ceiling3);
        if (rates.containsKey(BASELINE_1)) {
            System.out.printf("connector / per-record baseline: tasks.max=1 %.1fx, tasks.max=3 %.1fx (target >= 5x)%n",
                    sink1 / rates.get(BASELINE_1), sink3 / rates.get(BASELINE_3));
        }
    }

    /** Value converters of the comparison: the one the ITs use, and the one the README recommends. */
    private static final Map<String, String> JSON_CONVERTER = Map.of(
            "value.converter", "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable", "false");
    private static final Map<String, String> BYTES_CONVERTER = Map.of(
            "value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");

    /**
     * tasks.max=1 only: the do-nothing sink with ByteArrayConverter (the ceiling of that path), the connector with
     * ByteArrayConverter (JSON bytes read by the connector) and with schemaless JsonConverter (a Map), interleaved,
     * medians of {@code rounds}.
     */
    private static void compareConverters(BenchStack stack, Subscriber subscriber, int events, int rounds,
                                          Map<String, String> extra) {
        Map<String, String> bytes = with(extra, BYTES_CONVERTER);
        Map<String, String> json = with(extra, JSON_CONVERTER);
        noop(stack, "warmup-noop-bytes", 1, events, bytes);
        connector(stack, subscriber, "warmup-sink-bytes", 1, events, bytes);
        connector(stack, subscriber, "warmup-sink-json", 1, events, json);
        String noopBytes = "Connect ceiling: do-nothing sink, ByteArrayConverter";
        String sinkBytes = "connector, ByteArrayConverter (JSON bytes)";
        String sinkJson = "connector, JsonConverter (schemaless, a Map)";
        Map<String, List<Double>> runs = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            System.out.println("-- round " + round + " of " + rounds);
            runs.computeIfAbsent(noopBytes, k -> new ArrayList<>()).add(noop(stack, "noop-bytes-" + round, 1, events, bytes));
            runs.computeIfAbsent(sinkBytes, k -> new ArrayList<>())
                    .add(connector(stack, subscriber, "sink-bytes-" + round, 1, events, bytes));
            runs.computeIfAbsent(sinkJson, k -> new ArrayList<>())
                    .add(connector(stack, subscriber, "sink-json-" + round, 1, events, json));
        }
        System.out.println();
        System.out.println("| tasks.max=1, median of " + rounds + " rounds | per second | rounds |");
        System.out.println("|---|---:|---|");
        Map<String, Double> medians = new LinkedHashMap<>();
        runs.forEach((run, values) -> {
            medians.put(run, median(values));
            System.out.printf("| %s | %,.0f | %s |%n", run, median(values),
                    values.stream().map(v -> String.format("%,.0f", v)).toList());
        });
        System.out.printf("%nByteArrayConverter / JsonConverter: %.2fx (target >= 1.3x); ByteArrayConverter / its "
                        + "do-nothing ceiling: %.2f (target >= 0.55); per round: %s and %s%n",
                medians.get(sinkBytes) / medians.get(sinkJson), medians.get(sinkBytes) / medians.get(noopBytes),
                ratios(runs.get(sinkBytes), runs.get(sinkJson)), ratios(runs.get(sinkBytes), runs.get(noopBytes)));
    }

    /** channel.template of the fan-out comparison: the default, and the default plus two aggregate channels. */
    private static final String[] FAN_OUT_TEMPLATES = {RedisPubSubSinkConfig.CHANNEL_TEMPLATE_DEFAULT,
            RedisPubSubSinkConfig.CHANNEL_TEMPLATE_DEFAULT + ",events:{source_type},events:all"};

    /**
     * The connector (tasks.max=1) publishing each record to one channel and to three (every one distinct, all
     * under the subscriber's {@code events:*}), rounds interleaved, the order flipped every round; medians of
     * {@code rounds} in events and in notifications per second.
     */
    private static void compareFanOut(BenchStack stack, Subscriber subscriber, int events, int rounds,
                                      Map<String, String> extra) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (String templates : FAN_OUT_TEMPLATES) {
            configs.add(with(extra, Map.of("channel.template", templates)));
        }
        int[] channels = {1, 3};
        for (int c = 0; c < channels.length; c++) {
            drainToRedis(stack, subscriber, ConnectClusters.CONNECTOR_CLASS, "warmup-fanout-" + channels[c], 1,
                    (long) events * channels[c], configs.get(c));
        }
        List<List<Double>> eventRates = List.of(new ArrayList<>(), new ArrayList<>());
        for (int round = 1; round <= rounds; round++) {
            System.out.println("-- round " + round + " of " + rounds);
            for (int i = 0; i < channels.length; i++) {
                int c = round % 2 == 1 ? i : channels.length - 1 - i;
                double notificationsPerSecond = drainToRedis(stack, subscriber, ConnectClusters.CONNECTOR_CLASS,
                        "fanout-" + channels[c] + "-" + round, 1, (long) events * channels[c], configs.get(c));
                eventRates.get(c).add(notificationsPerSecond / channels[c]);
            }
        }
        System.out.println();
        System.out.println("| tasks.max=1, median of " + rounds + " rounds | events/s | notifications/s | events/s per round |");
        System.out.println("|---|---:|---:|---|");
        for (int c = 0; c < channels.length; c++) {
            System.out.printf("| %d channel(s): %s | %,.0f | %,.0f | %s |%n", channels[c], FAN_OUT_TEMPLATES[c],
                    median(eventRates.get(c)), median(eventRates.get(c)) * channels[c],
                    eventRates.get(c).stream().map(v -> String.format("%,.0f", v)).toList());
        }
        double events3 = median(eventRates.get(1));
        double events1 = median(eventRates.get(0));
        System.out.printf("%n3 channels / 1 channel: events/s %.2f, notifications/s %.2f; events/s per round: %s%n",
                events3 / events1, 3 * events3 / events1, ratios(eventRates.get(1), eventRates.get(0)));
    }

    private static Map<String, String> with(Map<String, String> extra, Map<String, String> converter) {
        Map<String, String> config = new LinkedHashMap<>(converter);
        config.putAll(extra);
        return config;
    }

    private static List<String> ratios(List<Double> numerators, List<Double> denominators) {
        List<String> ratios = new ArrayList<>();
        for (int i = 0; i < numerators.size(); i++) {
            ratios.add(String.format("%.2f", numerators.get(i) / denominators.get(i)));
        }
        return ratios;
    }

    private static double noop(BenchStack stack, String name, int tasks, int events, Map<String, String> extra) {
        NoopSinkConnector.RECORDS.set(0);
        CpuMeter cpu = new CpuMeter(stack);
        cpu.start();
        long start = System.nanoTime();
        stack.createConnector(name, stack.sinkConfig(NoopSinkConnector.class.getName(), TOPIC, tasks, extra));
        long end = awaitCount(NoopSinkConnector.RECORDS::get, events, name);
        String cpuSpent = cpu.stop(name, (end - start) / 1e9);
        String tasksSeen = stack.tasksRunning(name);
        stack.deleteConnector(name);
        return report(name + " (" + tasksSeen + ")", events, start, end, cpuSpent);
    }

    private static double connector(BenchStack stack, Subscriber subscriber, String name, int tasks, int events,
                                    Map<String, String> extra) {
        return drainToRedis(stack, subscriber, ConnectClusters.CONNECTOR_CLASS, name, tasks, events, extra);
    }

    private static double baseline(BenchStack stack, Subscriber subscriber, String name, int tasks, int events,
                                   Map<String, String> extra) {
        return drainToRedis(stack, subscriber, SyncPerRecordSinkConnector.class.getName(), name, tasks, events, extra);
    }

    /** @return notifications per second, until the subscriber has {@code notifications} */
    private static double drainToRedis(BenchStack stack, Subscriber subscriber, String connectorClass,
                                       String name, int tasks, long notifications, Map<String, String> extra) {
        subscriber.resetCount();
        CpuMeter cpu = new CpuMeter(stack);
        cpu.start();
        long start = System.nanoTime();
        stack.createConnector(name, stack.sinkConfig(connectorClass, TOPIC, tasks, extra));
        long end = awaitCount(subscriber::count, notifications, name);
        String cpuSpent = cpu.stop(name, (end - start) / 1e9);
        String tasksSeen = stack.tasksRunning(name);
        stack.deleteConnector(name);
        return report(name + " (" + tasksSeen + ")", notifications, start, end, cpuSpent);
    }

    /** The same notifications the connector publishes, mapped beforehand, sent over one connection in pipelines. */
    private static double redisCeiling(BenchStack stack, Subscriber subscriber, List<Event> backlog) {
        NotificationMapper mapper = BenchEvents.mapper(RedisPubSubSinkConfig.CHANNEL_TEMPLATE_DEFAULT);
        List<Notification> notifications = new ArrayList<>(backlog.size());
        long offset = 0;
        for (Event event : backlog) {
            mapper.map(new SinkRecord(TOPIC, 0, null, event.key(), null, event.json(), offset++), notifications);
        }
        int pipelineSize = RedisPubSubSinkConfig.REDIS_PIPELINE_SIZE_DEFAULT;
        subscriber.resetCount();
        CpuMeter cpu = new CpuMeter(stack);
        cpu.start();
        long start = System.nanoTime();
        try (Connection connection = new Connection(new HostAndPort(stack.redis.host(), stack.redis.port()))) {
            for (int from = 0; from < notifications.size(); from += pipelineSize) {
                Pipeline pipeline = new Pipeline(connection);
                for (int i = from; i < Math.min(notifications.size(), from + pipelineSize); i++) {
                    pipeline.publish(notifications.get(i).channel(), notifications.get(i).payload());
                }
                pipeline.sync();
            }
        }
        long end = awaitCount(subscriber::count, notifications.size(), "redis-ceiling");
        double rate = report("redis-ceiling (pipeline " + pipelineSize + ")",
                notifications.size(), start, end, cpu.stop("none", (end - start) / 1e9));
        return rate;
    }

    /** The middle value (the upper one of an even count), as every harness here reports rounds. */
    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private interface Counter {
        long get();
    }

    private static long awaitCount(Counter counter, long expected, String what) {
        long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000L;
        while (counter.get() < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": only " + counter.get() + " of " + expected + " after "
                        + TIMEOUT_MS / 1000 + " s");
            }
            Await.pause(1);
        }
        return System.nanoTime();
    }

    private static double report(String what, long count, long start, long end, String cpuSpent) {
        double seconds = (end - start) / 1e9;
        double rate = count / seconds;
        // Wall-clock window, to pick the run out of a JFR recording (src/bench/jfr-task-profile).
        LocalTime finished = LocalTime.now().minusNanos(System.nanoTime() - end);
        System.out.printf("%-52s %,9d in %6.2f s = %,10.0f /s; %s; gc so far: %d collections, %d ms; %s to %s%n", what,
                count, seconds, rate, cpuSpent, BenchStack.gcCount(), BenchStack.gcMillis(),
                finished.minusNanos(end - start), finished);
        return rate;
    }
}
