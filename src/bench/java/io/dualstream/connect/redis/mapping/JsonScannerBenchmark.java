package io.dualstream.connect.redis.mapping;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualstream.connect.redis.bench.BenchEvents;
import io.dualstream.connect.redis.bench.Cycle;
import io.dualstream.connect.redis.bench.OneTaskBenchmark;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;

import java.nio.charset.StandardCharsets;

/**
 * The parts of {@code HotPathBenchmark}'s JSON text shapes, each alone: {@link JsonScanner} reading an event's
 * bytes and capturing the default settings' fields, a {@code String} value's UTF-8 encoding for it, and a plain
 * loop over the same bytes for scale. In this
 * package to reach them; run beside the hot path ({@code src/bench/run hotpath JsonScannerBenchmark}).
 */
public class JsonScannerBenchmark extends OneTaskBenchmark {

    private Cycle<byte[]> bytes;
    private Cycle<String> strings;
    private JsonScanner scanner;
    private final Utf8Buffer utf8 = new Utf8Buffer();

    @Setup(Level.Trial)
    public void setUp() {
        strings = Cycle.records(BenchEvents.Shape.STRING).map(r -> (String) r.value(), String[]::new);
        bytes = strings.map(s -> s.getBytes(StandardCharsets.UTF_8), byte[][]::new);
        JsonPaths paths = NotificationMapper.referencedPaths(
                BenchEvents.channelTemplates(RedisPubSubSinkConfig.CHANNEL_TEMPLATE_DEFAULT),
                BenchEvents.defaultFields(), Reference::valuePath);
        scanner = new JsonScanner(new ObjectMapper(), paths, new CapturedJson(paths));
    }

    /** Reading an event's bytes and capturing the referenced fields. */
    @Benchmark
    public boolean scan() {
        byte[] value = bytes.next();
        return scanner.capture(value, value.length);
    }

    /** The same bytes only walked, counting quotes: what the core does per byte without any parsing. */
    @Benchmark
    public int countQuotes() {
        byte[] value = bytes.next();
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
        String value = strings.next();
        utf8.encode(value);
        return utf8.size();
    }
}
