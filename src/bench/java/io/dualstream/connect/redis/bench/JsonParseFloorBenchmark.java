package io.dualstream.connect.redis.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;

import java.io.IOException;

/**
 * Jackson's streaming parser alone, under {@link HotPathBenchmark}'s JSON text shapes: walking the same events'
 * bytes, top-level names read and everything else skipped, with nothing captured or written. Run beside the hot
 * path ({@code src/bench/run hotpath JsonParseFloorBenchmark}) to see how much of a record's cost is the
 * tokenizing itself. {@code JsonScannerBenchmark} measures the connector's own scanner the same way.
 */
public class JsonParseFloorBenchmark extends OneTaskBenchmark {

    private final JsonFactory factory = new JsonFactory();
    private Cycle<byte[]> values;
    private JsonParser fed;
    private ByteArrayFeeder feeder;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        values = Cycle.records(BenchEvents.Shape.BYTES).map(r -> (byte[]) r.value(), byte[][]::new);
        fed = factory.createNonBlockingByteArrayParser();
        feeder = (ByteArrayFeeder) fed.getNonBlockingInputFeeder();
    }

    /** One non-blocking parser fed record after record (what the connector used before its own scanner). */
    @Benchmark
    public int nonBlockingFed() throws IOException {
        byte[] value = values.next();
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
        try (JsonParser parser = factory.createParser(values.next())) {
            return walk(parser);
        }
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
