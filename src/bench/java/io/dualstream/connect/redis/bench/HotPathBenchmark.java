package io.dualstream.connect.redis.bench;

import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.mapping.NotificationMapper;
import org.apache.kafka.connect.sink.SinkRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Record to notification (reference lookup, channel rendering, JSON encoding) with the default settings, for
 * each value shape. One thread, like one task. Run with {@code src/bench/run hotpath}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Thread)
public class HotPathBenchmark {

    /** Distinct records, cycled, so the benchmark does not map one record over and over. */
    private static final int RECORDS = 1024;

    @Param({"MAP", "STRUCT", "STRING", "BYTES"})
    public BenchEvents.Shape shape;

    private SinkRecord[] records;
    private NotificationMapper mapper;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        records = BenchEvents.records(shape, RECORDS);
        mapper = BenchEvents.mapper(RedisPubSubSinkConfig.CHANNEL_TEMPLATE_DEFAULT);
    }

    private final List<Notification> out = new ArrayList<>(4);

    @Benchmark
    public Notification map() {
        SinkRecord record = records[next];
        next = (next + 1) & (RECORDS - 1);
        out.clear();
        mapper.map(record, out);
        return out.get(0);
    }
}
