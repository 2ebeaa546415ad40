package io.dualstream.connect.redis.mapping;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualstream.connect.redis.bench.BenchEvents;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import org.apache.kafka.connect.sink.SinkRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The parts of {@code HotPathBenchmark}'s JSON text shapes, each alone: {@link JsonScanner} reading an event's
 * bytes and capturing the default settings' fields, a {@code String} value's UTF-8 encoding for it, and a plain
 * loop over the same bytes for scale. In this
 * package to reach them; run beside the hot path ({@code src/bench/run hotpath JsonScannerBenchmark}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Thread)
public class JsonScannerBenchmark {

    private static final int RECORDS = 1024;

    private byte[][] bytes;
    private String[] strings;
    private JsonScanner scanner;
    private final Utf8Buffer utf8 = new Utf8Buffer();
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        SinkRecord[] records = BenchEvents.records(BenchEvents.Shape.STRING, RECORDS);
        bytes = new byte[RECORDS][];
        strings = new String[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            strings[i] = (String) records[i].value();
            bytes[i] = strings[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        ChannelTemplates channels = ChannelTemplates.parse(List.of(RedisPubSubSinkConfig.CHANNEL_TEMPLATE_DEFAULT));
        NotificationFields fields = NotificationFields.parse(
                Arrays.asList(RedisPubSubSinkConfig.NOTIFICATION_FIELDS_DEFAULT.split(",")));
        JsonPaths paths = NotificationMapper.referencedPaths(channels, fields, Reference::valuePath);
        scanner = new JsonScanner(new ObjectMapper(), paths, new CapturedJson(paths));
    }

    /** Reading an event's bytes and capturing the referenced fields. */
    @Benchmark
    public boolean scan() {
        byte[] value = bytes[next];
        next = (next + 1) & (RECORDS - 1);
        return scanner.capture(value, value.length);
    }

    /** The same bytes only walked, counting quotes: what the core does per byte without any parsing. */
    @Benchmark
    public int countQuotes() {
        byte[] value = bytes[next];
        next = (next + 1) & (RECORDS - 1);
        int quotes = 0;
        for (byte b : value) {
            if (b == '"') {
                quotes++;
            }
        }
        return quotes;
    }

    /** A {@code String} value to the UTF-8 bytes that the scanner reads. */
    @Benchmark
    public int encodeString() {
        String value = strings[next];
        next = (next + 1) & (RECORDS - 1);
        utf8.encode(value);
        return utf8.size();
    }
}
