package io.dualstream.connect.redis.bench;

import io.dualstream.connect.redis.RedisPubSubSinkConnector;
import io.dualstream.connect.redis.RedisPubSubSinkTask;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.Collection;
import java.util.Map;

/**
 * The real connector and task, with the harness timing each {@code put()} from outside (the task itself is
 * unchanged). Benchmark-only.
 */
public class TimedSinkConnector extends RedisPubSubSinkConnector {

    /** put() durations in nanoseconds and batch sizes, recorded by every task of this JVM. */
    static final LongSamples PUT_NANOS = new LongSamples(1 << 20);
    static final LongSamples BATCH_SIZES = new LongSamples(1 << 20);
    /** Per record: from the producer's send ({@code sent_nanos} in the value) to the start of put(): Kafka + Connect. */
    static final LongSamples TO_PUT_NANOS = new LongSamples(1 << 22);

    @Override
    public Class<? extends Task> taskClass() {
        return TimedTask.class;
    }

    public static class TimedTask extends RedisPubSubSinkTask {
        @Override
        public void put(Collection<SinkRecord> records) {
            long start = System.nanoTime();
            super.put(records);
            long took = System.nanoTime() - start;
            if (!records.isEmpty()) {
                PUT_NANOS.add(took);
                BATCH_SIZES.add(records.size());
                for (SinkRecord record : records) {
                    if (record.value() instanceof Map<?, ?> value && value.get("sent_nanos") instanceof Number sent) {
                        TO_PUT_NANOS.add(start - sent.longValue());
                    }
                }
            }
        }
    }
}
