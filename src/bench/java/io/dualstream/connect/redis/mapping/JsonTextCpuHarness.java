package io.dualstream.connect.redis.mapping;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualstream.connect.redis.bench.BenchEvents;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import org.apache.kafka.connect.sink.SinkRecord;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time per record of the mapping, streaming reader against the tree it replaced ({@link TreeJsonReader}, the
 * test oracle), in one JVM, interleaved round by round. Thread CPU time, unlike JMH's wall-clock throughput, does
 * not count the time the thread waits for a core, so it stays comparable when other work shares the machine
 * (it still includes what sharing does to caches). In this package to reach the oracle; benchmark-only.
 *
 * <p>Run: {@code java -cp ... io.dualstream.connect.redis.mapping.JsonTextCpuHarness [rounds=7] [records=200000]}.
 */
public final class JsonTextCpuHarness {

    private JsonTextCpuHarness() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int perRun = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        ChannelTemplates channel = ChannelTemplates.parse(List.of(RedisPubSubSinkConfig.CHANNEL_TEMPLATE_DEFAULT));
        NotificationFields fields = NotificationFields.parse(
                Arrays.asList(RedisPubSubSinkConfig.NOTIFICATION_FIELDS_DEFAULT.split(",")));
        int max = RedisPubSubSinkConfig.CHANNEL_MAX_BYTES_DEFAULT;
        NotificationMapper streaming = new NotificationMapper(channel, fields, max);
        NotificationMapper tree = new NotificationMapper(channel, fields, max, new ObjectMapper(), new TreeJsonReader(),
                new TreeJsonReader());
        Map<String, Runnable> runs = new LinkedHashMap<>();
        for (BenchEvents.Shape shape : List.of(BenchEvents.Shape.MAP, BenchEvents.Shape.STRING, BenchEvents.Shape.BYTES)) {
            SinkRecord[] records = BenchEvents.records(shape, 1024);
            runs.put(shape + " streaming", () -> mapAll(streaming, records, perRun));
            if (shape != BenchEvents.Shape.MAP) {
                runs.put(shape + " tree (before)", () -> mapAll(tree, records, perRun));
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, List<Double>> nanos = new LinkedHashMap<>();
        for (int round = 0; round <= rounds; round++) {
            for (Map.Entry<String, Runnable> run : runs.entrySet()) {
                long cpu = threads.getCurrentThreadCpuTime();
                run.getValue().run();
                double perRecord = (threads.getCurrentThreadCpuTime() - cpu) / (double) perRun;
                if (round > 0) { // round 0 warms up
                    nanos.computeIfAbsent(run.getKey(), k -> new ArrayList<>()).add(perRecord);
                }
            }
        }
        System.out.printf("# CPU ns per record, %d rounds of %,d records each (after 1 warm-up round), median [min-max]%n",
                rounds, perRun);
        double map = median(nanos.get("MAP streaming"));
        nanos.forEach((run, values) -> {
            double median = median(values);
            System.out.printf("%-22s %,7.0f ns  [%,.0f-%,.0f]  = %,.0f records/s per core; %.2f x the Map value%n", run,
                    median, values.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                    values.stream().mapToDouble(Double::doubleValue).max().orElse(0), 1e9 / median, median / map);
        });
    }

    private static void mapAll(NotificationMapper mapper, SinkRecord[] records, int count) {
        long bytes = 0;
        List<Notification> out = new ArrayList<>(1);
        for (int i = 0; i < count; i++) {
            out.clear();
            mapper.map(records[i & (records.length - 1)], out);
            bytes += out.get(0).payload().length;
        }
        if (bytes == 0) {
            throw new IllegalStateException("nothing mapped");
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
