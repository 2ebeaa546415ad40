package io.dualstream.connect.redis.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
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

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Jackson's streaming parser alone, under {@link HotPathBenchmark}'s JSON text shapes: walking the same events'
 * bytes, top-level names read and everything else skipped, with nothing captured or written. Run beside the hot
 * path ({@code src/bench/run hotpath JsonParseFloorBenchmark}) to see how much of a record's cost is the
 * tokenizing itself. {@code JsonScannerBenchmark} measures the connector's own scanner the same way.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Thread)
public class JsonParseFloorBenchmark {

    private static final int RECORDS = 1024;

    private final JsonFactory factory = new JsonFactory();
    private byte[][] values;
    private JsonParser fed;
    private ByteArrayFeeder feeder;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        SinkRecord[] records = BenchEvents.records(BenchEvents.Shape.BYTES, RECORDS);
        values = new byte[RECORDS][];
        for (int i = 0; i < RECORDS; i++) {
            values[i] = (byte[]) records[i].value();
        }
        fed = factory.createNonBlockingByteArrayParser();
        feeder = (ByteArrayFeeder) fed.getNonBlockingInputFeeder();
    }

    /** One non-blocking parser fed record after record (what the connector used before its own scanner). */
    @Benchmark
    public int nonBlockingFed() throws IOException {
        byte[] value = nextValue();
        feeder.feedInput(value, 0, value.length);
        int names = walk(fed);
        if (fed.nextToken() != JsonToken.NOT_AVAILABLE) {
            throw new IllegalStateException("trailing content");
        }
        return names;
    }

    /** A new blocking parser per record (it skips unread strings lazily, but allocates about 700 bytes). */
    @Benchmark
    public int blockingPerRecord() throws IOException {
        try (JsonParser parser = factory.createParser(nextValue())) {
            return walk(parser);
        }
    }

    private byte[] nextValue() {
        byte[] value = values[next];
        next = (next + 1) & (RECORDS - 1);
        return value;
    }

    private static int walk(JsonParser parser) throws IOException {
        parser.nextToken();
        int names = 0;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            names += parser.currentName().length();
            if (parser.nextToken().isStructStart()) {
                parser.skipChildren();
            }
        }
        return names;
    }
}
