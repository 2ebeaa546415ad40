package io.dualstream.connect.redis.bench;

import org.apache.kafka.connect.sink.SinkRecord;

import java.util.Arrays;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The JMH benchmarks' input: {@link #SIZE} distinct items, handed out in turn, so that a benchmark does not map one
 * record over and over (which the branch predictor and the caches would learn), yet the set stays in the caches.
 * One per benchmark state; not thread-safe, like the states ({@code Scope.Thread}).
 */
public final class Cycle<T> {

    /** How many distinct items: a power of two, so that the index wraps with a mask. */
    public static final int SIZE = 1024;

    private final T[] items;
    private int next;

    private Cycle(T[] items) {
        this.items = items;
    }

    /** {@link BenchEvents}' records with values of {@code shape}. */
    public static Cycle<SinkRecord> records(BenchEvents.Shape shape) {
        return new Cycle<>(BenchEvents.records(shape, SIZE));
    }

    /** The same items, each turned into another (a record's value, its bytes...), in the same order. */
    public <R> Cycle<R> map(Function<T, R> function, IntFunction<R[]> array) {
        return new Cycle<>(Arrays.stream(items).map(function).toArray(array));
    }

    public T next() {
        T item = items[next];
        next = (next + 1) & (SIZE - 1);
        return item;
    }
}
