package io.dualstream.connect.redis.bench;

import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import io.dualstream.connect.redis.mapping.Notification;
import io.dualstream.connect.redis.mapping.NotificationMapper;
import org.apache.kafka.connect.sink.SinkRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.util.ArrayList;
import java.util.List;

/**
 * Record to notification (reference lookup, channel rendering, JSON encoding) with the default settings, for
 * each value shape. One thread, like one task. Run with {@code src/bench/run hotpath}.
 */
public class HotPathBenchmark extends OneTaskBenchmark {

    @Param({"MAP", "STRUCT", "STRING", "BYTES"})
    public BenchEvents.Shape shape;

    private Cycle<SinkRecord> records;
    private NotificationMapper mapper;

    @Setup(Level.Trial)
    public void setUp() {
        records = Cycle.records(shape);
        mapper = BenchEvents.mapper(RedisPubSubSinkConfig.CHANNEL_TEMPLATE_DEFAULT);
    }

    private final List<Notification> out = new ArrayList<>(4);

    @Benchmark
    public Notification map() {
        SinkRecord record = records.next();
        out.clear();
        mapper.map(record, out);
        return out.get(0);
    }
}
