package io.dualstream.connect.redis;

import io.dualstream.connect.redis.bench.BenchEvents;
import io.dualstream.connect.redis.bench.Cycle;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.mapping.NotificationMapper;
import org.apache.kafka.common.record.TimestampType;
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
 * The per-record cost of issue 10's settings, one thread like one task ({@code src/bench/run realtime}):
 * <ul>
 *   <li>{@link #freshThenMap}: what the task runs per record, {@link Freshness#stale} then the mapping, with
 *   notification.max.age.ms=0 (off) and with a maximum age that every record is well within (the check runs,
 *   nothing is skipped); {@link #freshOnly} is the check by itself.</li>
 *   <li>{@link #fanOut}: the mapping with one channel template and with three that render three distinct
 *   channels per record, for a {@code Map} value and for JSON text.</li>
 * </ul>
 * In this package to reach {@link Freshness}. Records carry a timestamp (the Kafka record's), 0 to 1 s before
 * the "now" of the check, as put() sees them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
public class RealTimeBenchmark {

    /** One template: the default. */
    static final String ONE = RedisPubSubSinkConfig.CHANNEL_TEMPLATE_DEFAULT;
    /** Three templates, three distinct channels for every record: the per-source one and two aggregates. */
    static final String THREE = "events:{source_type}:{source_id},events:{source_type},events:all";

    /** The events of {@link BenchEvents} with a Kafka timestamp, cycled, and the default mapping. */
    @State(Scope.Thread)
    public abstract static class Records {
        Cycle<SinkRecord> records;
        NotificationMapper mapper;
        final List<Notification> out = new ArrayList<>(4);
        long now;

        void setUp(BenchEvents.Shape shape, String templates) {
            now = System.currentTimeMillis();
            // The i-th record (offset i) was made i ms ago.
            records = Cycle.records(shape).map(r -> new SinkRecord(r.topic(), r.kafkaPartition(), r.keySchema(),
                    r.key(), r.valueSchema(), r.value(), r.kafkaOffset(), now - r.kafkaOffset(),
                    TimestampType.CREATE_TIME), SinkRecord[]::new);
            mapper = BenchEvents.mapper(templates.split(","));
        }

        SinkRecord nextRecord() {
            return records.next();
        }
    }

    public static class MaxAge extends Records {
        /** 0: off; 3,600,000 (1 h): on, and every record fresh. */
        @Param({"0", "3600000"})
        public long maxAgeMs;
        Freshness freshness;

        @Setup(Level.Trial)
        public void setUp() {
            setUp(BenchEvents.Shape.MAP, ONE);
            freshness = new Freshness(maxAgeMs, RedisPubSubSinkTask.LOG_INTERVAL_MS);
        }
    }

    public static class FanOut extends Records {
        @Param({"MAP", "STRING"})
        public BenchEvents.Shape shape;
        /** How many channel templates: 1 ({@link #ONE}) or 3 ({@link #THREE}). */
        @Param({"1", "3"})
        public int templates;

        @Setup(Level.Trial)
        public void setUp() {
            setUp(shape, templates == 1 ? ONE : THREE);
        }
    }

    /** The task's loop body for one record (RedisPubSubSinkTask.map, pacing unlimited, no bad records). */
    @Benchmark
    public int freshThenMap(MaxAge state) {
        SinkRecord record = state.nextRecord();
        if (state.freshness.stale(record, state.now)) {
            throw new IllegalStateException("a record went stale: " + record.kafkaOffset());
        }
        state.out.clear();
        return state.mapper.map(record, state.out);
    }

    /** The maximum-age check alone. */
    @Benchmark
    public boolean freshOnly(MaxAge state) {
        return state.freshness.stale(state.nextRecord(), state.now);
    }

    @Benchmark
    public int fanOut(FanOut state) {
        state.out.clear();
        int channels = state.mapper.map(state.nextRecord(), state.out);
        if (channels != state.templates) {
            throw new IllegalStateException(channels + " channels, expected " + state.templates);
        }
        return channels;
    }
}
